// Shared pieces of the property-based suites: a plain-JavaScript reference MLP (float64),
// finite differences of it, bitwise snapshots of networks, the run count, and the check
// that a call either succeeds or throws a JetfitError.
import { fc } from '@fast-check/vitest';
import { expect } from 'vitest';
import { JetfitError, Mlp, type Activation, type LayerParams } from '../../dist/index.js';

/** Runs per property: FUZZ_RUNS times the default's scale (FUZZ_RUNS=10 runs ten times as many). */
export function runs(base: number): number {
  const scale = Number(process.env.FUZZ_RUNS ?? 1);
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** Each activation as jetfit defines it (gelu in its tanh form), in float64. */
export const ACT: Record<Activation, (z: number) => number> = {
  identity: (z) => z,
  tanh: Math.tanh,
  sin: Math.sin,
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  softplus: (z) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))),
  silu: (z) => z / (1 + Math.exp(-z)),
  gelu: (z) => 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z))),
  relu: (z) => Math.max(0, z),
};
export const SMOOTH: Activation[] = ['identity', 'tanh', 'sin', 'sigmoid', 'softplus', 'silu', 'gelu'];

/** The network's outputs at one point, computed from its parameters in plain float64. */
export function reference(params: readonly LayerParams[], act: Activation, x: readonly number[]): number[] {
  let a = Array.from(x);
  params.forEach(({ W, b }, l) => {
    const out = b.length,
      inn = a.length;
    const z = Array.from({ length: out }, (_, o) => {
      let s = b[o]!;
      for (let i = 0; i < inn; i++) s += W[o * inn + i]! * a[i]!;
      return s;
    });
    a = l < params.length - 1 ? z.map(ACT[act]) : z;
  });
  return a;
}

/** Central differences of f along input i (first order), with step h. */
export function d1(f: (x: number[]) => number, x: number[], i: number, h = 1e-5): number {
  const p = x.slice(),
    m = x.slice();
  p[i]! += h;
  m[i]! -= h;
  return (f(p) - f(m)) / (2 * h);
}

/** Central second differences ∂²f/∂x_i∂x_j, with step h. */
export function d2(f: (x: number[]) => number, x: number[], i: number, j: number, h = 1e-4): number {
  if (i === j) {
    const p = x.slice(),
      m = x.slice();
    p[i]! += h;
    m[i]! -= h;
    return (f(p) - 2 * f(x) + f(m)) / (h * h);
  }
  const at = (si: number, sj: number): number => {
    const y = x.slice();
    y[i]! += si * h;
    y[j]! += sj * h;
    return f(y);
  };
  return (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h * h);
}

/** The bytes of a network's parameters (or 'disposed'): equal snapshots are bitwise-identical networks. */
export function snapshot(net: Mlp): string {
  if (net.disposed) return 'disposed';
  return net
    .getParams()
    .map(
      ({ W, b }) =>
        Buffer.from(W.buffer, W.byteOffset, W.byteLength).toString('hex') +
        '|' +
        Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex'),
    )
    .join('/');
}

/** ‖a − b‖∞ / max(‖b‖∞, floor) */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-6): number {
  expect(a.length).toBe(b.length);
  let d = 0,
    s = floor;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return d / s;
}

/** Runs f; returns its result, or the error it threw after checking that it is a JetfitError. */
export function attempt<T>(f: () => T): { ok: true; value: T } | { ok: false; error: Error } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (!(e instanceof JetfitError)) throw new Error(`expected a JetfitError, got ${String(e)}`, { cause: e });
    return { ok: false, error: e };
  }
}

/** The same for a promise. */
export async function attemptAsync<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: Error }> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    if (!(e instanceof JetfitError)) throw new Error(`expected a JetfitError, got ${String(e)}`, { cause: e });
    return { ok: false, error: e };
  }
}

/** A small network's options. */
export interface NetConfig {
  sizes: number[];
  activation: Activation;
  dtype: 'float32' | 'float64';
  seed: number;
}

/** Small networks: 1–3 inputs, one or two hidden layers of 1–7, 1–2 outputs. */
export function netConfig(
  activations: Activation[] = [...SMOOTH, 'relu'],
  dtypes: ('float32' | 'float64')[] = ['float32', 'float64'],
): fc.Arbitrary<NetConfig> {
  return fc
    .record({
      n: fc.integer({ min: 1, max: 3 }),
      hidden: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 2 }),
      m: fc.integer({ min: 1, max: 2 }),
      activation: fc.constantFrom(...activations),
      dtype: fc.constantFrom(...dtypes),
      seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    })
    .map(({ n, hidden, m, activation, dtype, seed }) => ({ sizes: [n, ...hidden, m], activation, dtype, seed }));
}

/** Points in [-1, 1]^n, B of them, as a flat array. */
export function flatPoints(n: number, maxBatch = 4): fc.Arbitrary<number[]> {
  return fc
    .integer({ min: 1, max: maxBatch })
    .chain((B) => fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: B * n, maxLength: B * n }));
}

/** A float64 copy of a network (the reference its float32 results are compared with). */
export function asFloat64(net: Mlp): Mlp {
  return Mlp.fromJSON({ ...net.toJSON(), dtype: 'float64' });
}
