// SGD with momentum and Nesterov momentum (PyTorch's form: v ← μv + g, step v or g + μv),
// with L2 weight decay added to the gradient.
import { checkBoolean, checkOption } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { OptimizerDefinition } from './definition.js';
import { checkBuffers, FirstOrderRule, FirstOrderStepper, StateBuffers } from './first-order.js';
import type { ParameterVector } from './objective.js';

/** SGD options. */
export interface SgdOptions {
  type: 'sgd';
  lr?: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

/** Checked SGD options. */
export interface ResolvedSgd {
  readonly type: 'sgd';
  readonly lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
}

/** State buffers in compact form: [velocity]. */
class Sgd extends FirstOrderRule {
  readonly type = 'sgd';

  constructor(
    private readonly o: ResolvedSgd,
    t: ParameterVector,
  ) {
    super(o.lr, new StateBuffers(t, ['the SGD velocity']));
  }

  update(t: ParameterVector, lr: number): void {
    const mu = this.o.momentum,
      wd = this.o.weightDecay,
      nesterov = this.o.nesterov;
    const store = t.store();
    store.kernels.sgd(store.params, store.grads, mu !== 0 ? this.buffers.ptr(0) : 0, store.flatLength, lr, mu, nesterov ? 1 : 0, wd);
    const p = t.values,
      g = t.grads,
      v = this.buffers.scalars[0]!;
    for (let i = 0; i < p.length; i++) {
      let d = g[i]! + wd * p[i]!;
      if (mu > 0) {
        v[i] = mu * v[i]! + d;
        d = nesterov ? d + mu * v[i]! : v[i]!;
      }
      p[i] = p[i]! - lr * d;
    }
    this.steps++;
  }
}

/** SGD. */
export const sgd: OptimizerDefinition<SgdOptions, ResolvedSgd> = {
  label: "'sgd'",
  keys: ['type', 'lr', 'momentum', 'nesterov', 'weightDecay'],
  resolve(o, where) {
    const momentum = checkOption(o.momentum, `${where}.momentum`, 0, 0, 1, false, true);
    const nesterov = checkBoolean(o.nesterov, `${where}.nesterov`);
    if (nesterov && momentum === 0) throw new JetfitError(`${where}.nesterov: Nesterov momentum needs momentum > 0`);
    return {
      type: 'sgd',
      lr: checkOption(o.lr, `${where}.lr`, 1e-2, 0, Infinity, true),
      momentum,
      nesterov,
      weightDecay: checkOption(o.weightDecay, `${where}.weightDecay`, 0, 0),
    };
  },
  ownSteps: null,
  fullBatch: false,
  needs: 'gradient',
  preflight() {},
  create: (o, objective, phase) => new FirstOrderStepper(new Sgd(o, objective.parameters), objective, phase),
  checkState: (buffers, _o, shape, what) => checkBuffers(buffers, [false], 'sgd', shape, what),
};
