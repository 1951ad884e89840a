// First-order optimizers: SGD (momentum, Nesterov), Adam and AdamW. Each updates the
// parameter arrays in place from their gradients, with its state allocated once.
import { JetfitError } from '../errors.js';
import type { Trainables } from './trainables.js';
import { allocReal, type Real } from '../engine/dtype.js';

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

// The network's part of the update runs in WebAssembly (assembly/optim.ts) on the
// parameter buffer; the trainable scalars, a handful, are updated here. State buffers of
// the network part live in WebAssembly memory too (Mlp.stateBuffer).

/** copies of named state buffers, for undoing one step */
class Saved {
  private readonly copies: Real[];
  private readonly scalarCopies: Float64Array[];
  constructor(private readonly t: Trainables, private readonly names: string[], private readonly scalars: Float64Array[]) {
    this.copies = names.map(() => allocReal(t.net.dtype, t.net.parameterView().length));
    this.scalarCopies = scalars.map((a) => new Float64Array(a.length));
  }
  save(): void {
    this.names.forEach((n, i) => this.copies[i]!.set(this.t.net.stateBuffer(n)));
    this.scalars.forEach((a, i) => this.scalarCopies[i]!.set(a));
  }
  restore(): void {
    this.names.forEach((n, i) => this.t.net.stateBuffer(n).set(this.copies[i]!));
    this.scalars.forEach((a, i) => a.set(this.scalarCopies[i]!));
  }
}

function stateOf(t: Trainables, name: string, scalars: Float64Array): number[] {
  return [...Array.from(t.net.stateBuffer(name)), ...Array.from(scalars)];
}

function restoreState(t: Trainables, name: string, scalars: Float64Array, values: readonly number[]): void {
  const view = t.net.stateBuffer(name);
  view.set(values.slice(0, view.length));
  scalars.set(values.slice(view.length));
}

class Sgd implements FirstOrder {
  readonly type = 'sgd' as const;
  readonly lr: number;
  private readonly momentum: number;
  private readonly nesterov: boolean;
  private readonly decay: number;
  private readonly velocity: Float64Array;
  private readonly saved: Saved;
  private steps = 0;
  private savedSteps = 0;

  constructor(o: SgdOptions, private readonly t: Trainables, where: string) {
    this.lr = checkOption(o.lr, `${where}.lr`, 1e-2, 0, Infinity, true);
    this.momentum = checkOption(o.momentum, `${where}.momentum`, 0, 0, 1, false, true);
    this.nesterov = o.nesterov === true;
    if (this.nesterov && this.momentum === 0) throw new JetfitError(`${where}.nesterov: Nesterov momentum needs momentum > 0`);
    this.decay = checkOption(o.weightDecay, `${where}.weightDecay`, 0, 0);
    t.net.stateBuffer('sgd.u', true);
    this.velocity = new Float64Array(t.scalars.length);
    this.saved = new Saved(t, this.momentum > 0 ? ['sgd.u'] : [], [this.velocity]);
  }

  step(t: Trainables, lr: number): void {
    const mu = this.momentum, wd = this.decay;
    t.net.sgdUpdate('sgd.u', lr, mu, this.nesterov, wd);
    const p = t.values, g = t.grads, v = this.velocity;
    for (let i = 0; i < p.length; i++) {
      let d = g[i]! + wd * p[i]!;
      if (mu > 0) { v[i] = mu * v[i]! + d; d = this.nesterov ? d + mu * v[i]! : v[i]!; }
      p[i] = p[i]! - lr * d;
    }
    this.steps++;
  }

  state(): OptimizerState { return { type: this.type, t: this.steps, buffers: [stateOf(this.t, 'sgd.u', this.velocity)] }; }
  restore(s: OptimizerState): void { restoreState(this.t, 'sgd.u', this.velocity, s.buffers[0] ?? []); this.steps = s.t; }
  snapshot(): void { this.saved.save(); this.savedSteps = this.steps; }
  rollback(): void { this.saved.restore(); this.steps = this.savedSteps; }
}

class Adam implements FirstOrder {
  readonly lr: number;
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;
  private readonly decay: number;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly saved: Saved;
  private steps = 0;
  private savedSteps = 0;

  constructor(readonly type: 'adam' | 'adamw', o: AdamOptions, private readonly t: Trainables, where: string) {
    this.lr = checkOption(o.lr, `${where}.lr`, 1e-3, 0, Infinity, true);
    this.b1 = checkOption(o.beta1, `${where}.beta1`, 0.9, 0, 1, false, true);
    this.b2 = checkOption(o.beta2, `${where}.beta2`, 0.999, 0, 1, false, true);
    this.eps = checkOption(o.eps, `${where}.eps`, 1e-8, 0, Infinity, true);
    this.decay = checkOption(o.weightDecay, `${where}.weightDecay`, type === 'adamw' ? 1e-2 : 0, 0);
    t.net.stateBuffer('adam.m', true);
    t.net.stateBuffer('adam.v', true);
    this.m = new Float64Array(t.scalars.length);
    this.v = new Float64Array(t.scalars.length);
    this.saved = new Saved(t, ['adam.m', 'adam.v'], [this.m, this.v]);
  }

  step(t: Trainables, lr: number): void {
    this.steps++;
    const b1 = this.b1, b2 = this.b2, eps = this.eps, wd = this.decay;
    const step = lr / (1 - Math.pow(b1, this.steps)), root = 1 / Math.sqrt(1 - Math.pow(b2, this.steps));
    const decoupled = this.type === 'adamw';
    const decay = decoupled ? lr * wd : 0, l2 = decoupled ? 0 : wd;
    t.net.adamUpdate('adam.m', 'adam.v', step, root, b1, b2, eps, decay, l2);
    const p = t.values, g = t.grads, m = this.m, v = this.v;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! + l2 * p[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      p[i] = p[i]! * (1 - decay) - (step * m[i]!) / (Math.sqrt(v[i]!) * root + eps);
    }
  }

  state(): OptimizerState {
    return { type: this.type, t: this.steps, buffers: [stateOf(this.t, 'adam.m', this.m), stateOf(this.t, 'adam.v', this.v)] };
  }
  restore(s: OptimizerState): void {
    restoreState(this.t, 'adam.m', this.m, s.buffers[0] ?? []);
    restoreState(this.t, 'adam.v', this.v, s.buffers[1] ?? []);
    this.steps = s.t;
  }
  snapshot(): void { this.saved.save(); this.savedSteps = this.steps; }
  rollback(): void { this.saved.restore(); this.steps = this.savedSteps; }
}

/** A first-order optimizer of the trainables. */
export function firstOrder(o: SgdOptions | AdamOptions, t: Trainables, where: string): FirstOrder {
  return o.type === 'sgd' ? new Sgd(o, t, where) : new Adam(o.type, o, t, where);
}
