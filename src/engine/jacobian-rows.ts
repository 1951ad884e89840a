// Per-point parameter Jacobian rows (assembly/rows.ts through the backward pass): the
// gradient of each point's share of Σ (cotangent × jet), kept per point instead of summed.
// Rows come out of the core in the flat padded layout of the dtype and are compacted here
// to getParams() order in float64.
import { JetfitError } from '../base/errors.js';
import type { Heap } from '../runtime/heap.js';
import type { ParameterStore } from './parameter-store.js';
import type { Plan } from './plan.js';

/** Runs the rows backward pass of a forward-mode plan: row p at byte offset rows + p·flatLength·S. */
export function backwardRows(store: ParameterStore, plan: Plan, rows: number): void {
  if (plan.mode !== 'forward') throw new JetfitError('jacobianRows: internal error: a reverse-mode pass has no per-point rows');
  plan.setFlags(true, false);
  store.kernels.backwardRows(plan.words, rows, store.flatLength * store.S, store.grads);
}

/** The points of a plan's last pass ([B][n], flat), to redo it in forward mode. */
export function pointsOf(store: ParameterStore, plan: Plan, n: number): Float64Array {
  const B = plan.batch,
    inP = store.layout[0]!.inP;
  const x = new Float64Array(B * n),
    view = store.view(),
    o = plan.x / store.S;
  for (let p = 0; p < B; p++) for (let i = 0; i < n; i++) x[p * n + i] = view[o + p * inP + i]!;
  return x;
}

/**
 * Copies B rows left by backwardRows at byte offset `rows` into dst in compact form
 * (getParams() order, float64): row p to dst[offset + p·stride ...]; with `add`, adds them
 * (a residual read at paired points: its row is the sum of its points' rows).
 */
export function compactInto(
  store: ParameterStore,
  rows: number,
  B: number,
  dst: Float64Array,
  offset: number,
  stride: number,
  add = false,
): void {
  const at = store.parameterOffsets(),
    flat = store.flatLength;
  const view = store.view(),
    base = rows / store.S;
  for (let p = 0; p < B; p++) {
    const o = base + p * flat,
      d = offset + p * stride;
    if (add) for (let k = 0; k < at.length; k++) dst[d + k]! += view[o + at[k]!]!;
    else for (let k = 0; k < at.length; k++) dst[d + k] = view[o + at[k]!]!;
  }
}

/**
 * The compact rows [B][parameterCount] (getParams() order) after `write` has put the
 * cotangents into a forward-mode plan; the scratch block is returned to the heap.
 */
export function compactRows(store: ParameterStore, heap: Heap, plan: Plan, write: (plan: Plan) => void): Float64Array[] {
  const B = plan.batch,
    P = store.parameterCount;
  const ptr = heap.alloc(B * store.flatLength * store.S, `jacobianRows: ${B} rows of ${store.flatLength} parameters`);
  try {
    write(plan);
    backwardRows(store, plan, ptr);
    const all = new Float64Array(B * P);
    compactInto(store, ptr, B, all, 0, P);
    return Array.from({ length: B }, (_, p) => all.subarray(p * P, (p + 1) * P));
  } finally {
    heap.release(ptr);
  }
}
