// Levenberg–Marquardt's options, the memory each solver needs, and which solver a phase
// uses: checked before the phase allocates anything (see levenberg-marquardt.ts for the step).
import { checkBytes, formatBytes } from '../base/limits.js';
import { describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';

/**
 * Levenberg–Marquardt options (full batch, losses that are weighted sums of mean squared
 * residuals): one step solves (JᵀJ + μI)δ = −Jᵀr with the residuals' Jacobian J, μ
 * adapted by Nielsen's rule.
 */
export interface LevenbergMarquardtOptions {
  type: 'lm';
  /** the first damping μ as a fraction of the largest diagonal entry of JᵀJ (default 1e-3) */
  damping?: number;
  /** rejected trial steps (μ raised each time) before the phase ends (default 30) */
  maxTries?: number;
  /** stop when max |gradient| ≤ this (default 0: run every step) */
  toleranceGrad?: number;
  /** refuse problems whose J and JᵀJ (or Gram matrix) need more bytes (default 1 GiB) */
  maxMatrixBytes?: number;
  /**
   * how a step is solved: 'direct' (Cholesky of JᵀJ + μI, or of the Gram matrix JJᵀ + μI when
   * there are fewer residuals than parameters), 'cg' (conjugate gradients with JᵀJ never
   * formed), or 'auto' (default: 'direct' while min(residuals, parameters) ≤ 2000 and its
   * matrices fit maxMatrixBytes, else 'cg')
   */
  solver?: 'auto' | 'direct' | 'cg';
  /** CG's most iterations per solve (default 200) */
  cgIterations?: number;
  /** CG stops when ‖residual‖ ≤ this × ‖JᵀR‖ (default 1e-10) */
  cgTolerance?: number;
}

/** The largest min(residuals, parameters) 'auto' solves directly. */
export const DIRECT_LIMIT = 2000;

/** Checked Levenberg–Marquardt options. */
export interface ResolvedLm {
  readonly type: 'lm';
  /** the learning rate column of the history: LM has none (1) */
  readonly lr: number;
  readonly damping: number;
  readonly maxTries: number;
  readonly toleranceGrad: number;
  readonly maxMatrixBytes: number;
  readonly solver: 'auto' | 'direct' | 'cg';
  readonly cgIterations: number;
  readonly cgTolerance: number;
}

/** Bytes LM needs for `rows` residuals and P parameters: J, its transpose or JᵀJ, and a factor. */
export function lmBytes(rows: number, P: number): number {
  const small = Math.min(rows, P);
  const even = (k: number): number => k + (k & 1);
  return 8 * (rows * even(P) + (rows < P ? P * even(rows) : 0) + 2 * small * even(small) + rows + even(small));
}

/** Bytes of the 'cg' solver: J and its two-column vectors. */
export function cgBytes(rows: number, P: number): number {
  const even = (k: number): number => k + (k & 1);
  return 8 * (rows * even(P) + 2 * even(rows) + 4 * even(P) + 2 * even(rows));
}

/** The solver a phase uses for these sizes. */
export function lmSolver(o: ResolvedLm, rows: number, P: number): 'direct' | 'cg' {
  if (o.solver !== 'auto') return o.solver;
  const direct = Math.min(rows, P) <= DIRECT_LIMIT && lmBytes(rows, P) <= o.maxMatrixBytes;
  // (when neither fits, 'direct': its refusal names both matrices)
  return direct || cgBytes(rows, P) > o.maxMatrixBytes ? 'direct' : 'cg';
}

/** The solver option: 'auto' (default), 'direct' or 'cg'. */
export function checkSolver(v: unknown, what: string): 'auto' | 'direct' | 'cg' {
  if (v === undefined) return 'auto';
  if (v !== 'auto' && v !== 'direct' && v !== 'cg') throw new JetfitError(`${what}: expected 'auto', 'direct' or 'cg', got ${describe(v)}`);
  return v;
}

/** Refuses an LM phase whose matrices would exceed maxMatrixBytes, naming the sizes. */
export function checkLmSize(o: ResolvedLm, rows: number, P: number, where: string): void {
  if (lmSolver(o, rows, P) === 'cg') {
    const bytes = cgBytes(rows, P);
    if (bytes > o.maxMatrixBytes)
      throw new JetfitError(
        `${where}: 'lm' with solver 'cg' needs the ${rows}×${P} Jacobian (${formatBytes(bytes)}), ` +
          `more than maxMatrixBytes (${formatBytes(o.maxMatrixBytes)}); use fewer points, 'ssbroyden', or raise maxMatrixBytes`,
      );
    checkBytes(bytes, where, `'lm''s ${rows}×${P} Jacobian`);
    return;
  }
  const bytes = lmBytes(rows, P);
  if (bytes > o.maxMatrixBytes) {
    const small = Math.min(rows, P);
    throw new JetfitError(
      `${where}: 'lm' needs the ${rows}×${P} Jacobian and a ${small}×${small} normal matrix (${formatBytes(bytes)}), ` +
        `more than maxMatrixBytes (${formatBytes(o.maxMatrixBytes)}); use fewer points, 'ssbroyden', or raise maxMatrixBytes`,
    );
  }
  checkBytes(bytes, where, `'lm''s ${rows}×${P} Jacobian and its normal matrix`);
}
