// Dense quasi-Newton methods (BFGS, self-scaled BFGS, self-scaled Broyden): H is an
// explicit n×n float64 matrix over the trainables' compact coordinates (the real
// parameters in getParams() order, then the scalars), in WebAssembly memory. Per iteration
// one pass computes H·y and one pass applies the rank-two update and the next H·g
// (assembly/dense.ts); the iteration and line search are quasi-newton.ts's.
//
// Guards the published algorithms lack: a pair with yᵀs ≤ 0, or any update quantity that
// is not finite, leaves H unchanged; a failed line search resets H (the next pair scales
// it); the update formula keeps H exactly symmetric.
import { checkBytes, formatBytes } from '../base/limits.js';
import { checkInteger, checkNumbers, checkOption, describe, show } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { Float64Block } from '../engine/parameter-store.js';
import type { OptimizerDefinition, OptimizerState, StateShape } from './definition.js';
import { checkCount } from './definition.js';
import type { ParameterVector } from './objective.js';
import { checkIterate, QuasiNewton, QuasiNewtonStepper } from './quasi-newton.js';
import { rankTwoCoefficients, scaling, type DenseMethod } from './self-scaling.js';
import { dot } from './vectors.js';

/**
 * Dense quasi-Newton options (full batch; one step = one iteration with a strong-Wolfe line
 * search): BFGS, self-scaled BFGS, self-scaled Broyden. They keep an n×n float64 matrix
 * for n trainables, so they suit networks up to a few thousand parameters.
 */
export interface DenseQuasiNewtonOptions {
  type: DenseMethod;
  /** the step a line search tries first (default 1) */
  lr?: number;
  /** stop when max |gradient| ≤ this (default 0: run every step) */
  toleranceGrad?: number;
  /** stop when a step or the loss changes by less than this (default 0) */
  toleranceChange?: number;
  /** evaluations per line search (default 25) */
  maxLineSearch?: number;
  /** reset the matrix to the identity after this many updates (default 0: never) */
  historyReset?: number;
  /** refuse networks whose matrix needs more bytes (default 1 GiB) */
  maxMatrixBytes?: number;
  /** 'ssbroyden' only: Urbán et al.'s SSBroyden1 or SSBroyden2 (default 2) */
  variant?: 1 | 2;
}

/** Checked dense quasi-Newton options. */
export interface ResolvedDense {
  readonly type: DenseMethod;
  readonly lr: number;
  readonly toleranceGrad: number;
  readonly toleranceChange: number;
  readonly maxLineSearch: number;
  readonly historyReset: number;
  readonly maxMatrixBytes: number;
  readonly variant: 1 | 2;
}

/** Bytes the dense matrix and its vectors take for n compact trainables. */
export function denseBytes(n: number): number {
  const ld = n + (n & 1);
  return (ld * n + 5 * ld) * 8;
}

/** Refuses a dense method whose matrix would exceed o.maxMatrixBytes, naming the size. */
export function checkDenseSize(o: ResolvedDense, n: number, where: string): void {
  const bytes = denseBytes(n);
  if (bytes > o.maxMatrixBytes) {
    throw new JetfitError(
      `${where}: '${o.type}' keeps a dense ${n}×${n} float64 matrix (${formatBytes(bytes)} for ${n} trainables), ` +
        `more than maxMatrixBytes (${formatBytes(o.maxMatrixBytes)}); use 'lbfgs' for a network this large, or raise maxMatrixBytes`,
    );
  }
  checkBytes(bytes, where, `'${o.type}''s dense ${n}×${n} float64 matrix`);
}

/** A dense quasi-Newton method over the trainables of one fit phase. */
export class DenseQuasiNewton extends QuasiNewton {
  /** compact length, and the row stride of H (even: rows 16-byte aligned) */
  private readonly m: number;
  private readonly ld: number;
  private readonly block: Float64Block;
  /** byte offsets: H, then the compact vectors g, H·g, s, y, H·y */
  private readonly H: number;
  private readonly gc: number;
  private readonly hg: number;
  private readonly sc: number;
  private readonly yc: number;
  private readonly hy: number;
  /** H = I (no pair recorded since the start or the last reset) */
  private fresh = true;
  /** the block's H·g is H times the current g (computed by the last update) */
  private hgValid = false;
  private sinceReset = 0;

  constructor(
    private readonly o: ResolvedDense,
    private readonly tr: ParameterVector,
    where: string,
  ) {
    super(o, tr.size);
    const m = tr.compactSize;
    checkDenseSize(o, m, where);
    this.m = m;
    this.ld = m + (m & 1);
    this.block = tr.store().allocateFloat64(denseBytes(m) / 8, `${where}: the dense ${m}×${m} matrix of '${o.type}'`);
    const rowBytes = this.ld * 8;
    this.H = this.block.ptr;
    [this.gc, this.hg, this.sc, this.yc, this.hy] = [0, 1, 2, 3, 4].map((i) => this.H + m * rowBytes + i * rowBytes) as [
      number,
      number,
      number,
      number,
      number,
    ];
    this.identity();
  }

