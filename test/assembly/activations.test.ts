// Each activation's s, s', s'', s''' from the core: the value against Math, each
// derivative against central differences of the one below (float64), and float32
// against float64.
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, init } from '../../dist/index.js';
import { getCore } from '../../dist/runtime/core.js';
import { relError } from '../helpers.js';

beforeAll(async () => {
  await init();
});

const REFERENCE: Record<string, (z: number) => number> = {
  identity: (z) => z,
  tanh: Math.tanh,
  sin: Math.sin,
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  softplus: (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))),
  silu: (z) => z / (1 + Math.exp(-z)),
  gelu: (z) => 0.5 * z * (1 + Math.tanh(0.7978845608028654 * (z + 0.044715 * z ** 3))),
  relu: (z) => Math.max(z, 0),
};

function run(dtype: 'float32' | 'float64', act: number, z: number[]): Float64Array[] {
  const core = getCore('test');
  const S = dtype === 'float64' ? 8 : 4,
    n = z.length;
  const p = core.heap.alloc(5 * n * S);
  const v = dtype === 'float64' ? core.heap.f64 : core.heap.f32;
  v.set(z, p / S);
  (dtype === 'float64' ? core.exports.activate_f64 : core.exports.activate_f32)(
    act,
    p,
    p + n * S,
    p + 2 * n * S,
    p + 3 * n * S,
    p + 4 * n * S,
    n,
    3,
  );
  const w = dtype === 'float64' ? core.heap.f64 : core.heap.f32;
  const out = [1, 2, 3, 4].map((k) => Float64Array.from(w.subarray(p / S + k * n, p / S + (k + 1) * n)));
  core.heap.release(p);
  return out;
}

// Values across the ranges where each branch of the vector code is taken (|z| < 0.625,
// large |z|, the clamps of exp), a multiple of 4 long.
const Z: number[] = [];
for (let i = 0; i < 400; i++) Z.push(-12 + (24 * i) / 399 + 1e-3);
Z.push(-0.3, 0.05, 0.61, 0.64, -40, 40, -800, 800);

describe('activations', () => {
  ACTIVATIONS.forEach((name, id) => {
    it(name, () => {
      const [s, s1, s2, s3] = run('float64', id, Z);
      const ref = Float64Array.from(Z, REFERENCE[name]!);
      expect(relError(s!, ref, 1)).toBeLessThan(1e-15 * 8);
      if (name !== 'relu') {
        const h = 1e-5;
        const zp = Z.map((z) => z + h),
          zm = Z.map((z) => z - h);
        const [sp, s1p, s2p] = run('float64', id, zp),
          [sm, s1m, s2m] = run('float64', id, zm);
        const fd = (a: Float64Array, b: Float64Array): Float64Array => a.map((v, i) => (v - b[i]!) / (2 * h));
        expect(relError(s1!, fd(sp!, sm!), 1)).toBeLessThan(1e-8);
        expect(relError(s2!, fd(s1p!, s1m!), 1)).toBeLessThan(1e-8);
        expect(relError(s3!, fd(s2p!, s2m!), 1)).toBeLessThan(1e-8);
      } else {
        expect(Array.from(s2!).every((v) => v === 0)).toBe(true);
        expect(Array.from(s1!)).toEqual(Z.map((z) => (z > 0 ? 1 : 0)));
      }
      const f32 = run('float32', id, Z);
      const f64 = [s!, s1!, s2!, s3!];
      f32.forEach((a, k) => {
        expect(relError(a, f64[k]!, 1)).toBeLessThan(2e-6);
      });
    });
  });
});
