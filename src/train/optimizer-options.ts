// Optimizer options: every key and value checked, defaults filled in, before training
// starts (a bad option of a later phase must not surface after an earlier phase has
// already changed the network).
import { checkBoolean, checkInteger, checkKeys, describe, quoted } from '../base/check.js';
import { JetfitError } from '../base/errors.js';

/** SGD options. */
export interface SgdOptions {
  type: 'sgd';
  lr?: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}
/** Adam / AdamW options (AdamW: decoupled weight decay). */
export interface AdamOptions {
  type: 'adam' | 'adamw';
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}
/** L-BFGS options (full batch; one step = one iteration with a strong-Wolfe line search). */
export interface LbfgsOptions {
  type: 'lbfgs';
  lr?: number;
  historySize?: number;
  toleranceGrad?: number;
  toleranceChange?: number;
  maxLineSearch?: number;
}
/**
 * Dense quasi-Newton options (full batch; one step = one iteration with a strong-Wolfe line
 * search): BFGS, self-scaled BFGS, self-scaled Broyden. They keep an n×n float64 matrix
 * for n trainables, so they suit networks up to a few thousand parameters.
 */
export interface DenseQuasiNewtonOptions {
  type: 'bfgs' | 'ssbfgs' | 'ssbroyden';
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
}
/** An optimizer: a name with defaults, or options. */
export type OptimizerSpec =
  | 'sgd'
  | 'adam'
  | 'adamw'
  | 'lbfgs'
  | 'bfgs'
  | 'ssbfgs'
  | 'ssbroyden'
  | 'lm'
  | SgdOptions
  | AdamOptions
  | LbfgsOptions
  | DenseQuasiNewtonOptions
  | LevenbergMarquardtOptions;

/** Checked SGD options. */
export interface ResolvedSgd {
  type: 'sgd';
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}
/** Checked Adam / AdamW options. */
export interface ResolvedAdam {
  type: 'adam' | 'adamw';
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}
/** Checked L-BFGS options. */
export interface ResolvedLbfgs {
  type: 'lbfgs';
  lr: number;
  historySize: number;
  toleranceGrad: number;
  toleranceChange: number;
  maxLineSearch: number;
}
/** Checked dense quasi-Newton options. */
export interface ResolvedDense {
  type: 'bfgs' | 'ssbfgs' | 'ssbroyden';
  lr: number;
  toleranceGrad: number;
  toleranceChange: number;
  maxLineSearch: number;
  historyReset: number;
  maxMatrixBytes: number;
  variant: 1 | 2;
}
/** Checked Levenberg–Marquardt options. */
export interface ResolvedLm {
  type: 'lm';
  /** the learning rate column of the history: LM has none (1) */
  lr: number;
  damping: number;
  maxTries: number;
  toleranceGrad: number;
  maxMatrixBytes: number;
}
/** Any checked optimizer options. */
export type ResolvedOptimizer = ResolvedSgd | ResolvedAdam | ResolvedLbfgs | ResolvedDense | ResolvedLm;
/** Checked options of an optimizer that steps by line search (full batches, no schedule). */
export type ResolvedQuasiNewton = ResolvedLbfgs | ResolvedDense;

/** Whether an optimizer steps by line search. */
export function isQuasiNewton(o: ResolvedOptimizer): o is ResolvedQuasiNewton {
  return o.type === 'lbfgs' || o.type === 'bfgs' || o.type === 'ssbfgs' || o.type === 'ssbroyden';
}

/** Whether an optimizer keeps a dense matrix. */
export function isDense(o: ResolvedOptimizer): o is ResolvedDense {
  return o.type === 'bfgs' || o.type === 'ssbfgs' || o.type === 'ssbroyden';
}

const TYPES = ['sgd', 'adam', 'adamw', 'lbfgs', 'bfgs', 'ssbfgs', 'ssbroyden', 'lm'] as const;
const DENSE_KEYS = ['type', 'lr', 'toleranceGrad', 'toleranceChange', 'maxLineSearch', 'historyReset', 'maxMatrixBytes'];
const KEYS: Record<(typeof TYPES)[number], string[]> = {
  sgd: ['type', 'lr', 'momentum', 'nesterov', 'weightDecay'],
  adam: ['type', 'lr', 'beta1', 'beta2', 'eps', 'weightDecay'],
  adamw: ['type', 'lr', 'beta1', 'beta2', 'eps', 'weightDecay'],
  lbfgs: ['type', 'lr', 'historySize', 'toleranceGrad', 'toleranceChange', 'maxLineSearch'],
  bfgs: DENSE_KEYS,
  ssbfgs: DENSE_KEYS,
  ssbroyden: [...DENSE_KEYS, 'variant'],
  lm: ['type', 'damping', 'maxTries', 'toleranceGrad', 'maxMatrixBytes'],
};
const HINTS: Record<string, string> = {
  learningRate: 'did you mean "lr"?',
  learning_rate: 'did you mean "lr"?',
  rate: 'did you mean "lr"?',
  beta_1: 'did you mean "beta1"?',
  beta_2: 'did you mean "beta2"?',
  epsilon: 'did you mean "eps"?',
  weight_decay: 'did you mean "weightDecay"?',
  decay: 'did you mean "weightDecay"?',
};

