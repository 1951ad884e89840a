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
import { JetfitError } from '../base/errors.js';
import { backwardRows, compactInto } from '../engine/jacobian-rows.js';
import type { Float64Block } from '../engine/parameter-store.js';
import { squaredResiduals, type SquaredResidual } from '../fields/pointwise.js';
import type { TapeNode } from '../fields/tape.js';
import { formatBytes } from '../runtime/heap.js';
import type { Phase } from './fit-options.js';
import { gradientOrUpdateError, lossError } from './guard.js';
import type { ResolvedLm } from './optimizer-options.js';
import type { OptimizerState } from './optimizers.js';
import type { StepContext, Stepper, StepResult } from './steppers.js';
import type { Term } from './term.js';
import type { Trainables } from './trainables.js';

interface Block {
  term: Term;
  /** the term's index in the run */
  index: number;
  residual: SquaredResidual;
  /** √(weight · coefficient / N): the row scale */
  scale: number;
  /** first row in the stacked R and J */
  row: number;
}

/** The residual blocks of the terms, or an error naming the term whose loss is not a sum of squares. */
export function residualBlocks(terms: readonly Term[], where: string): { blocks: Block[]; rows: number } {
  const blocks: Block[] = [];
  let rows = 0;
  for (const [index, term] of terms.entries()) {
    const r = squaredResiduals(term.expression);
    if (typeof r === 'string') {
      throw new JetfitError(
        `${where}: 'lm' needs every loss to be a sum of squares (mean(r.square()), mse(a, b), and weighted sums of them); ` +
          `the loss of term '${term.name}' is not: ${r}. Use 'ssbroyden' or 'lbfgs' for it`,
      );
    }
    // (a term of weight 0 still gets its rows, all zero: its value is recorded like any other)
    const N = term.sampler.data.size;
    for (const residual of r) {
      const scale = Math.sqrt((term.weight * residual.coefficient) / (residual.kind === 'mean' ? N : 1));
      blocks.push({ term, index, residual, scale, row: rows });
      rows += N;
    }
  }
  return { blocks, rows };
}

/** Bytes LM needs for `rows` residuals and P parameters: J, its transpose or JᵀJ, and a factor. */
export function lmBytes(rows: number, P: number): number {
  const small = Math.min(rows, P);
  const even = (k: number): number => k + (k & 1);
  return 8 * (rows * even(P) + (rows < P ? P * even(rows) : 0) + 2 * small * even(small) + rows + even(small));
}

/** Levenberg–Marquardt as a phase's stepper. */
export class LmStepper implements Stepper {
  private readonly o: ResolvedLm;
  private readonly blocks: Block[];
  private readonly rows: number;
  private readonly P: number;
  /** P rounded up to even: the row stride of J */
  private readonly Pp: number;
  /** the normal-equation size: P, or rows when there are fewer rows (the Gram form) */
  private readonly n: number;
  private readonly gram: boolean;
  private readonly block: Float64Block;
  private readonly scratch: Float64Block;
  private readonly J: number;
  private readonly Jt: number;
  private readonly A: number;
  private readonly F: number;
  private readonly R: number;
  private readonly rhs: number;
  private readonly ld: number;
  private readonly delta: Float64Array;
  /** compact JᵀR, −δ, and each term's value: planned once */
  private readonly gc: Float64Array;
  private readonly w: Float64Array;
  private readonly values: Float64Array;
  private readonly x: Float64Array;
  private mu = NaN;
  private nu = 2;
  private iterations = 0;

