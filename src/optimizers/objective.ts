// The seam between the optimizers and what they minimize. An optimizer sees a parameter
// vector (the network's flat buffer in WebAssembly memory plus the trainable scalars) and
// an objective over it: the loss and its gradient at the current parameters, the
// per-term values for messages and the history, and, for least-squares methods, the
// residual vector with its Jacobian. It never sees terms, tapes, plans or networks:
// train/objective.ts implements this for fit's terms, on one thread or many.
import type { DType, Real } from '../base/dtype.js';
import type { ParameterStore } from '../engine/parameter-store.js';

/**
 * Everything an optimizer moves. Vectors over it come in two forms: flat (the network's
 * padded buffer, then the scalars; length `size`) for the update loops, and compact (the
 * real parameters in getParams() order, then the scalars; length `compactSize`) for dense
 * matrices and saved states, so that nothing saved can be read as padding.
 */
export interface ParameterVector {
  readonly dtype: DType;
  /** length of the flat vectors */
  readonly size: number;
  /** length of the compact form */
  readonly compactSize: number;
  /** length of the network's flat (padded) part */
  readonly flat: number;
  /** the trainable scalars' values and gradients (the flat vectors' tail) */
  readonly values: Float64Array;
  readonly grads: Float64Array;
  /** the network's buffers and kernels in WebAssembly memory (refuses a disposed network) */
  store(): ParameterStore;
  /** copies all parameters into dst (flat) */
  save(dst: Float64Array): void;
  /** writes all parameters from src (flat) and commits them */
  load(src: Float64Array): void;
  /** after an update in place: the scalars' values published, stored passes made stale */
  commit(): void;
  /** copies the gradient into dst (flat) */
  saveGradient(dst: Float64Array): void;
  gradientNorm(): number;
  /** max |gradient entry|; NaN or Infinity when one is not finite */
  gradientMaxAbs(): number;
  /** true when every parameter and scalar is finite */
  finite(): boolean;
  scaleGradient(c: number): void;
  /** the compact form of a network-shaped buffer (flat layout) and a scalar array */
  pack(net: ArrayLike<number>, scalars: ArrayLike<number>): number[];
  /** a compact form written back: the network part into its flat layout (padding zeroed), then the scalars */
  unpack(values: readonly number[], net: Real, scalars: Float64Array): void;
  /** the compact form of a flat vector */
  packVector(v: Float64Array): number[];
  /** the compact form of a flat vector into out (length ≥ compactSize) */
  packInto(v: Float64Array, out: Float64Array): void;
  /** −1 times a compact vector, written as a flat vector (padding zeroed) */
  unpackNegated(c: Float64Array, v: Float64Array): void;
  /** a flat vector from its compact form */
  unpackVector(values: readonly number[], v: Float64Array): void;
}

/** The first term whose gradient alone is not finite: its name, its loss, the first bad entry. */
export interface GradientCulprit {
  readonly term: string;
  readonly loss: number;
  readonly value: number;
}

/**
 * A sum of squares L = ‖R‖² (plus a constant, which no step changes) written as one stacked residual vector R and its Jacobian J
 * (one row per residual, compact columns). Owned by one optimizer phase; dispose returns
 * its WebAssembly scratch.
 */
export interface LeastSquares {
  /** the length of R */
  readonly rows: number;
  /**
   * R and J at the current parameters, written into the arrays `views` returns (called
   * after each pass through the network, whose planning may grow the memory and detach
   * older views); J's rows are `stride` apart. Records each term's value; returns L.
   */
  linearize(views: () => { J: Float64Array; R: Float64Array }, stride: number): number;
  dispose(): void;
}

/** What an optimizer may ask of the loss it minimizes. */
export interface Objective {
  readonly parameters: ParameterVector;
  /** the terms' names, in order */
  readonly termNames: readonly string[];
  /** each term's (unweighted) value at the last evaluation */
  readonly termValues: Readonly<Record<string, number>>;
  /** the next batches (minibatch optimizers call it once per step) */
  advance(): void;
  /** the loss at the current parameters, and its gradient into the parameter vector's gradient */
  evaluate(): number;
  /** the loss alone (no gradient) */
  value(): number;
  /** after a step whose gradient was not finite: each term alone, to name the first whose gradient is not */
  gradientCulprit(): GradientCulprit | null;
  /** the number of residuals of a least-squares reading of the loss; refuses (naming the term) a loss that is not one */
  residualCount(where: string): number;
  /** the residuals and their Jacobian, planned for this objective's batches */
  leastSquares(where: string): LeastSquares;
}
