// The GEMM kernel on its own, outside the engine: a bare instance of one wasm build with
// a bump allocator, and the time of one C = A·B (or Aᵀ·B) call. Shared by the benchmarks
// (engine.mjs prints the kernel's table; peers.mjs prints the 256³ figure beside the
// workloads' GFLOP/s).
import { readFileSync } from 'node:fs';

/** A fresh instance of dist/<file> (it has no imports) with a bump allocator. */
export async function rawCore(file) {
  const { instance } = await WebAssembly.instantiate(
    readFileSync(file.startsWith('/') ? file : new URL(`../dist/${file}`, import.meta.url)),
    {},
  );
  const ex = instance.exports;
  let top = (ex.heap_base() + 63) & ~63;
  return {
    ex,
    alloc(bytes) {
      const p = top;
      top += Math.ceil(bytes / 64) * 64;
      const need = top - ex.memory.buffer.byteLength;
      if (need > 0) ex.memory.grow(Math.ceil(need / 65536));
      return p;
    },
    reset() {
      top = (ex.heap_base() + 63) & ~63;
    },
  };
}

/**
 * A prepared GEMM of shape M×N×K in `dtype` on `core` (A [M][K] row-major, or stored
 * transposed [K][M] when `transposed`; B [K][N]; C [M][N]): `run()` does one product,
 * `flops` is 2MNK. Runs it for 300 ms first unless `quick`: until V8 has tiered the
 * module up from its baseline compiler, timings mean little.
 */
export function gemmCase(core, dtype, M, N, K, transposed = false, quick = false) {
  const S = dtype === 'float64' ? 8 : 4;
  const T = dtype === 'float64' ? Float64Array : Float32Array;
  core.reset();
  const pa = core.alloc(M * K * S),
    pb = core.alloc(K * N * S),
    pc = core.alloc(M * N * S);
  const v = new T(core.ex.memory.buffer);
  for (let i = 0; i < M * K; i++) v[pa / S + i] = Math.sin(i);
  for (let i = 0; i < K * N; i++) v[pb / S + i] = Math.cos(i);
  const fn = dtype === 'float64' ? core.ex.gemm_f64 : core.ex.gemm_f32;
  const run = () => fn(pa, transposed ? 1 : K, transposed ? M : 1, pb, N, pc, N, M, N, K, 1, 0);
  if (!quick) for (const t0 = performance.now(); performance.now() - t0 < 300; ) run();
  return { run, flops: 2 * M * N * K };
}
