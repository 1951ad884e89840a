// A loss read as a weighted sum over points. Residual-based resampling ranks points by
// their share of the loss, and Levenberg–Marquardt needs the loss as a weighted sum of
// mean squared residuals; both need the loss expression's structure, not only its value:
//   loss = Σ_j c_j · reduce_j(f_j),   reduce_j = mean or sum over the term's points.
import type { FieldNode, Loss, LossNode } from './field.js';
import { FUNCTIONS } from './functions.js';

/** One reduction of the loss and its coefficient: the loss holds c · mean(field) or c · sum(field). */
export interface WeightedReduction {
  readonly field: FieldNode;
  readonly kind: 'mean' | 'sum';
  readonly coefficient: number;
}

/**
 * The loss as Σ c_j · reduce_j(f_j) plus a constant, or null when it is not linear in its
 * reductions (a product or quotient of two reductions).
 */
export function linearReductions(loss: Loss): WeightedReduction[] | null {
  return linearForm(loss)?.reductions ?? null;
}

/** The loss as its reductions and its constant part (a loss like mse(u, t).add(5)), or null when it is not linear in its reductions. */
export function linearForm(loss: Loss): { reductions: WeightedReduction[]; constant: number } | null {
  const out: WeightedReduction[] = [];
  // returns the constant part of n scaled by c, or null (not linear)
  const walk = (n: LossNode, c: number): number | null => {
    switch (n.kind) {
      case 'constant':
        return c * n.value;
      case 'mean':
      case 'sum':
        out.push({ field: n.field.node, kind: n.kind, coefficient: c });
        return 0;
      case 'add':
      case 'sub': {
        const a = walk(n.a, c);
        const b = a === null ? null : walk(n.b, n.kind === 'add' ? c : -c);
        return a === null || b === null ? null : a + b;
      }
      case 'mul': {
        const k = constantOf(n.a) ?? null;
        if (k !== null) return walk(n.b, c * k);
        const m = constantOf(n.b);
        return m === null ? null : walk(n.a, c * m);
      }
      case 'div': {
        const m = constantOf(n.b);
        return m === null ? null : walk(n.a, c / m);
      }
    }
  };
  const constant = walk(loss.node, 1);
  return constant === null ? null : { reductions: out, constant };
}

/** The value of a loss node without reductions, or null. */
function constantOf(n: LossNode): number | null {
  switch (n.kind) {
    case 'constant':
      return n.value;
    case 'mean':
    case 'sum':
      return null;
    default: {
      const a = constantOf(n.a),
        b = constantOf(n.b);
      if (a === null || b === null) return null;
      return n.kind === 'add' ? a + b : n.kind === 'sub' ? a - b : n.kind === 'mul' ? a * b : a / b;
    }
  }
}

/** A squared residual of the loss: the loss holds c · mean(r²) (or c · sum(r²)). */
export interface SquaredResidual {
  readonly residual: FieldNode;
  readonly kind: 'mean' | 'sum';
  readonly coefficient: number;
}

/**
 * The loss as Σ c_j · reduce_j(r_j²) + constant with every c_j > 0 (mean(r.square()),
 * mse(a, b), r.mul(r), and weighted sums of them), or a reason it is not. The constant does
 * not change a least-squares step; it is part of the loss's value.
 */
export function squaredResiduals(loss: Loss): { residuals: SquaredResidual[]; constant: number } | string {
  const form = linearForm(loss);
  if (!form) return 'it multiplies or divides two reductions';
  const terms = form.reductions;
  const out: SquaredResidual[] = [];
  for (const t of terms) {
    const f = t.field;
    const r = f.kind === 'unary' && f.f === FUNCTIONS.square ? f.a : f.kind === 'mul' && f.a === f.b ? f.a : null;
    if (!r) return `it reduces a field that is not a square (${t.kind}(...) of a ${f.kind === 'unary' ? f.f.name : f.kind} node)`;
    if (!(t.coefficient > 0)) return `a squared residual has the coefficient ${t.coefficient}; expected > 0`;
    out.push({ residual: r, kind: t.kind, coefficient: t.coefficient });
  }
  if (out.length === 0) return 'it has no mean or sum over points';
  return { residuals: out, constant: form.constant };
}