  /** frees the matrix */
  override dispose(): void {
    this.block.release();
  }

  private memory(): Float64Array {
    return this.block.view();
  }

  /** compact vector at byte offset p, as a view (ld long) */
  private vector(p: number): Float64Array {
    const o = (p - this.H) / 8;
    return this.memory().subarray(o, o + this.ld);
  }

  private identity(): void {
    const h = this.memory();
    h.fill(0, 0, this.ld * this.m);
    for (let i = 0; i < this.m; i++) h[i * this.ld + i] = 1;
  }

  protected override gradientReplaced(): void {
    this.hgValid = false;
  }

  protected hasHistory(): boolean {
    return !this.fresh;
  }

  protected clearHistory(): void {
    this.identity();
    this.fresh = true;
    this.hgValid = false;
    this.sinceReset = 0;
  }

  /** After H = I the first search starts with a step scaled by 1/‖g‖₁, as on the first iteration. */
  protected override initialStep(): number {
    return this.fresh ? this.firstStep() : this.lr;
  }

  protected direction(): void {
    if (this.fresh) {
      for (let i = 0; i < this.n; i++) this.d[i] = -this.g[i]!;
      return;
    }
    const k = this.tr.store().kernels;
    if (!this.hgValid) {
      this.tr.packInto(this.g, this.vector(this.gc));
      k.symmetricProduct(this.H, this.ld, this.m, this.gc, this.hg);
      this.hgValid = true;
    }
    this.tr.unpackNegated(this.vector(this.hg), this.d);
  }

  protected record(s: Float64Array, y: Float64Array, step: number): void {
    this.hgValid = false;
    const ys = dot(y, s);
    if (!(ys > 0) || !Number.isFinite(ys)) return;
    const rho = 1 / ys;
    const fresh = this.fresh,
      method = this.o.type;
    const k = this.tr.store().kernels;
    if (fresh && method !== 'ssbroyden') {
      // The first pair scales the identity to the curvature along it: H = (yᵀs / yᵀy)·I.
      const gamma = ys / dot(y, y);
      if (!(gamma > 0) || !Number.isFinite(gamma)) return;
      const h = this.memory();
      for (let i = 0; i < this.m; i++) h[i * this.ld + i] = gamma;
    }
    const tr = this.tr;
    tr.packInto(s, this.vector(this.sc));
    tr.packInto(y, this.vector(this.yc));
    tr.packInto(this.g, this.vector(this.gc));
    k.symmetricProduct(this.H, this.ld, this.m, this.yc, this.hy);
    const q = dot(this.vector(this.yc), this.vector(this.hy));
    const b = -step * rho * dot(s, this.gPrev);
    const st = q > 0 && b > 0 ? scaling(method, this.o.variant, fresh, { rho, q, b, n: this.m }) : null;
    const c = st && rankTwoCoefficients(st.tau, st.phi, rho, q);
    if (!c) {
      if (fresh) this.identity();
      return;
    }
    k.symmetricRankTwoUpdate(this.H, this.ld, this.m, c.scale, this.sc, this.hy, c.auu, c.auv, c.avv, this.gc, this.hg);
    this.hgValid = true;
    this.fresh = false;
    this.sinceReset++;
    if (this.o.historyReset > 0 && this.sinceReset >= this.o.historyReset) this.clearHistory();
  }

  /**
   * Serializable state: [x, g, [loss, last step], [fresh, pairs since reset], H's upper
   * triangle row by row], vectors in compact form.
   */
  state(t: ParameterVector): OptimizerState {
    const h = this.memory(),
      m = this.m;
    const upper = new Array<number>((m * (m + 1)) / 2);
    let o = 0;
    for (let i = 0; i < m; i++) for (let j = i; j < m; j++) upper[o++] = h[i * this.ld + j]!;
    return { type: this.o.type, t: this.iterations, buffers: [...this.baseState(t), [this.fresh ? 1 : 0, this.sinceReset], upper] };
  }

  /** Restores a state() already checked against these options (see checkDenseState). */
  restore(st: OptimizerState, t: ParameterVector): void {
    this.restoreBase(st, t);
    const [fresh, since] = st.buffers[3]!;
    this.fresh = fresh === 1;
    this.sinceReset = since!;
    this.hgValid = false;
    const h = this.memory(),
      m = this.m,
      upper = st.buffers[4]!;
    let o = 0;
    for (let i = 0; i < m; i++) {
      for (let j = i; j < m; j++) {
        const v = upper[o++]!;
        h[i * this.ld + j] = v;
        h[j * this.ld + i] = v;
      }
    }
  }
}

