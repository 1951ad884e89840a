// First-order optimizers: SGD (momentum, Nesterov), Adam and AdamW. Each updates the
// parameter arrays in place from their gradients, with its state allocated once.
import { JetfitError } from '../errors.js';
import type { Trainables } from './trainables.js';

/** SGD options. */
export interface SgdOptions { type: 'sgd'; lr?: number; momentum?: number; nesterov?: boolean; weightDecay?: number }
/** Adam / AdamW options (AdamW: decoupled weight decay). */
export interface AdamOptions { type: 'adam' | 'adamw'; lr?: number; beta1?: number; beta2?: number; eps?: number; weightDecay?: number }
/** L-BFGS options (full batch; one step = one iteration with a strong-Wolfe line search). */
export interface LbfgsOptions { type: 'lbfgs'; lr?: number; historySize?: number; toleranceGrad?: number; toleranceChange?: number; maxLineSearch?: number }
/** An optimizer: a name with defaults, or options. */
export type OptimizerSpec = 'sgd' | 'adam' | 'adamw' | 'lbfgs' | SgdOptions | AdamOptions | LbfgsOptions;

/** Serializable optimizer state. */
export interface OptimizerState { type: string; t: number; buffers: number[][] }

/** A first-order optimizer. */
export interface FirstOrder {
  readonly type: 'sgd' | 'adam' | 'adamw';
  readonly lr: number;
  step(t: Trainables, lr: number): void;
  state(): OptimizerState;
  restore(s: OptimizerState): void;
  /** copies of the state (for undoing a step that diverged) */
  snapshot(): void;
  rollback(): void;
}

/** Checks a number option: finite and within [min, max) or [min, max]. */
export function checkOption(value: unknown, name: string, fallback: number, min: number, max = Infinity, openMin = false, openMax = false): number {
  const v = value === undefined ? fallback : value;
  const ok = typeof v === 'number' && Number.isFinite(v) && (openMin ? v > min : v >= min) && (openMax ? v < max : v <= max);
  if (!ok) {
    throw new JetfitError(`${name}: expected a number in ${openMin ? '(' : '['}${min}, ${max === Infinity ? '∞' : max}${openMax || max === Infinity ? ')' : ']'}, got ${String(v)}`);
  }
  return v as number;
}

/** Normalizes an optimizer spec to options with its type. */
export function optimizerOptions(spec: OptimizerSpec | undefined, where: string): SgdOptions | AdamOptions | LbfgsOptions {
  const s = spec ?? 'adam';
  if (typeof s === 'string') {
    if (s === 'sgd' || s === 'adam' || s === 'adamw' || s === 'lbfgs') return { type: s } as SgdOptions | AdamOptions | LbfgsOptions;
    throw new JetfitError(`${where}: unknown optimizer ${JSON.stringify(s)}; expected 'sgd', 'adam', 'adamw' or 'lbfgs'`);
  }
  if (typeof s !== 'object' || s === null || !['sgd', 'adam', 'adamw', 'lbfgs'].includes((s as { type?: string }).type ?? '')) {
    throw new JetfitError(`${where}: expected { type: 'sgd' | 'adam' | 'adamw' | 'lbfgs', ... }, got ${JSON.stringify(s)}`);
  }
  return s;
}

class Sgd implements FirstOrder {
  readonly type = 'sgd' as const;
  readonly lr: number;
  private readonly momentum: number;
  private readonly nesterov: boolean;
  private readonly decay: number;
  private readonly velocity: Float64Array;
  private saved: Float64Array;
  private steps = 0;
  private savedSteps = 0;

  constructor(o: SgdOptions, size: number, where: string) {
    this.lr = checkOption(o.lr, `${where}.lr`, 1e-2, 0, Infinity, true);
    this.momentum = checkOption(o.momentum, `${where}.momentum`, 0, 0, 1, false, true);
    this.nesterov = o.nesterov === true;
    if (this.nesterov && this.momentum === 0) throw new JetfitError(`${where}.nesterov: Nesterov momentum needs momentum > 0`);
    this.decay = checkOption(o.weightDecay, `${where}.weightDecay`, 0, 0);
    this.velocity = new Float64Array(this.momentum > 0 ? size : 0);
    this.saved = new Float64Array(this.velocity.length);
  }

