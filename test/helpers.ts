// Shared test helpers: references and error measures. Tests import the built package
// (dist/), the artifact users get.
import { readFile } from 'node:fs/promises';
import { mean, type FieldLike, type LayerParams, type LossContext, type Loss, type Mlp, type Parameter } from '../dist/index.js';
import type { CoreExports } from '../dist/runtime/abi.js';
import { Heap } from '../dist/runtime/heap.js';

/** The two shipped builds of the core. */
export const BUILDS = ['jetfit-relaxed.wasm', 'jetfit.wasm'] as const;

/** A fresh instance of each shipped build, with an allocator over its memory (kernel tests). */
export async function loadCores(): Promise<Map<string, { exports: CoreExports; heap: Heap }>> {
  const cores = new Map<string, { exports: CoreExports; heap: Heap }>();
  for (const file of BUILDS) {
    const { instance } = await WebAssembly.instantiate(await readFile(new URL(`../dist/${file}`, import.meta.url)), {});
    const exports = instance.exports as unknown as CoreExports;
    cores.set(file, { exports, heap: new Heap(exports.memory, exports.heap_base()) });
  }
  return cores;
}

/** ‖a − b‖∞ / max(‖b‖∞, floor): a relative error that tolerates exact zeros. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-8): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let d = 0,
    s = floor;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return d / s;
}

/** Points in [-1, 1]^n from a small deterministic generator. */
export function points(batch: number, n: number, seed = 7): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < batch * n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push((s / 2 ** 32) * 2 - 1);
  }
  return out;
}

/** Central differences of f (R^{B×n} → R^{B×m×c}) along each input, per point: [B][m][c][n]. */
export function fdAlongInputs(
  f: (x: number[]) => ArrayLike<number>,
  x: number[],
  batch: number,
  n: number,
  perPoint: number,
  h = 1e-5,
): Float64Array {
  const out = new Float64Array(batch * perPoint * n);
  for (let i = 0; i < n; i++) {
    const xp = x.slice(),
      xm = x.slice();
    for (let p = 0; p < batch; p++) {
      xp[p * n + i]! += h;
      xm[p * n + i]! -= h;
    }
    const fp = f(xp),
      fm = f(xm);
    for (let p = 0; p < batch; p++)
      for (let c = 0; c < perPoint; c++) {
        out[(p * perPoint + c) * n + i] = (fp[p * perPoint + c]! - fm[p * perPoint + c]!) / (2 * h);
      }
  }
  return out;
}

/** Central differences of a scalar loss with respect to every parameter, in getParams layout. */
export function fdParams(net: Mlp, loss: () => number, h = 1e-6): LayerParams[] {
  const P = net.getParams();
  const G = P.map(({ W, b }) => ({ W: new Float64Array(W.length), b: new Float64Array(b.length) }));
  for (let l = 0; l < P.length; l++) {
    for (const key of ['W', 'b'] as const) {
      const arr = P[l]![key];
      for (let j = 0; j < arr.length; j++) {
        const orig = arr[j]!;
        arr[j] = orig + h;
        net.setParams(P);
        const lp = loss();
        arr[j] = orig - h;
        net.setParams(P);
        const lm = loss();
        arr[j] = orig;
        net.setParams(P);
        G[l]![key][j] = (lp - lm) / (2 * h);
      }
    }
  }
  return G;
}

/** Flattens getParams-layout arrays into one. */
export function flat(p: LayerParams[]): Float64Array {
  const parts: number[] = [];
  for (const { W, b } of p) {
    parts.push(...W, ...b);
  }
  return Float64Array.from(parts);
}

/** Σ c·a */
export function dot(a: ArrayLike<number>, c: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * c[i]!;
  return s;
}

/** A constant field equal to a trainable scalar, on the single dummy point of a term. */
export const lift = (c: LossContext, p: FieldLike) => c.x[0]!.mul(0).add(p);

/** The Rosenbrock function (1 − a)² + 100 (b − a²)² of two trainable scalars, as a loss (minimum 0 at a = b = 1). */
export function rosenbrock(c: LossContext, a: Parameter, b: Parameter): Loss {
  return mean(
    lift(c, a)
      .neg()
      .add(1)
      .square()
      .add(lift(c, b).sub(lift(c, a).square()).square().mul(100)),
  );
}
