// First-order optimizers: SGD (momentum, Nesterov), Adam and AdamW. Each updates the
// parameter arrays in place from their gradients, with its state allocated once.
import type { Trainables } from './trainables.js';
import { allocReal, type Real } from '../base/dtype.js';
import type { FlatBuffer } from '../engine/parameter-store.js';
import type { ResolvedAdam, ResolvedSgd } from './optimizer-options.js';

export type {
  AdamOptions,
  DenseQuasiNewtonOptions,
  LbfgsOptions,
  OptimizerSpec,
  ResolvedOptimizer,
  SgdOptions,
} from './optimizer-options.js';

/**
 * Serializable optimizer state. Buffers are in compact form (the network's real
 * parameters in getParams() order, then the trainable scalars); see each optimizer.
 */
export interface OptimizerState {
  type: string;
  t: number;
  buffers: number[][];
}

/** A first-order optimizer. */
export interface FirstOrder {
  readonly type: 'sgd' | 'adam' | 'adamw';
  readonly lr: number;
  step(t: Trainables, lr: number): void;
  state(): OptimizerState;
  /** restores a state already checked against this optimizer (see checkResume) */
  restore(s: OptimizerState): void;
  /** copies of the state (for undoing a step that diverged) */
  snapshot(): void;
  rollback(): void;
  /** returns its WebAssembly buffers */
  dispose(): void;
}

// The network's part of the update runs in WebAssembly (assembly/optim.ts) on the flat
// parameter buffer, with its state in buffers shaped like it (ParameterStore.allocateFlat);
// the trainable scalars, a handful, are updated here.

/** An optimizer's state buffers (network part in WebAssembly memory, scalar part here): save, undo, serialize. */
class StateBuffers {
  private readonly flat: FlatBuffer[];
  private readonly copies: Real[];
  private readonly scalarCopies: Float64Array[];
  constructor(
    private readonly t: Trainables,
    what: string[],
    private readonly scalars: Float64Array[],
  ) {
    const store = t.net.parameterStore();
    this.flat = [];
    try {
      for (const w of what) this.flat.push(store.allocateFlat(w));
    } catch (e) {
      this.release();
      throw e;
    }
    this.copies = what.map(() => allocReal(t.net.dtype, t.flat));
    this.scalarCopies = scalars.map((a) => new Float64Array(a.length));
  }
  /** byte offset of buffer i */
  ptr(i: number): number {
    return this.flat[i]!.ptr;
  }
  private view(i: number): Real {
    this.t.net.parameterStore(); // refuses a disposed network
    return this.flat[i]!.view();
  }
  save(): void {
    this.flat.forEach((_, i) => {
      this.copies[i]!.set(this.view(i));
    });
    this.scalars.forEach((a, i) => {
      this.scalarCopies[i]!.set(a);
    });
  }
  restore(): void {
    this.flat.forEach((_, i) => {
      this.view(i).set(this.copies[i]!);
    });
    this.scalars.forEach((a, i) => {
      a.set(this.scalarCopies[i]!);
    });
  }
  serialize(): number[][] {
    return this.flat.map((_, i) => this.t.pack(this.view(i), this.scalars[i]!));
  }
  deserialize(buffers: readonly number[][]): void {
    this.flat.forEach((_, i) => {
      this.t.unpack(buffers[i]!, this.view(i), this.scalars[i]!);
    });
  }
  release(): void {
    for (const b of this.flat) b.release();
  }
}

/** What SGD and Adam share: a step count and state buffers, saved, undone, serialized. */
abstract class Buffered implements FirstOrder {
  abstract readonly type: 'sgd' | 'adam' | 'adamw';
  protected steps = 0;
  private savedSteps = 0;

  constructor(
    readonly lr: number,
    protected readonly buffers: StateBuffers,
  ) {}

  abstract step(t: Trainables, lr: number): void;

  /** buffers in compact form: SGD [velocity]; Adam [first moment, second moment] */
  state(): OptimizerState {
    return { type: this.type, t: this.steps, buffers: this.buffers.serialize() };
  }
  restore(s: OptimizerState): void {
    this.buffers.deserialize(s.buffers);
    this.steps = s.t;
  }
  snapshot(): void {
    this.buffers.save();
    this.savedSteps = this.steps;
  }
  rollback(): void {
    this.buffers.restore();
    this.steps = this.savedSteps;
  }
  dispose(): void {
    this.buffers.release();
  }
}

class Sgd extends Buffered {
  readonly type = 'sgd' as const;

  private constructor(
    private readonly o: ResolvedSgd,
    private readonly velocity: Float64Array,
    t: Trainables,
  ) {
    super(o.lr, new StateBuffers(t, ['the SGD velocity'], [velocity]));
  }

  static create(o: ResolvedSgd, t: Trainables): Sgd {
    return new Sgd(o, new Float64Array(t.scalars.length), t);
  }

  step(t: Trainables, lr: number): void {
    const mu = this.o.momentum,
      wd = this.o.weightDecay,
      nesterov = this.o.nesterov;
    const store = t.net.parameterStore();
    store.kernels.sgd(store.params, store.grads, mu !== 0 ? this.buffers.ptr(0) : 0, store.flatLength, lr, mu, nesterov ? 1 : 0, wd);
    const p = t.values,
      g = t.grads,
      v = this.velocity;
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

class Adam extends Buffered {
  readonly type: 'adam' | 'adamw';

  private constructor(
    private readonly o: ResolvedAdam,
    private readonly m: Float64Array,
    private readonly v: Float64Array,
    t: Trainables,
  ) {
    super(o.lr, new StateBuffers(t, ["Adam's first moment", "Adam's second moment"], [m, v]));
    this.type = o.type;
  }

  static create(o: ResolvedAdam, t: Trainables): Adam {
    return new Adam(o, new Float64Array(t.scalars.length), new Float64Array(t.scalars.length), t);
  }

  step(t: Trainables, lr: number): void {
    this.steps++;
    const { beta1: b1, beta2: b2, eps, weightDecay: wd } = this.o;
    const step = lr / (1 - Math.pow(b1, this.steps)),
      root = 1 / Math.sqrt(1 - Math.pow(b2, this.steps));
    const decoupled = this.type === 'adamw';
    const decay = decoupled ? lr * wd : 0,
      l2 = decoupled ? 0 : wd;
    const store = t.net.parameterStore();
    const [M, V] = [this.buffers.ptr(0), this.buffers.ptr(1)];
    store.kernels.adam(store.params, store.grads, M, V, store.flatLength, step, root, b1, b2, eps, decay, l2);
    const p = t.values,
      g = t.grads,
      m = this.m,
      v = this.v;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! + l2 * p[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      p[i] = p[i]! * (1 - decay) - (step * m[i]!) / (Math.sqrt(v[i]!) * root + eps);
    }
  }
}

/** A first-order optimizer of the trainables. */
export function firstOrder(o: ResolvedSgd | ResolvedAdam, t: Trainables): FirstOrder {
  return o.type === 'sgd' ? Sgd.create(o, t) : Adam.create(o, t);
}
