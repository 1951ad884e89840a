// fit's terms as the optimizers' objective (optimizers/objective.ts): the weighted sum of
// the terms' losses on their current batches, evaluated whole on this thread or cut into
// chunks on several (parallel/chunked-evaluation.ts), with each term's value recorded.
import type { Mlp } from '../engine/mlp.js';
import type { ChunkedEvaluation } from '../parallel/chunked-evaluation.js';
import type { GradientCulprit, LeastSquares, Objective } from '../optimizers/objective.js';
import { residualBlocks, TermResiduals } from './residuals.js';
import type { Term } from './term.js';
import type { Trainables } from './trainables.js';

/** The loss of fit's terms over the trainables. */
export class TermsObjective implements Objective {
  readonly termNames: readonly string[];
  readonly termValues: Record<string, number>;
  /** the chunked evaluation, when the current batches are cut into chunks */
  chunks: ChunkedEvaluation | null = null;

  constructor(
    private readonly net: Mlp,
    private readonly terms: readonly Term[],
    readonly parameters: Trainables,
  ) {
    this.termNames = terms.map((t) => t.name);
    this.termValues = Object.fromEntries(this.termNames.map((k) => [k, NaN]));
  }

  advance(): void {
    for (const term of this.terms) term.advance();
  }

  evaluate(): number {
    const g = this.parameters.grads;
    g.fill(0);
    if (this.chunks) return this.chunks.run(true, this.termValues, g);
    let total = 0,
      first = true;
    for (const t of this.terms) {
      const v = t.run(true, !first, g);
      if (t.lowered.outputs.length > 0) first = false;
      this.termValues[t.name] = v;
      total += t.weight * v;
    }
    if (first) this.net.gradientView().fill(0);
    return total;
  }

  value(): number {
    if (this.chunks) return this.chunks.run(false, this.termValues, this.parameters.grads);
    let total = 0;
    for (const t of this.terms) {
      const v = t.run(false, false, this.parameters.grads);
      this.termValues[t.name] = v;
      total += t.weight * v;
    }
    return total;
  }

  gradientCulprit(): GradientCulprit | null {
    const t = this.parameters;
    for (const term of this.terms) {
      t.grads.fill(0);
      this.net.gradientView().fill(0);
      term.run(true, false, t.grads);
      const g = t.gradientMaxAbs();
      if (!Number.isFinite(g)) return { term: term.name, loss: term.value, value: firstNonFinite(t) };
    }
    return null;
  }

  residualCount(where: string): number {
    return residualBlocks(this.terms, this.parameters, where).rows;
  }

  leastSquares(where: string): LeastSquares {
    return new TermResiduals(this.terms, this.parameters, this.termValues, where);
  }
}

function firstNonFinite(t: Trainables): number {
  for (const seg of t.segments()) for (const v of seg.grads) if (!Number.isFinite(v)) return v;
  return NaN;
}
