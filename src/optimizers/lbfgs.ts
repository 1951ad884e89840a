// L-BFGS (Nocedal & Wright, algorithm 7.4): H is implicit in the last `historySize`
// curvature pairs, applied by the two-loop recursion. The iteration and line search are
// quasi-newton.ts's.
import { checkInteger, checkOption } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { OptimizerDefinition, OptimizerState } from './definition.js';
import { checkVector } from './definition.js';
import type { ParameterVector } from './objective.js';
import { checkIterate, QuasiNewton, QuasiNewtonStepper } from './quasi-newton.js';
import { dot } from './vectors.js';

/** L-BFGS options (full batch; one step = one iteration with a strong-Wolfe line search). */
export interface LbfgsOptions {
  type: 'lbfgs';
  lr?: number;
  historySize?: number;
  toleranceGrad?: number;
  toleranceChange?: number;
  maxLineSearch?: number;
}

/** Checked L-BFGS options. */
export interface ResolvedLbfgs {
  readonly type: 'lbfgs';
  readonly lr: number;
  readonly historySize: number;
  readonly toleranceGrad: number;
  readonly toleranceChange: number;
  readonly maxLineSearch: number;
}

/** L-BFGS state over n trainables. */
export class Lbfgs extends QuasiNewton {
  private readonly history: number;
  private readonly q: Float64Array;
  private readonly s: Float64Array[] = [];
  private readonly y: Float64Array[] = [];
  private readonly rho: number[] = [];
  private readonly alpha: Float64Array;

  constructor(o: ResolvedLbfgs, n: number) {
    super(o, n);
    this.history = o.historySize;
    this.q = new Float64Array(n);
    this.alpha = new Float64Array(o.historySize);
  }

  protected hasHistory(): boolean {
    return this.s.length > 0;
  }

  protected clearHistory(): void {
    this.s.length = 0;
    this.y.length = 0;
    this.rho.length = 0;
  }

  /** Keeps the pair (dropping the oldest beyond historySize) when yᵀs > 1e-10. */
  protected record(sNew: Float64Array, yNew: Float64Array): void {
    const ys = dot(yNew, sNew);
    if (!(ys > 1e-10)) return;
    const full = this.s.length === this.history;
    const s = full ? this.s.shift()! : new Float64Array(this.n);
    const y = full ? this.y.shift()! : new Float64Array(this.n);
    if (full) this.rho.shift();
    s.set(sNew);
    y.set(yNew);
    this.s.push(s);
    this.y.push(y);
    this.rho.push(1 / ys);
  }

  /** d = −H·g by the two-loop recursion (H₀ = sᵀy / yᵀy · I). */
  protected direction(): void {
    const n = this.n,
      d = this.d,
      g = this.g;
    if (this.s.length === 0) {
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      return;
    }
    const q = this.q;
    for (let i = 0; i < n; i++) q[i] = -g[i]!;
    for (let k = this.s.length - 1; k >= 0; k--) {
      const a = dot(this.s[k]!, q) * this.rho[k]!;
      this.alpha[k] = a;
      const yk = this.y[k]!;
      for (let i = 0; i < n; i++) q[i] = q[i]! - a * yk[i]!;
    }
    const last = this.s.length - 1;
    const yy = dot(this.y[last]!, this.y[last]!);
    const h0 = 1 / (this.rho[last]! * yy);
    for (let i = 0; i < n; i++) d[i] = q[i]! * h0;
    for (let k = 0; k < this.s.length; k++) {
      const b = dot(this.y[k]!, d) * this.rho[k]!;
      const sk = this.s[k]!,
        a = this.alpha[k]!;
      for (let i = 0; i < n; i++) d[i] = d[i]! + sk[i]! * (a - b);
    }
  }

  /** Serializable state: buffers [x, g, [loss, last step], s₁…s_k, y₁…y_k], vectors in compact form. */
  state(t: ParameterVector): OptimizerState {
    return {
      type: 'lbfgs',
      t: this.iterations,
      buffers: [...this.baseState(t), ...this.s.map((v) => t.packVector(v)), ...this.y.map((v) => t.packVector(v))],
    };
  }

  /** Restores a state() already checked against these options (see lbfgs.checkState). */
  restore(st: OptimizerState, t: ParameterVector): void {
    this.restoreBase(st, t);
    const k = (st.buffers.length - 3) / 2;
    this.clearHistory();
    for (let i = 0; i < k; i++) {
      const s = new Float64Array(this.n),
        y = new Float64Array(this.n);
      t.unpackVector(st.buffers[3 + i]!, s);
      t.unpackVector(st.buffers[3 + k + i]!, y);
      this.s.push(s);
      this.y.push(y);
      this.rho.push(1 / dot(y, s));
    }
  }
}

/** L-BFGS. */
export const lbfgs: OptimizerDefinition<LbfgsOptions, ResolvedLbfgs> = {
  label: 'L-BFGS',
  keys: ['type', 'lr', 'historySize', 'toleranceGrad', 'toleranceChange', 'maxLineSearch'],
  resolve: (o, where) => ({
    type: 'lbfgs',
    lr: checkOption(o.lr, `${where}.lr`, 1, 0, Infinity, true),
    historySize: o.historySize === undefined ? 10 : checkInteger(o.historySize, `${where}.historySize`, 1),
    toleranceGrad: checkOption(o.toleranceGrad, `${where}.toleranceGrad`, 1e-12, 0),
    toleranceChange: checkOption(o.toleranceChange, `${where}.toleranceChange`, 1e-14, 0),
    maxLineSearch: o.maxLineSearch === undefined ? 25 : checkInteger(o.maxLineSearch, `${where}.maxLineSearch`, 1),
  }),
  ownSteps: 'by line search',
  fullBatch: true,
  needs: 'gradient',
  preflight() {},
  create: (o, objective) => new QuasiNewtonStepper(new Lbfgs(o, objective.parameters.size), objective, o.type),
  checkState(b, o, shape, what) {
    const n = shape.n;
    const k = (b.length - 3) / 2;
    if (!Number.isInteger(k) || k < 0 || k > o.historySize) {
      throw new JetfitError(
        `${what}.buffers: expected x, g, [loss, step] and up to ${o.historySize} curvature pairs (s, y), got ${b.length} buffers`,
      );
    }
    checkIterate(b, shape, what);
    for (let i = 3; i < b.length; i++) checkVector(b[i], n, `${what}.buffers[${i}]`, false);
    for (let i = 0; i < k; i++) {
      const sv = b[3 + i] as number[],
        yv = b[3 + k + i] as number[];
      let ys = 0;
      for (let j = 0; j < n; j++) ys += sv[j]! * yv[j]!;
      if (!(ys > 0) || !Number.isFinite(1 / ys)) {
        throw new JetfitError(`${what}.buffers[${3 + i}], [${3 + k + i}]: a curvature pair with yᵀs = ${ys}; expected yᵀs > 0`);
      }
    }
  },
};
