// Levenberg–Marquardt for losses that are weighted sums of mean squared residual fields.
// The loss is read as one stacked residual vector R with L = ‖R‖² (row scale
// √(weight · coefficient / N) per residual field), and its Jacobian J (one row per point
// and residual field) comes from one backward pass per residual field that keeps the
// per-point products (engine/jacobian-rows.ts). A step solves
//   (JᵀJ + μI) δ = −JᵀR            (P×P, Cholesky)      when rows ≥ P, or
//   δ = −Jᵀ (JJᵀ + μI)⁻¹ R         (rows × rows)        when there are fewer rows than P,
// and μ follows Nielsen's rule (Madsen, Nielsen & Tingleff 2004, §3.2): on a gain ratio
// ϱ > 0 the step is kept and μ ← μ·max(1/3, 1 − (2ϱ − 1)³), else μ ← μ·ν, ν ← 2ν. All
// matrices are float64 in WebAssembly memory, allocated once per phase.
import { checkInteger, checkOption, show } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { Float64Block } from '../engine/parameter-store.js';
import type { Optimizer, OptimizerDefinition, OptimizerState } from './definition.js';
import { checkCount } from './definition.js';
import type { StepOutcome } from './guard.js';
import { JacobianCg } from './jacobian-cg.js';
import { checkLmSize, checkSolver, type LevenbergMarquardtOptions, lmSolver, type ResolvedLm } from './lm-options.js';
import type { LeastSquares, Objective } from './objective.js';

/** Levenberg–Marquardt as a phase's stepper. */
class LmStepper implements Optimizer {
  private readonly residuals: LeastSquares;
  private readonly rows: number;
  private readonly P: number;
  /** P rounded up to even: the row stride of J */
  private readonly Pp: number;
  /** the normal-equation size: P, or rows when there are fewer rows (the Gram form) */
  private readonly n: number;
  private readonly gram: boolean;
  private readonly solver: 'direct' | 'cg';
  private readonly cg: JacobianCg | null;
  private readonly block: Float64Block;
  private readonly J: number;
  private readonly Jt: number;
  private readonly A: number;
  private readonly F: number;
  private readonly R: number;
  private readonly rhs: number;
  private readonly ld: number;
  private readonly delta: Float64Array;
  /** compact JᵀR and −δ: planned once */
  private readonly gc: Float64Array;
  private readonly w: Float64Array;
  private readonly x: Float64Array;
  private readonly views: () => { J: Float64Array; R: Float64Array };
  private mu = NaN;
  private nu = 2;
  private iterations = 0;

  constructor(
    private readonly o: ResolvedLm,
    private readonly objective: Objective,
    where: string,
  ) {
    const t = objective.parameters;
    const rows = objective.residualCount(where);
    checkLmSize(o, rows, t.compactSize, where);
    this.rows = rows;
    const P = t.compactSize;
    this.P = P;
    this.Pp = P + (P & 1);
    this.solver = lmSolver(o, rows, P);
    const direct = this.solver === 'direct';
    this.gram = direct && rows < P;
    this.n = direct ? Math.min(rows, P) : 0;
    this.ld = this.n + (this.n & 1);
    const even = (k: number): number => k + (k & 1);
    const words = direct
      ? rows * this.Pp + (this.gram ? P * this.ld : 0) + 2 * this.n * this.ld + rows + this.ld
      : rows * this.Pp + even(rows) + 4 * even(P) + 2 * even(rows);
    this.block = t.store().allocateFloat64(words, `${where}: the Jacobian of 'lm' (${rows} residuals × ${P} parameters)`);
    try {
      this.residuals = objective.leastSquares(where);
    } catch (e) {
      this.block.release();
      throw e;
    }
    let at = this.block.ptr;
    const take = (count: number): number => {
      const p = at;
      at += count * 8;
      return p;
    };
    this.J = take(rows * this.Pp);
    this.Jt = this.gram ? take(P * this.ld) : 0;
    this.A = take(this.n * this.ld);
    this.F = take(this.n * this.ld);
    this.R = take(direct ? rows : even(rows));
    this.rhs = take(this.ld);
    this.cg = direct
      ? null
      : new JacobianCg(
          rows,
          P,
          this.Pp,
          t.store().kernels.gemm64,
          { J: this.J, pIn: take(2 * even(P)), jp: take(2 * even(rows)), jtjp: take(2 * even(P)) },
          o.cgIterations,
          o.cgTolerance,
        );
    this.delta = new Float64Array(t.size);
    this.gc = new Float64Array(P);
    this.w = new Float64Array(P);
    this.x = new Float64Array(t.size);
    this.views = () => ({ J: this.f64(this.J, this.rows * this.Pp), R: this.f64(this.R, this.rows) });
  }

