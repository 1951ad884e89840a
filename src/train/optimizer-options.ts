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
/** An optimizer: a name with defaults, or options. */
export type OptimizerSpec = 'sgd' | 'adam' | 'adamw' | 'lbfgs' | SgdOptions | AdamOptions | LbfgsOptions;

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
/** Any checked optimizer options. */
export type ResolvedOptimizer = ResolvedSgd | ResolvedAdam | ResolvedLbfgs;

const TYPES = ['sgd', 'adam', 'adamw', 'lbfgs'] as const;
const KEYS: Record<(typeof TYPES)[number], string[]> = {
  sgd: ['type', 'lr', 'momentum', 'nesterov', 'weightDecay'],
  adam: ['type', 'lr', 'beta1', 'beta2', 'eps', 'weightDecay'],
  adamw: ['type', 'lr', 'beta1', 'beta2', 'eps', 'weightDecay'],
  lbfgs: ['type', 'lr', 'historySize', 'toleranceGrad', 'toleranceChange', 'maxLineSearch'],
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
      throw new JetfitError(`${where}: unknown optimizer ${quoted(s)}; expected 'sgd', 'adam', 'adamw' or 'lbfgs'`);
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
      `${where}: expected 'adam', 'adamw', 'sgd', 'lbfgs' or options like { type: 'adam', lr: 1e-3 }, got ` +
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
  }
}