  step(t: Trainables, lr: number): void {
    let o = 0;
    const mu = this.momentum, wd = this.decay, v = this.velocity;
    for (const { params: p, grads: g } of t.segments()) {
      for (let i = 0; i < p.length; i++) {
        let d = g[i]! + wd * p[i]!;
        if (mu > 0) {
          const vi = mu * v[o + i]! + d;
          v[o + i] = vi;
          d = this.nesterov ? d + mu * vi : vi;
        }
        p[i] = p[i]! - lr * d;
      }
      o += p.length;
    }
    this.steps++;
  }

  state(): OptimizerState { return { type: this.type, t: this.steps, buffers: [Array.from(this.velocity)] }; }
  restore(s: OptimizerState): void { this.velocity.set(s.buffers[0] ?? []); this.steps = s.t; }
  snapshot(): void { this.saved.set(this.velocity); this.savedSteps = this.steps; }
  rollback(): void { this.velocity.set(this.saved); this.steps = this.savedSteps; }
}

class Adam implements FirstOrder {
  readonly lr: number;
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;
  private readonly decay: number;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly savedM: Float64Array;
  private readonly savedV: Float64Array;
  private steps = 0;
  private savedSteps = 0;

  constructor(readonly type: 'adam' | 'adamw', o: AdamOptions, size: number, where: string) {
    this.lr = checkOption(o.lr, `${where}.lr`, 1e-3, 0, Infinity, true);
    this.b1 = checkOption(o.beta1, `${where}.beta1`, 0.9, 0, 1, false, true);
    this.b2 = checkOption(o.beta2, `${where}.beta2`, 0.999, 0, 1, false, true);
    this.eps = checkOption(o.eps, `${where}.eps`, 1e-8, 0, Infinity, true);
    this.decay = checkOption(o.weightDecay, `${where}.weightDecay`, type === 'adamw' ? 1e-2 : 0, 0);
    this.m = new Float64Array(size); this.v = new Float64Array(size);
    this.savedM = new Float64Array(size); this.savedV = new Float64Array(size);
  }

  step(t: Trainables, lr: number): void {
    this.steps++;
    const b1 = this.b1, b2 = this.b2, eps = this.eps, wd = this.decay, m = this.m, v = this.v;
    const c1 = 1 - Math.pow(b1, this.steps), c2 = 1 - Math.pow(b2, this.steps);
    const step = lr / c1, root = 1 / Math.sqrt(c2);
    const decoupled = this.type === 'adamw';
    let o = 0;
    for (const { params: p, grads: g } of t.segments()) {
      for (let i = 0; i < p.length; i++) {
        const pi = p[i]!;
        const gi = decoupled ? g[i]! : g[i]! + wd * pi;
        const mi = b1 * m[o + i]! + (1 - b1) * gi;
        const vi = b2 * v[o + i]! + (1 - b2) * gi * gi;
        m[o + i] = mi; v[o + i] = vi;
        p[i] = (decoupled ? pi * (1 - lr * wd) : pi) - step * mi / (Math.sqrt(vi) * root + eps);
      }
      o += p.length;
    }
  }

  state(): OptimizerState { return { type: this.type, t: this.steps, buffers: [Array.from(this.m), Array.from(this.v)] }; }
  restore(s: OptimizerState): void { this.m.set(s.buffers[0] ?? []); this.v.set(s.buffers[1] ?? []); this.steps = s.t; }
  snapshot(): void { this.savedM.set(this.m); this.savedV.set(this.v); this.savedSteps = this.steps; }
  rollback(): void { this.m.set(this.savedM); this.v.set(this.savedV); this.steps = this.savedSteps; }
}

/** A first-order optimizer for `size` parameters. */
export function firstOrder(o: SgdOptions | AdamOptions, size: number, where: string): FirstOrder {
  return o.type === 'sgd' ? new Sgd(o, size, where) : new Adam(o.type, o, size, where);
}
