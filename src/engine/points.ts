// Input points as users hold them (flat typed arrays, flat number arrays, arrays of rows),
// checked and copied into a padded [B][inP] buffer in WebAssembly memory.
import { JetfitError } from '../errors.js';
import type { NumericArray, Real } from './dtype.js';

/** A batch of points: flat row-major [B][n], or one array per point. */
export type Points = NumericArray | readonly (readonly number[] | Float32Array | Float64Array)[];

function isRows(x: Points): x is readonly (readonly number[] | Float32Array | Float64Array)[] {
  if (!Array.isArray(x) || x.length === 0) return false;
  const first: unknown = x[0];
  return Array.isArray(first) || ArrayBuffer.isView(first);
}

/** The batch size of x for n inputs, or an error naming the argument. */
export function batchSize(x: Points, n: number, argument: string): number {
  if (x === null || typeof x !== 'object' || !(Array.isArray(x) || x instanceof Float32Array || x instanceof Float64Array)) {
    throw new JetfitError(`${argument}: expected points as a Float32Array, Float64Array, number[] (flat, row-major [B][${n}]) ` +
      `or number[][] ([B] rows of ${n}), got ${x === null ? 'null' : typeof x === 'object' ? (x as object).constructor?.name ?? 'an object' : typeof x}`);
  }
  if (isRows(x)) {
    for (let p = 0; p < x.length; p++) {
      const row = x[p];
      if (!row || typeof row !== 'object' || row.length !== n) {
        throw new JetfitError(`${argument}: ragged rows: row ${p} has ${row && typeof row === 'object' ? row.length : 'no'} ` +
          `entries, expected ${n} (the network's input size)`);
      }
    }
    return x.length;
  }
  if (x.length === 0) throw new JetfitError(`${argument}: empty batch; expected at least one point of ${n} inputs`);
  if (x.length % n !== 0) {
    throw new JetfitError(`${argument}: length ${x.length} is not a multiple of the input size ${n}; ` +
      `expected a flat row-major array [B][${n}]`);
  }
  return x.length / n;
}

/**
 * Copies x ([B][n]) into dst at element offset `at` with rows padded to nP (pads zeroed),
 * and checks every value is finite.
 */
export function copyPoints(x: Points, n: number, nP: number, dst: Real, at: number, argument: string): void {
  const rows = isRows(x);
  const B = rows ? x.length : x.length / n;
  let check = 0;
  for (let p = 0; p < B; p++) {
    const o = at + p * nP;
    if (rows) {
      const row = (x as readonly ArrayLike<number>[])[p]!;
      for (let i = 0; i < n; i++) { const v = row[i]!; dst[o + i] = v; check += v * 0; }
    } else {
      const flat = x as ArrayLike<number>;
      for (let i = 0; i < n; i++) { const v = flat[p * n + i]!; dst[o + i] = v; check += v * 0; }
    }
    for (let i = n; i < nP; i++) dst[o + i] = 0;
  }
  if (check === 0) return;
  // Something was not a finite number: find it for the message.
  for (let p = 0; p < B; p++) for (let i = 0; i < n; i++) {
    const v = rows ? (x as readonly ArrayLike<number>[])[p]![i] : (x as ArrayLike<number>)[p * n + i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new JetfitError(`${argument}: point ${p}, input ${i} is ${String(v)}; every coordinate must be a finite number`);
    }
  }
}
