// fit's terms read as least squares, for the optimizers that ask for residuals (LM). A
// term whose loss is a weighted sum of mean squared residual fields, Σ c·mean(r²), gives
// one block of rows per residual field, scaled by √(weight · c / N) so that L = ‖R‖²; the
// rows of J come from one backward pass per block that keeps the per-point products
// (engine/jacobian-rows.ts).
import { JetfitError } from '../base/errors.js';
import { backwardRows, compactInto } from '../engine/jacobian-rows.js';
import type { Float64Block } from '../engine/parameter-store.js';
import { squaredResiduals, type SquaredResidual } from '../fields/pointwise.js';
import type { TapeNode } from '../fields/tape.js';
import type { LeastSquares } from '../optimizers/objective.js';
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

/**
 * The residual blocks of the terms, or an error naming what LM cannot take: trainable
 * scalars, or a term whose loss is not a sum of squares.
 */
export function residualBlocks(
  terms: readonly Term[],
  t: Trainables,
  where: string,
): { blocks: Block[]; rows: number; constants: number[] } {
  if (t.scalars.length > 0) {
    throw new JetfitError(
      `${where}: 'lm' trains the network's parameters; this run also trains the scalars ${t.scalars.map((p) => `'${p.name}'`).join(', ')}, whose per-point Jacobian it does not compute; use 'ssbroyden' or 'lbfgs' for them`,
    );
  }
  const blocks: Block[] = [];
  const constants: number[] = [];
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
    constants.push(r.constant);
    for (const residual of r.residuals) {
      const scale = Math.sqrt((term.weight * residual.coefficient) / (residual.kind === 'mean' ? N : 1));
      blocks.push({ term, index, residual, scale, row: rows });
      rows += N;
    }
  }
  return { blocks, rows, constants };
}

/** The terms' residuals and Jacobian rows, with their per-point scratch in WebAssembly memory. */
export class TermResiduals implements LeastSquares {
  private readonly blocks: Block[];
  /** per term, its loss's constant part (in the value, not in the residuals) */
  private readonly constants: number[];
  readonly rows: number;
  private readonly scratch: Float64Block;
  private readonly values: Float64Array;

  constructor(
    private readonly terms: readonly Term[],
    private readonly t: Trainables,
    private readonly termValues: Record<string, number>,
    where: string,
  ) {
    ({ blocks: this.blocks, rows: this.rows, constants: this.constants } = residualBlocks(terms, t, where));
    const store = t.store();
    const maxBatch = Math.max(...terms.map((term) => term.sampler.batch * term.setCount));
    this.scratch = store.allocateFloat64(Math.ceil((maxBatch * store.flatLength * store.S) / 8), `${where}: per-point rows`);
    this.values = new Float64Array(terms.length);
  }

  linearize(views: () => { J: Float64Array; R: Float64Array }, stride: number): number {
    for (const term of this.terms) {
      term.value = NaN;
      this.termValues[term.name] = NaN;
    }
    const values = this.values;
    for (let i = 0; i < values.length; i++) values[i] = this.constants[i]!;
    for (const b of this.blocks) values[b.index]! += this.linearizeBlock(b, views, stride);
    let total = 0;
    for (const [i, term] of this.terms.entries()) {
      const value = values[i]!;
      term.value = value;
      this.termValues[term.name] = value;
      total += term.weight * value;
    }
    return total;
  }

  /** one block's rows of R and J; returns its share of the term's value */
  private linearizeBlock(b: Block, views: () => { J: Float64Array; R: Float64Array }, Pp: number): number {
    const L = b.term.lowered;
    const plan = b.term.forwardTape(true, true);
    // (after the pass: its first run plans its buffers, and a grown memory detaches older views)
    let { J, R } = views();
    const v = L.valueOf(b.residual.residual)!;
    const N = b.term.sampler.batch;
    let sum = 0;
    for (let p = 0; p < N; p++) {
      const r = typeof v === 'number' ? v : v.value[p]!;
      R[b.row + p] = b.scale * r;
      sum += r * r;
    }
    const value = b.residual.coefficient * (b.residual.kind === 'mean' ? sum / N : sum);
    J.fill(0, b.row * Pp, (b.row + N) * Pp);
    if (typeof v === 'number' || !plan) return value;
    L.tape.backward(v as TapeNode, b.scale);
    b.term.writeCotangents(plan);
    const store = this.t.store();
    backwardRows(store, plan, this.scratch.ptr);
    // a term with point sets ran its points and then each set's: point p's residual row
    // is the sum of the rows of p in every slice
    ({ J } = views());
    for (let k = 0; k < b.term.setCount; k++) {
      const slice = this.scratch.ptr + k * N * store.flatLength * store.S;
      compactInto(store, slice, N, J, b.row * Pp, Pp, k > 0);
    }
    return value;
  }

  dispose(): void {
    this.scratch.release();
  }
}