  private f64(p: number, n: number): Float64Array {
    return this.block.view().subarray((p - this.block.ptr) / 8, (p - this.block.ptr) / 8 + n);
  }

  step(): StepOutcome {
    const loss = this.residuals.linearize(this.views, this.Pp);
    if (!Number.isFinite(loss)) return { diverged: 'loss' };
    const gmax = this.halfGradient();
    if (!Number.isFinite(gmax)) return { diverged: 'gradient-or-update', update: "an 'lm' step" };
    if (2 * gmax <= this.o.toleranceGrad) return { loss, lr: 1, end: 'converged' };
    let dmax = 0;
    if (this.cg) {
      const J = this.views().J;
      this.cg.linearized(J);
      // the first μ as the direct solvers take it: from diag(JᵀJ), or diag(JJᵀ) (row norms) in the Gram shape
      if (this.rows < this.P)
        for (let r = 0; r < this.rows; r++) {
          let s = 0;
          for (let j = 0; j < this.P; j++) s += J[r * this.Pp + j]! ** 2;
          dmax = Math.max(dmax, s);
        }
      else for (const v of this.cg.diagonal) dmax = Math.max(dmax, v);
    } else {
      this.normalMatrix();
      const A = this.f64(this.A, this.n * this.ld);
      for (let i = 0; i < this.n; i++) dmax = Math.max(dmax, A[i * this.ld + i]!);
    }
    if (!(this.mu > 0)) this.mu = this.o.damping * (dmax > 0 ? dmax : 1);
    const t = this.objective.parameters;
    t.save(this.x);
    for (let attempt = 0; attempt < this.o.maxTries; attempt++) {
      const trial = this.trial();
      if (trial === null) {
        this.raise();
        continue;
      }
      const { value, predicted } = trial;
      const gain = (loss - value) / predicted;
      if (Number.isFinite(value) && predicted > 0 && gain > 0) {
        this.mu *= Math.max(1 / 3, 1 - (2 * gain - 1) ** 3);
        this.nu = 2;
        this.iterations++;
        if (!t.finite()) {
          t.load(this.x);
          return { diverged: 'gradient-or-update', update: "an 'lm' step" };
        }
        return { loss: value, lr: this.mu, end: null };
      }
      t.load(this.x);
      this.raise();
    }
    this.objective.value(); // the term values of the parameters kept
    return { loss, lr: this.mu, end: 'line-search-failed' };
  }

  /** g = JᵀR (compact), the half-gradient of L; returns max |g| */
  private halfGradient(): number {
    const P = this.P,
      Pp = this.Pp;
    const { J, R } = this.views();
    const gc = this.gc.fill(0);
    for (let r = 0; r < this.rows; r++) {
      const rr = R[r]!;
      if (rr === 0) continue;
      const o = r * Pp;
      for (let j = 0; j < P; j++) gc[j]! += J[o + j]! * rr;
    }
    let gmax = 0;
    for (let j = 0; j < P; j++) gmax = Math.max(gmax, Math.abs(gc[j]!));
    return gmax;
  }

  /** the normal matrix: A = JᵀJ (P×P), or the Gram matrix JJᵀ (rows×rows) */
  private normalMatrix(): void {
    const ex = this.objective.parameters.store().kernels;
    const { rows, P, Pp, ld } = this;
    // (rows of J and Jᵀ are padded to an even length: the gemm reads and writes two lanes at a time)
    if (this.gram) {
      const J = this.f64(this.J, rows * Pp),
        Jt = this.f64(this.Jt, P * ld);
      for (let r = 0; r < rows; r++) for (let j = 0; j < P; j++) Jt[j * ld + r] = J[r * Pp + j]!;
      ex.gemm64(this.J, Pp, 1, this.Jt, ld, this.A, ld, rows, ld, P, 1, 0);
    } else {
      ex.gemm64(this.J, 1, Pp, this.J, Pp, this.A, ld, P, ld, rows, 1, 0);
    }
  }

