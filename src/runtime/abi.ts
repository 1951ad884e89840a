// The exported ABI of the WebAssembly core (assembly/index.ts): byte offsets into
// `memory` and numbers, nothing else.

/** Functions and memory exported by jetfit.wasm / jetfit-relaxed.wasm. */
export interface CoreExports {
  readonly memory: WebAssembly.Memory;
  heap_base(): number;
  /** 1 in the relaxed-SIMD (fused multiply-add) build, 0 in the portable SIMD build. */
  relaxed_simd(): number;
  forward_f32(plan: number): void;
  forward_f64(plan: number): void;
  backward_f32(plan: number): void;
  backward_f64(plan: number): void;
  forward_reverse_f32(plan: number): void;
  forward_reverse_f64(plan: number): void;
  backward_reverse_f32(plan: number): void;
  backward_reverse_f64(plan: number): void;
  gemm_f32(
    A: number,
    sam: number,
    sak: number,
    B: number,
    ldb: number,
    C: number,
    ldc: number,
    M: number,
    N: number,
    K: number,
    mode: number,
    bias: number,
  ): void;
  gemm_f64(
    A: number,
    sam: number,
    sak: number,
    B: number,
    ldb: number,
    C: number,
    ldc: number,
    M: number,
    N: number,
    K: number,
    mode: number,
    bias: number,
  ): void;
  activate_f32(act: number, Z: number, A: number, S1: number, S2: number, S3: number, n: number, order: number): void;
  activate_f64(act: number, Z: number, A: number, S1: number, S2: number, S3: number, n: number, order: number): void;
  adam_f32(
    P: number,
    G: number,
    M: number,
    V: number,
    n: number,
    step: number,
    root: number,
    b1: number,
    b2: number,
    eps: number,
    decay: number,
    l2: number,
  ): void;
  adam_f64(
    P: number,
    G: number,
    M: number,
    V: number,
    n: number,
    step: number,
    root: number,
    b1: number,
    b2: number,
    eps: number,
    decay: number,
    l2: number,
  ): void;
  sgd_f32(P: number, G: number, U: number, n: number, lr: number, mu: number, nesterov: number, wd: number): void;
  sgd_f64(P: number, G: number, U: number, n: number, lr: number, mu: number, nesterov: number, wd: number): void;
  /** max |x_i| over n elements at X; NaN if any is NaN, Infinity if any is infinite */
  max_abs_f32(X: number, n: number): number;
  max_abs_f64(X: number, n: number): number;
}

/** Names every core module must export, one per member of CoreExports (a missing or extra name is a compile error). */
const EXPORTS: Record<keyof CoreExports, true> = {
  memory: true,
  heap_base: true,
  relaxed_simd: true,
  forward_f32: true,
  forward_f64: true,
  backward_f32: true,
  backward_f64: true,
  forward_reverse_f32: true,
  forward_reverse_f64: true,
  backward_reverse_f32: true,
  backward_reverse_f64: true,
  gemm_f32: true,
  gemm_f64: true,
  activate_f32: true,
  activate_f64: true,
  adam_f32: true,
  adam_f64: true,
  sgd_f32: true,
  sgd_f64: true,
  max_abs_f32: true,
  max_abs_f64: true,
};

/** Names every core module must export; checked when a module is loaded (test/runtime/abi.test.ts checks there are no others). */
export const REQUIRED_EXPORTS = Object.keys(EXPORTS) as (keyof CoreExports)[];
