// float32 against float64 on the same parameters: every jet and every gradient agrees to
// float32 precision, for batch sizes that are and are not multiples of the SIMD width.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, Mlp } from '../../dist/index.js';
import { flat, points, relError } from '../helpers.js';

beforeAll(async () => {
  await init();
});

describe('float32 agrees with float64', () => {
  for (const B of [1, 3, 4, 5, 64, 1000]) {
    it(`batch ${B}`, () => {
      const sizes = [3, 17, 9, 2];
      const f64 = new Mlp({ sizes, dtype: 'float64', seed: 9 });
      const f32 = new Mlp({ sizes, dtype: 'float32', seed: 1 });
      f32.setParams(f64.getParams());
      const x = points(B, 3, B);
      for (const hessian of ['full', 'laplacian'] as const) {
        const a = f32.evaluate(x, { jacobian: true, hessian });
        const b = f64.evaluate(x, { jacobian: true, hessian });
        expect(a.y).toBeInstanceOf(Float32Array);
        expect(b.y).toBeInstanceOf(Float64Array);
        expect(relError(a.y, b.y)).toBeLessThan(2e-6);
        expect(relError(a.jacobian!, b.jacobian!)).toBeLessThan(2e-6);
        if (hessian === 'full') expect(relError(a.hessian!, b.hessian!)).toBeLessThan(5e-6);
        else expect(relError(a.laplacian!, b.laplacian!)).toBeLessThan(5e-6);
      }
      const c = { y: points(B * 2, 1, 1), jacobian: points(B * 6, 1, 2), laplacian: points(B * 2, 1, 3) };
      expect(relError(flat(f32.gradients(x, c)), flat(f64.gradients(x, c)))).toBeLessThan(2e-5);
      f32.dispose();
      f64.dispose();
    });
  }
});

describe('float32 agrees with float64 in reverse mode (value and Jacobian of fewer outputs than inputs)', () => {
  for (const B of [5, 1000]) {
    it(`batch ${B}, 3-44-37-1`, () => {
      const sizes = [3, 44, 37, 1];
      const f64 = new Mlp({ sizes, dtype: 'float64', seed: 4 });
      const f32 = new Mlp({ sizes, dtype: 'float32', seed: 1 });
      f32.setParams(f64.getParams());
      const x = points(B, 3, B + 1);
      const a = f32.evaluate(x, { jacobian: true });
      const b = f64.evaluate(x, { jacobian: true });
      expect(relError(a.y, b.y)).toBeLessThan(2e-6);
      expect(relError(a.jacobian!, b.jacobian!)).toBeLessThan(2e-6);
      const c = { y: points(B, 1, 7), jacobian: points(B * 3, 1, 8) };
      expect(relError(flat(f32.gradients(x, c)), flat(f64.gradients(x, c)))).toBeLessThan(2e-5);
      f32.dispose();
      f64.dispose();
    });
  }
});
