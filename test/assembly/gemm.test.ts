// The GEMM micro-kernels against a plain triple loop: both precisions, A and Aᵀ,
// every mode (accumulate, overwrite, bias), odd M and K, N of one and several vectors,
// in both builds (their packed tiles differ: 5 rows with relaxed FMA, 4 without).
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILDS, loadCores, points, relError } from '../helpers.js';

let cores: Awaited<ReturnType<typeof loadCores>>;
beforeAll(async () => {
  cores = await loadCores();
});

const SHAPES: [number, number, number][] = [
  [1, 4, 1],
  [3, 4, 5],
  [4, 8, 7],
  [5, 12, 3],
  [13, 8, 300],
  [130, 72, 50],
  [7, 4, 513],
  [64, 64, 64],
  [0, 8, 4],
  [6, 8, 0],
  [37, 20, 600],
  [9, 1028, 300],
  [41, 36, 1000],
  [130, 136, 300],
  [130, 132, 300],
  [131, 68, 257],
  // more rows than one packed block of A holds (the 5-row strips are packed MC rows at a time)
  [2603, 12, 130],
];

for (const build of BUILDS)
  for (const dtype of ['float32', 'float64'] as const) {
    describe(`gemm ${dtype} (${build})`, () => {
      // float64 rows need only be a multiple of 2: a 2-wide tail after the 4-wide tiles
      for (const [M, N, K] of dtype === 'float64' ? [...SHAPES, [130, 66, 300] as [number, number, number]] : SHAPES) {
        for (const transposed of [false, true]) {
          for (const mode of [0, 1, 2]) {
            it(`${M}x${N}x${K} ${transposed ? 'Aᵀ' : 'A'} mode ${mode}`, () => {
              const core = cores.get(build)!;
              const S = dtype === 'float64' ? 8 : 4;
              const heap = core.heap;
              const pa = heap.alloc(Math.max(1, M * K) * S),
                pb = heap.alloc(Math.max(1, K * N) * S);
              const pc = heap.alloc(Math.max(1, M * N) * S),
                pbias = heap.alloc(N * S);
              const view = dtype === 'float64' ? heap.f64 : heap.f32;
              const a = points(M * K, 1, 1),
                b = points(K * N, 1, 2),
                c0 = points(M * N, 1, 3),
                bias = points(N, 1, 4);
              view.set(a, pa / S);
              view.set(b, pb / S);
              view.set(c0, pc / S);
              view.set(bias, pbias / S);
              // A is [M][K] (sam = K, sak = 1) or stored transposed as [K][M] (sam = 1, sak = M)
              const sam = transposed ? 1 : K,
                sak = transposed ? M : 1;
              const fn = dtype === 'float64' ? core.exports.gemm_f64 : core.exports.gemm_f32;
              fn(pa, sam, sak, pb, N, pc, N, M, N, K, mode, mode === 2 ? pbias : 0);
              const ref = new Float64Array(M * N);
              for (let i = 0; i < M; i++)
                for (let j = 0; j < N; j++) {
                  // C's starting value as the kernel sees it (float32 rounds it when stored)
                  const start = dtype === 'float64' ? c0[i * N + j]! : Math.fround(c0[i * N + j]!);
                  let s = mode === 0 ? start : mode === 2 ? bias[j]! : 0;
                  for (let k = 0; k < K; k++) s += a[i * sam + k * sak]! * b[k * N + j]!;
                  ref[i * N + j] = s;
                }
              const out = (dtype === 'float64' ? heap.f64 : heap.f32).slice(pc / S, pc / S + M * N);
              expect(relError(out, ref, 1)).toBeLessThan(dtype === 'float64' ? 1e-13 : 2e-5 * Math.sqrt(K + 1));
              for (const p of [pa, pb, pc, pbias]) heap.release(p);
            });
          }
        }
      }
    });
  }