  constructor(
    ph: Phase,
    private readonly c: StepContext,
  ) {
    const where = `${ph.where}.optimizer`;
    this.o = ph.opt as ResolvedLm;
    const t = c.trainables;
    ({ blocks: this.blocks, rows: this.rows } = checkLm(this.o, c.terms, t, where));
    const P = t.compactSize;
    this.P = P;
    this.Pp = P + (P & 1);
    this.gram = this.rows < P;
    this.n = Math.min(this.rows, P);
    this.ld = this.n + (this.n & 1);
    const store = c.net.parameterStore();
    const words = this.rows * this.Pp + (this.gram ? P * this.ld : 0) + 2 * this.n * this.ld + this.rows + this.ld;
    this.block = store.allocateFloat64(words, `${where}: the Jacobian of 'lm' (${this.rows} residuals × ${P} parameters)`);
    const maxBatch = Math.max(...c.terms.map((term) => term.sampler.batch * term.setCount));
    try {
      this.scratch = store.allocateFloat64(Math.ceil((maxBatch * store.flatLength * store.S) / 8), `${where}: per-point rows`);
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
    this.J = take(this.rows * this.Pp);
    this.Jt = this.gram ? take(P * this.ld) : 0;
    this.A = take(this.n * this.ld);
    this.F = take(this.n * this.ld);
    this.R = take(this.rows);
    this.rhs = take(this.ld);
    this.delta = new Float64Array(t.size);
    this.gc = new Float64Array(P);
    this.w = new Float64Array(P);
    this.values = new Float64Array(c.terms.length);
    this.x = new Float64Array(t.size);
  }

  private f64(p: number, n: number): Float64Array {
    return this.block.view().subarray((p - this.block.ptr) / 8, (p - this.block.ptr) / 8 + n);
  }

  /** R, J (compact rows) and L = ‖R‖² at the current parameters; the term values recorded. */
  private linearize(): number {
    const net = this.c.net;
    const Pp = this.Pp;
    for (const term of this.c.terms) {
      term.value = NaN;
      this.c.termValues[term.name] = NaN;
    }
    const values = this.values.fill(0);
    for (const b of this.blocks) {
      const L = b.term.lowered;
      const plan = b.term.forwardTape(true, true);
      // (after the pass: its first run plans its buffers, and a grown memory detaches older views)
      const R = this.f64(this.R, this.rows);
      const v = L.valueOf(b.residual.residual)!;
      const N = b.term.sampler.batch;
      let sum = 0;
      for (let p = 0; p < N; p++) {
        const r = typeof v === 'number' ? v : v.value[p]!;
        R[b.row + p] = b.scale * r;
        sum += r * r;
      }
      values[b.index]! += b.residual.coefficient * (b.residual.kind === 'mean' ? sum / N : sum);
      this.f64(this.J, this.rows * Pp).fill(0, b.row * Pp, (b.row + N) * Pp);
      if (typeof v === 'number' || !plan) continue;
      L.tape.backward(v as TapeNode, b.scale);
      b.term.writeCotangents(plan);
      backwardRows(net.parameterStore(), plan, this.scratch.ptr);
      // a term with point sets ran its points and then each set's: point p's residual row
      // is the sum of the rows of p in every slice
      const store = net.parameterStore(),
        J = this.f64(this.J, this.rows * Pp);
      for (let k = 0; k < b.term.setCount; k++) {
        const slice = this.scratch.ptr + k * N * store.flatLength * store.S;
        compactInto(store, slice, N, J, b.row * Pp, Pp, k > 0);
      }
    }
    let total = 0;
    for (const [i, term] of this.c.terms.entries()) {
      const value = values[i]!;
      term.value = value;
      this.c.termValues[term.name] = value;
      total += term.weight * value;
    }
    return total;
  }

  step(_phaseStep: number, step: number): StepResult {
    const c = this.c,
      t = c.trainables,
      k = c.net.parameterStore().kernels;
    const loss = this.linearize();
    if (!Number.isFinite(loss)) throw lossError(c.names, c.termValues, step);
    const P = this.P,
      Pp = this.Pp,
      rows = this.rows,
      n = this.n,
      ld = this.ld;
    let J = this.f64(this.J, rows * Pp),
      R = this.f64(this.R, rows);
    // g = JᵀR (compact), the half-gradient of L
    const gc = this.gc.fill(0);
    for (let r = 0; r < rows; r++) {
      const rr = R[r]!;
      if (rr === 0) continue;
      const o = r * Pp;
      for (let j = 0; j < P; j++) gc[j]! += J[o + j]! * rr;
    }
    let gmax = 0;
    for (let j = 0; j < P; j++) gmax = Math.max(gmax, Math.abs(gc[j]!));
    if (!Number.isFinite(gmax)) throw gradientOrUpdateError(c.net, c.terms, t, step, "an 'lm' step");
    if (2 * gmax <= this.o.toleranceGrad) return { loss, lr: 1, end: 'converged' };
    // the normal matrix: A = JᵀJ (P×P), or the Gram matrix JJᵀ (rows×rows)
    const ex = c.net.parameterStore().kernels;
    // (rows of J and Jᵀ are padded to an even length: the gemm reads and writes two lanes at a time)
    if (this.gram) {
      const Jt = this.f64(this.Jt, P * ld);
      for (let r = 0; r < rows; r++) for (let j = 0; j < P; j++) Jt[j * ld + r] = J[r * Pp + j]!;
      ex.gemm64(this.J, Pp, 1, this.Jt, ld, this.A, ld, rows, ld, P, 1, 0);
    } else {
      ex.gemm64(this.J, 1, Pp, this.J, Pp, this.A, ld, P, ld, rows, 1, 0);
    }
    let A = this.f64(this.A, n * ld),
      F = this.f64(this.F, n * ld),
      rhs = this.f64(this.rhs, ld);
    if (!(this.mu > 0)) {
      let dmax = 0;
      for (let i = 0; i < n; i++) dmax = Math.max(dmax, A[i * ld + i]!);
      this.mu = this.o.damping * (dmax > 0 ? dmax : 1);
    }
    t.save(this.x);
    for (let attempt = 0; attempt < this.o.maxTries; attempt++) {
      if (attempt > 0) {
        // a trial's pass (c.value()) may have planned buffers and grown the memory: fresh views
        [J, R, A, F, rhs] = [
          this.f64(this.J, rows * Pp),
          this.f64(this.R, rows),
          this.f64(this.A, n * ld),
          this.f64(this.F, n * ld),
          this.f64(this.rhs, ld),
        ];
      }
      F.set(A);
      for (let i = 0; i < n; i++) F[i * ld + i]! += this.mu;
      if (k.cholesky(this.F, ld, n) !== 0) {
        this.raise();
        continue;
      }
      // w = −δ (compact): (JᵀJ + μI)⁻¹ g, or Jᵀ (JJᵀ + μI)⁻¹ R
      const w = this.w;
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
      const predicted = wg + this.mu * ww;
      t.unpackNegated(w, this.delta);
      for (let i = 0; i < this.x.length; i++) this.delta[i] = this.x[i]! + this.delta[i]!;
      t.load(this.delta);
      const trial = c.value();
      const gain = (loss - trial) / predicted;
      if (Number.isFinite(trial) && predicted > 0 && gain > 0) {
        this.mu *= Math.max(1 / 3, 1 - (2 * gain - 1) ** 3);
        this.nu = 2;
        this.iterations++;
        if (!t.finite()) {
          t.load(this.x);
          throw gradientOrUpdateError(c.net, c.terms, t, step, "an 'lm' step");
        }
        return { loss: trial, lr: this.mu, end: null };
      }
      t.load(this.x);
      this.raise();
    }
    c.value(); // the term values of the parameters kept
    return { loss, lr: this.mu, end: 'line-search-failed' };
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
    this.scratch.release();
  }
}

/**
 * Checks that LM applies (every loss a sum of squares, no trainable scalars) and fits
 * (maxMatrixBytes), naming what does not; returns the residual blocks.
 */
export function checkLm(o: ResolvedLm, terms: readonly Term[], t: Trainables, where: string): { blocks: Block[]; rows: number } {
  if (t.scalars.length > 0) {
    throw new JetfitError(
      `${where}: 'lm' trains the network's parameters; this run also trains the scalars ${t.scalars.map((p) => `'${p.name}'`).join(', ')}, whose per-point Jacobian it does not compute; use 'ssbroyden' or 'lbfgs' for them`,
    );
  }
  const r = residualBlocks(terms, where);
  checkLmSize(o, r.rows, t.compactSize, where);
  return r;
}

/** Refuses an LM phase whose matrices would exceed maxMatrixBytes, naming the sizes. */
function checkLmSize(o: ResolvedLm, rows: number, P: number, where: string): void {
  const bytes = lmBytes(rows, P);
  if (bytes > o.maxMatrixBytes) {
    const small = Math.min(rows, P);
    throw new JetfitError(
      `${where}: 'lm' needs the ${rows}×${P} Jacobian and a ${small}×${small} normal matrix (${formatBytes(bytes)}), ` +
        `more than maxMatrixBytes (${formatBytes(o.maxMatrixBytes)}); use fewer points, 'ssbroyden', or raise maxMatrixBytes`,
    );
  }
}