/** Checks a number option: finite and within [min, max) or [min, max]. */
export function checkOption(
  value: unknown,
  name: string,
  fallback: number,
  min: number,
  max = Infinity,
  openMin = false,
  openMax = false,
): number {
  const v = value === undefined ? fallback : value;
  const ok = typeof v === 'number' && Number.isFinite(v) && (openMin ? v > min : v >= min) && (openMax ? v < max : v <= max);
  if (!ok) {
    throw new JetfitError(
      `${name}: expected a number in ${openMin ? '(' : '['}${min}, ${max === Infinity ? '∞' : max}${openMax || max === Infinity ? ')' : ']'}, got ${describe(v)}`,
    );
  }
  return v as number;
}

/** Checks an optimizer spec in full and fills in the defaults. */
export function resolveOptimizer(spec: OptimizerSpec | undefined, where: string): ResolvedOptimizer {
  const s: unknown = spec ?? 'adam';
  let o: Record<string, unknown>;
  if (typeof s === 'string') {
    if (!(TYPES as readonly string[]).includes(s))
      throw new JetfitError(`${where}: unknown optimizer ${quoted(s)}; expected ${TYPES.map((t) => `'${t}'`).join(', ')}`);
    o = { type: s };
  } else if (
    typeof s === 'object' &&
    s !== null &&
    !Array.isArray(s) &&
    (TYPES as readonly unknown[]).includes((s as { type?: unknown }).type)
  ) {
    o = s as Record<string, unknown>;
  } else {
    throw new JetfitError(
      `${where}: expected ${TYPES.map((t) => `'${t}'`).join(', ')} or options like { type: 'adam', lr: 1e-3 }, got ` +
        (typeof s === 'object' && s !== null && 'type' in s ? `type ${quoted((s as { type: unknown }).type)}` : describe(s)),
    );
  }
  const type = o.type as (typeof TYPES)[number];
  checkKeys(o, KEYS[type], where, { hints: HINTS, of: `'${type}'` });
  switch (type) {
    case 'sgd': {
      const momentum = checkOption(o.momentum, `${where}.momentum`, 0, 0, 1, false, true);
      const nesterov = checkBoolean(o.nesterov, `${where}.nesterov`);
      if (nesterov && momentum === 0) throw new JetfitError(`${where}.nesterov: Nesterov momentum needs momentum > 0`);
      return {
        type,
        lr: checkOption(o.lr, `${where}.lr`, 1e-2, 0, Infinity, true),
        momentum,
        nesterov,
        weightDecay: checkOption(o.weightDecay, `${where}.weightDecay`, 0, 0),
      };
    }
    case 'adam':
    case 'adamw':
      return {
        type,
        lr: checkOption(o.lr, `${where}.lr`, 1e-3, 0, Infinity, true),
        beta1: checkOption(o.beta1, `${where}.beta1`, 0.9, 0, 1, false, true),
        beta2: checkOption(o.beta2, `${where}.beta2`, 0.999, 0, 1, false, true),
        eps: checkOption(o.eps, `${where}.eps`, 1e-8, 0, Infinity, true),
        weightDecay: checkOption(o.weightDecay, `${where}.weightDecay`, type === 'adamw' ? 1e-2 : 0, 0),
      };
    case 'lbfgs':
      return {
        type,
        lr: checkOption(o.lr, `${where}.lr`, 1, 0, Infinity, true),
        historySize: o.historySize === undefined ? 10 : checkInteger(o.historySize, `${where}.historySize`, 1),
        toleranceGrad: checkOption(o.toleranceGrad, `${where}.toleranceGrad`, 1e-12, 0),
        toleranceChange: checkOption(o.toleranceChange, `${where}.toleranceChange`, 1e-14, 0),
        maxLineSearch: o.maxLineSearch === undefined ? 25 : checkInteger(o.maxLineSearch, `${where}.maxLineSearch`, 1),
      };
    case 'bfgs':
    case 'ssbfgs':
    case 'ssbroyden': {
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
        variant: (o.variant as 1 | 2 | undefined) ?? 2,
      };
    }
    case 'lm':
      return {
        type,
        lr: 1,
        damping: checkOption(o.damping, `${where}.damping`, 1e-3, 0, Infinity, true),
        maxTries: o.maxTries === undefined ? 30 : checkInteger(o.maxTries, `${where}.maxTries`, 1),
        toleranceGrad: checkOption(o.toleranceGrad, `${where}.toleranceGrad`, 0, 0),
        maxMatrixBytes: checkOption(o.maxMatrixBytes, `${where}.maxMatrixBytes`, 2 ** 30, 1),
      };
  }
}