  /**
   * The trial point x − w for the current μ, loaded, with its loss and the decrease the
   * model ‖R + Jδ‖² predicts; null when JᵀJ + μI is not positive definite.
   */
  private trial(): { value: number; predicted: number } | null {
    if (this.cg) {
      const { predicted } = this.cg.solve(this.gc, this.mu, this.w, (ptr, n) => this.f64(ptr, n));
      return this.tryStep(predicted);
    }
    const k = this.objective.parameters.store().kernels;
    const { rows, P, Pp, n, ld } = this;
    // (a trial's pass may have planned buffers and grown the memory: fresh views each time)
    const J = this.f64(this.J, rows * Pp),
      R = this.f64(this.R, rows),
      A = this.f64(this.A, n * ld),
      F = this.f64(this.F, n * ld),
      rhs = this.f64(this.rhs, ld);
    F.set(A);
    for (let i = 0; i < n; i++) F[i * ld + i]! += this.mu;
    if (k.cholesky(this.F, ld, n) !== 0) return null;
    // w = −δ (compact): (JᵀJ + μI)⁻¹ g, or Jᵀ (JJᵀ + μI)⁻¹ R
    const w = this.w,
      gc = this.gc;
    if (this.gram) {
      rhs.set(R);
      k.choleskySolve(this.F, ld, n, this.rhs);
      const y = this.f64(this.rhs, rows);
      w.fill(0);
      for (let r = 0; r < rows; r++) {
        const yr = y[r]!,
          o = r * Pp;
        for (let j = 0; j < P; j++) w[j]! += J[o + j]! * yr;
      }
    } else {
      rhs.set(gc);
      k.choleskySolve(this.F, ld, n, this.rhs);
      w.set(this.f64(this.rhs, P));
    }
    let wg = 0,
      ww = 0;
    for (let j = 0; j < P; j++) {
      wg += w[j]! * gc[j]!;
      ww += w[j]! * w[j]!;
    }
    // the model ‖R + Jδ‖² predicts L − (−δᵀg + μ‖δ‖²) with δ = −w
    return this.tryStep(wg + this.mu * ww);
  }

  /** The trial point x − w, loaded, with its loss and the model's predicted decrease. */
  private tryStep(predicted: number): { value: number; predicted: number } {
    const w = this.w;
    const t = this.objective.parameters;
    t.unpackNegated(w, this.delta);
    for (let i = 0; i < this.x.length; i++) this.delta[i] = this.x[i]! + this.delta[i]!;
    t.load(this.delta);
    return { value: this.objective.value(), predicted };
  }

  private raise(): void {
    this.mu *= this.nu;
    this.nu *= 2;
  }

  /** Serializable state: buffers [[μ, ν]]. */
  state(): OptimizerState {
    return { type: 'lm', t: this.iterations, buffers: [[this.mu, this.nu]] };
  }
  restore(s: OptimizerState): void {
    this.iterations = s.t;
    const [mu, nu] = s.buffers[0]!;
    this.mu = mu === null || mu === undefined ? NaN : mu;
    this.nu = nu!;
  }
  dataChanged(): void {}
  dispose(): void {
    this.block.release();
    this.residuals.dispose();
  }
}

/** Levenberg–Marquardt. */
export const lm: OptimizerDefinition<LevenbergMarquardtOptions, ResolvedLm> = {
  label: "'lm'",
  keys: ['type', 'damping', 'maxTries', 'toleranceGrad', 'maxMatrixBytes', 'solver', 'cgIterations', 'cgTolerance'],
  resolve: (o, where) => ({
    type: 'lm',
    lr: 1,
    damping: checkOption(o.damping, `${where}.damping`, 1e-3, 0, Infinity, true),
    maxTries: o.maxTries === undefined ? 30 : checkInteger(o.maxTries, `${where}.maxTries`, 1),
    toleranceGrad: checkOption(o.toleranceGrad, `${where}.toleranceGrad`, 0, 0),
    maxMatrixBytes: checkOption(o.maxMatrixBytes, `${where}.maxMatrixBytes`, 2 ** 30, 1),
    solver: checkSolver(o.solver, `${where}.solver`),
    cgIterations: o.cgIterations === undefined ? 200 : checkInteger(o.cgIterations, `${where}.cgIterations`, 1),
    cgTolerance: checkOption(o.cgTolerance, `${where}.cgTolerance`, 1e-10, 0, 1),
  }),
  ownSteps: 'by its damping',
  fullBatch: true,
  needs: 'residuals',
  preflight: (o, objective, where) => checkLmSize(o, objective.residualCount(where), objective.parameters.compactSize, where),
  create: (o, objective, phase) => new LmStepper(o, objective, `${phase.where}.optimizer`),
  checkState(b, _o, _shape, what) {
    checkCount(b, 1, 'lm', what);
    const d = b[0];
    const mu = Array.isArray(d) ? d[0] : undefined,
      nu = Array.isArray(d) ? d[1] : undefined;
    const muOk = mu === null || (typeof mu === 'number' && (Number.isNaN(mu) || (mu > 0 && Number.isFinite(mu))));
    if (!Array.isArray(d) || d.length !== 2 || !muOk || !(typeof nu === 'number' && nu >= 2 && Number.isFinite(nu))) {
      throw new JetfitError(
        `${what}.buffers[0]: expected [damping μ (> 0, or null before the first step), its growth factor ν (≥ 2)], got ${show(d)}`,
      );
    }
  },
};
