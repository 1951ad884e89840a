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

/** Names every core module must export; checked when a module is loaded. */
export const REQUIRED_EXPORTS: readonly (keyof CoreExports)[] = [
  'memory',
  'heap_base',
  'relaxed_simd',
  'forward_f32',
  'forward_f64',
  'backward_f32',
  'backward_f64',
  'forward_reverse_f32',
  'forward_reverse_f64',
  'backward_reverse_f32',
  'backward_reverse_f64',
  'gemm_f32',
  'gemm_f64',
  'activate_f32',
  'activate_f64',
  'adam_f32',
  'adam_f64',
  'sgd_f32',
  'sgd_f64',
  'max_abs_f32',
  'max_abs_f64',
];

/** Plan layout shared with assembly/mlp.ts (u32 words). */
export const PLAN_HEADER = 32;
export const LAYER_WORDS = 16;
export const H = {
  LAYERS: 0,
  BATCH: 1,
  DIRS: 2,
  PAIRS: 3,
  LAP: 4,
  ORDER: 5,
  KEEP: 6,
  ACCUMULATE: 7,
  DIRS_PTR: 8,
  PAIRS_PTR: 9,
  X: 10,
  G0: 11,
  G1: 12,
  SCRATCH: 13,
  BLOCKS: 14,
  OUTPUTS: 16,
  JAC: 17,
  YBAR: 18,
  SCRATCH2: 19,
} as const;
export const LW = {
  IN: 0,
  OUT: 1,
  IN_REAL: 2,
  ACT: 3,
  W: 4,
  B: 5,
  WT: 6,
  Z: 7,
  A: 8,
  S1: 9,
  S2: 10,
  S3: 11,
  WBAR: 12,
  BBAR: 13,
  G: 14,
  H: 15,
} as const;
