// maxAbs (assembly/norms.ts) against a plain loop: lengths of one vector, an odd number of
// vectors (the single-accumulator tail) and many; NaN, ±Infinity and denormals anywhere;
// both precisions and both builds.
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILDS, loadCores } from '../helpers.js';

let cores: Awaited<ReturnType<typeof loadCores>>;
beforeAll(async () => {
  cores = await loadCores();
});

function plain(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!);
    if (Number.isNaN(a)) return NaN;
    m = Math.max(m, a);
  }
  return m;
}

for (const build of BUILDS)
  for (const dtype of ['float32', 'float64'] as const) {
    describe(`maxAbs ${dtype} (${build})`, () => {
      const L = dtype === 'float64' ? 2 : 4;
      const lengths = [0, L, 2 * L, 3 * L, 17 * L, 1000 * L];
      const specials: [string, number][] = [
        ['NaN', NaN],
        ['Infinity', Infinity],
        ['-Infinity', -Infinity],
        ['a denormal', dtype === 'float64' ? -5e-324 : -1e-45],
        ['the largest', -3e38],
      ];
      for (const n of lengths) {
        const where = n === 0 ? [] : [0, n - 1, Math.floor(n / 2)];
        const cases: [string, number, number][] = [
          ['finite values', -1, 0],
          ...where.flatMap((at) => specials.map(([name, v]) => [`${name} at ${at}`, at, v] as [string, number, number])),
        ];
        for (const [name, at, v] of cases) {
          it(`n = ${n}: ${name}`, () => {
            const { exports, heap } = cores.get(build)!;
            const S = dtype === 'float64' ? 8 : 4;
            const p = heap.alloc(Math.max(1, n) * S);
            const view = dtype === 'float64' ? heap.f64 : heap.f32;
            const x = view.subarray(p / S, p / S + n);
            for (let i = 0; i < n; i++) x[i] = Math.sin(3 * i + 1) * (1 + (i % 7));
            if (at >= 0) x[at] = v;
            const got = (dtype === 'float64' ? exports.max_abs_f64 : exports.max_abs_f32)(p, n);
            expect(Object.is(got, plain(x)) || got === plain(x)).toBe(true);
            heap.release(p);
          });
        }
      }
    });
  }