/** Checks a dense method's saved state: the iterate, [fresh, pairs since reset], H's upper triangle with a positive diagonal. */
function checkDenseState(b: unknown[], o: ResolvedDense, shape: StateShape, what: string): void {
  const n = shape.n;
  checkCount(b, 5, o.type, what);
  checkIterate(b, shape, what);
  const flags = b[3];
  const reset = o.historyReset;
  if (
    !Array.isArray(flags) ||
    flags.length !== 2 ||
    (flags[0] !== 0 && flags[0] !== 1) ||
    !Number.isInteger(flags[1]) ||
    flags[1] < 0 ||
    (reset > 0 && flags[1] >= reset)
  ) {
    throw new JetfitError(
      `${what}.buffers[3]: expected [fresh (0 or 1), updates since the last reset${reset > 0 ? ` (< ${reset})` : ''}], got ${show(flags)}`,
    );
  }
  checkNumbers(b[4], (n * (n + 1)) / 2, `${what}.buffers[4]`, `the upper triangle of the ${n}×${n} matrix, row by row`, false);
  const upper = b[4] as number[];
  for (let i = 0, p = 0; i < n; p += n - i, i++) {
    if (!(upper[p]! > 0)) {
      throw new JetfitError(
        `${what}.buffers[4]: diagonal entry ${i} of the matrix is ${upper[p]}; expected > 0 (the matrix is positive definite)`,
      );
    }
  }
  const pivot = choleskyFailure(upper, n);
  if (pivot >= 0)
    throw new JetfitError(
      `${what}.buffers[4]: the matrix is not positive definite (its Cholesky factorization fails at pivot ${pivot}); ` +
        'every step would go uphill. The state was changed, or saved by a run that had already diverged',
    );
}

/**
 * Where the Cholesky factorization of the symmetric matrix given by its upper triangle (row
 * by row) fails, or −1 when it is positive definite. O(n³/6) flops on a dense copy: about a
 * second at 2,000 parameters, once per resume.
 */
export function choleskyFailure(upper: readonly number[], n: number): number {
  // L row-major, lower triangle: L[i][j] for j ≤ i; the matrix's (i, j) is upper[row i start + j − i] for j ≥ i
  const L = new Float64Array(n * n);
  for (let i = 0, p = 0; i < n; i++) for (let j = i; j < n; j++) L[j * n + i] = upper[p++]!;
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = L[rj + j]!;
    for (let k = 0; k < j; k++) d -= L[rj + k]! * L[rj + k]!;
    if (!(d > 0) || !Number.isFinite(d)) return j;
    const s = Math.sqrt(d);
    L[rj + j] = s;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let v = L[ri + j]!;
      for (let k = 0; k < j; k++) v -= L[ri + k]! * L[rj + k]!;
      L[ri + j] = v / s;
    }
  }
  return -1;
}

const DENSE_KEYS = ['type', 'lr', 'toleranceGrad', 'toleranceChange', 'maxLineSearch', 'historyReset', 'maxMatrixBytes'] as const;

function define(type: DenseMethod): OptimizerDefinition<DenseQuasiNewtonOptions, ResolvedDense> {
  return {
    label: `'${type}'`,
    keys: type === 'ssbroyden' ? [...DENSE_KEYS, 'variant'] : DENSE_KEYS,
    resolve(o, where) {
      if (o.variant !== undefined && o.variant !== 1 && o.variant !== 2)
        throw new JetfitError(`${where}.variant: expected 1 (SSBroyden1) or 2 (SSBroyden2), got ${describe(o.variant)}`);
      return {
        type,
        lr: checkOption(o.lr, `${where}.lr`, 1, 0, Infinity, true),
        toleranceGrad: checkOption(o.toleranceGrad, `${where}.toleranceGrad`, 0, 0),
        toleranceChange: checkOption(o.toleranceChange, `${where}.toleranceChange`, 0, 0),
        maxLineSearch: o.maxLineSearch === undefined ? 25 : checkInteger(o.maxLineSearch, `${where}.maxLineSearch`, 1),
        historyReset: o.historyReset === undefined ? 0 : checkInteger(o.historyReset, `${where}.historyReset`, 0),
        maxMatrixBytes: checkOption(o.maxMatrixBytes, `${where}.maxMatrixBytes`, 2 ** 30, 1),
        variant: o.variant ?? 2,
      };
    },
    ownSteps: 'by line search',
    fullBatch: true,
    needs: 'gradient',
    preflight: (o, objective, where) => checkDenseSize(o, objective.parameters.compactSize, where),
    create: (o, objective, phase) =>
      new QuasiNewtonStepper(new DenseQuasiNewton(o, objective.parameters, `${phase.where}.optimizer`), objective, o.type),
    checkState: checkDenseState,
  };
}

/** BFGS with a dense inverse-Hessian matrix. */
export const bfgs = define('bfgs');
/** Self-scaled BFGS. */
export const ssbfgs = define('ssbfgs');
/** Self-scaled Broyden (SSBroyden2 by default, SSBroyden1 with variant: 1). */
export const ssbroyden = define('ssbroyden');
