// Adam (Kingma & Ba 2015, with L2 weight decay added to the gradient) and AdamW
// (Loshchilov & Hutter 2019: decoupled weight decay), bias-corrected.
import { checkOption } from '../base/check.js';
import type { JetfitError } from '../base/errors.js';
import type { OptimizerDefinition } from './definition.js';
import { checkBuffers, FirstOrderRule, FirstOrderStepper, StateBuffers } from './first-order.js';
import { adamOverflowError } from './guard.js';
import type { ParameterVector } from './objective.js';

/** Adam / AdamW options (AdamW: decoupled weight decay). */
export interface AdamOptions {
  type: 'adam' | 'adamw';
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

/** Checked Adam / AdamW options. */
export interface ResolvedAdam {
  readonly type: 'adam' | 'adamw';
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
}

/** State buffers in compact form: [first moment, second moment]. */
class Adam extends FirstOrderRule {
  readonly type: 'adam' | 'adamw';

  constructor(
    private readonly o: ResolvedAdam,
    t: ParameterVector,
  ) {
    super(o.lr, new StateBuffers(t, ["Adam's first moment", "Adam's second moment"]));
    this.type = o.type;
  }

  override refuse(t: ParameterVector, step: number): JetfitError | null {
    return t.dtype === 'float32' ? adamOverflowError(t, step) : null;
  }

  update(t: ParameterVector, lr: number): void {
    this.steps++;
    const { beta1: b1, beta2: b2, eps, weightDecay: wd } = this.o;
    const step = lr / (1 - Math.pow(b1, this.steps)),
      root = 1 / Math.sqrt(1 - Math.pow(b2, this.steps));
    const decoupled = this.type === 'adamw';
    const decay = decoupled ? lr * wd : 0,
      l2 = decoupled ? 0 : wd;
    const store = t.store();
    const [M, V] = [this.buffers.ptr(0), this.buffers.ptr(1)];
    store.kernels.adam(store.params, store.grads, M, V, store.flatLength, step, root, b1, b2, eps, decay, l2);
    const p = t.values,
      g = t.grads,
      m = this.buffers.scalars[0]!,
      v = this.buffers.scalars[1]!;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! + l2 * p[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      p[i] = p[i]! * (1 - decay) - (step * m[i]!) / (Math.sqrt(v[i]!) * root + eps);
    }
  }
}

function define(type: 'adam' | 'adamw'): OptimizerDefinition<AdamOptions, ResolvedAdam> {
  return {
    label: `'${type}'`,
    keys: ['type', 'lr', 'beta1', 'beta2', 'eps', 'weightDecay'],
    resolve: (o, where) => ({
      type,
      lr: checkOption(o.lr, `${where}.lr`, 1e-3, 0, Infinity, true),
      beta1: checkOption(o.beta1, `${where}.beta1`, 0.9, 0, 1, false, true),
      beta2: checkOption(o.beta2, `${where}.beta2`, 0.999, 0, 1, false, true),
      eps: checkOption(o.eps, `${where}.eps`, 1e-8, 0, Infinity, true),
      weightDecay: checkOption(o.weightDecay, `${where}.weightDecay`, type === 'adamw' ? 1e-2 : 0, 0),
    }),
    ownSteps: null,
    fullBatch: false,
    needs: 'gradient',
    preflight() {},
    create: (o, objective, phase) => new FirstOrderStepper(new Adam(o, objective.parameters), objective, phase),
    checkState: (buffers, _o, shape, what) => checkBuffers(buffers, [false, true], type, shape, what),
  };
}

/** Adam. */
export const adam = define('adam');
/** AdamW: Adam with decoupled weight decay. */
export const adamw = define('adamw');
