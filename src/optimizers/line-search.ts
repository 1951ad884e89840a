// The strong-Wolfe line search of the quasi-Newton methods (Nocedal & Wright, algorithms
// 3.5 and 3.6, with cubic interpolation): first bracket a step that satisfies the
// conditions, then zoom into the bracket. Its vectors are allocated once per phase.
import { cubicMinimum, dot, maxAbs } from './vectors.js';

/** The value and gradient of the objective at x + step·d (grad filled); Infinity for a point that is no candidate. */
export type ValueAt = (step: number, grad: Float64Array) => number;

const C1 = 1e-4;
const C2 = 0.9;

/** A strong-Wolfe line search over vectors of length n. */
export class LineSearch {
  private readonly gNew: Float64Array;
  /** gradients at the bracket's two ends (slots 0 and 1) */
  private readonly gA: Float64Array;
  private readonly gB: Float64Array;
  /** the bracket: steps, values, slopes, in slots 0 and 1 */
  private readonly bt = [0, 0];
  private readonly bf = [0, 0];
  private readonly bgtd = [0, 0];
  private evals = 0;

  constructor(
    n: number,
    private readonly maxEvaluations: number,
    private readonly toleranceChange: number,
  ) {
    this.gNew = new Float64Array(n);
    this.gA = new Float64Array(n);
    this.gB = new Float64Array(n);
  }

  /**
   * Searches along d from a point of value f0, gradient g and slope gtd = gᵀd, trying
   * step0 first. Returns the accepted step (0: none lowered the loss) and its value; g
   * then holds the gradient there.
   */
  search(at: ValueAt, d: Float64Array, g: Float64Array, f0: number, gtd: number, step0: number): { loss: number; step: number } {
    const { gNew, gA, gB, bt, bf, bgtd } = this;
    let step = step0;
    let fNew = at(step, gNew);
    let gtdNew = dot(gNew, d);
    let tPrev = 0,
      fPrev = f0,
      gtdPrev = gtd;
    gA.set(g); // gradient at tPrev
    this.evals = 1;
    while (this.evals < this.maxEvaluations) {
      // tooHigh: no sufficient decrease (or none from the previous trial); otherwise the
      // strong-Wolfe curvature condition ends the search
      const tooHigh = fNew > f0 + C1 * step * gtd || (this.evals > 1 && fNew >= fPrev);
      if (!tooHigh && Math.abs(gtdNew) <= -C2 * gtd) {
        g.set(gNew);
        return { loss: fNew, step };
      }
      // too high, or the slope turned upward: bracket [previous, this] and zoom
      if (tooHigh || gtdNew >= 0) {
        bt[0] = tPrev;
        bf[0] = fPrev;
        bgtd[0] = gtdPrev;
        bt[1] = step;
        bf[1] = fNew;
        bgtd[1] = gtdNew;
        gB.set(gNew);
        return this.zoom(at, d, g, f0, gtd);
      }
      const lo = step + 0.01 * (step - tPrev),
        hi = step * 10;
      const next = cubicMinimum(tPrev, fPrev, gtdPrev, step, fNew, gtdNew, lo, hi);
      tPrev = step;
      fPrev = fNew;
      gtdPrev = gtdNew;
      gA.set(gNew);
      step = next;
      fNew = at(step, gNew);
      gtdNew = dot(gNew, d);
      this.evals++;
    }
    // Out of evaluations while still descending: keep the last point if it is better.
    if (fNew < f0) {
      g.set(gNew);
      return { loss: fNew, step };
    }
    return { loss: f0, step: 0 };
  }

  /** Zooms into the bracket [bt[0], bt[1]] (gA holds the gradient at bt[0], gB at bt[1]). */
  private zoom(at: ValueAt, d: Float64Array, g: Float64Array, f0: number, gtd: number): { loss: number; step: number } {
    const { gNew, gA, gB, bt, bf, bgtd } = this;
    const dNorm = maxAbs(d);
    let low = bf[0]! <= bf[1]! ? 0 : 1;
    let insufficient = false,
      done = false;
    while (!done && this.evals < this.maxEvaluations) {
      if (Math.abs(bt[1]! - bt[0]!) * dNorm < this.toleranceChange) break;
      let tz = cubicMinimum(bt[0]!, bf[0]!, bgtd[0]!, bt[1]!, bf[1]!, bgtd[1]!);
      const bmax = Math.max(bt[0]!, bt[1]!),
        bmin = Math.min(bt[0]!, bt[1]!);
      const eps = 0.1 * (bmax - bmin);
      if (Math.min(bmax - tz, tz - bmin) < eps) {
        if (insufficient || tz >= bmax || tz <= bmin) {
          tz = Math.abs(tz - bmax) < Math.abs(tz - bmin) ? bmax - eps : bmin + eps;
          insufficient = false;
        } else insufficient = true;
      } else insufficient = false;
      const fz = at(tz, gNew);
      const gtdz = dot(gNew, d);
      this.evals++;
      const high = 1 - low;
      const slot = (k: number): void => {
        bt[k] = tz;
        bf[k] = fz;
        bgtd[k] = gtdz;
        (k === 0 ? gA : gB).set(gNew);
      };
      if (fz > f0 + C1 * tz * gtd || fz >= bf[low]!) {
        slot(high);
      } else {
        if (Math.abs(gtdz) <= -C2 * gtd) done = true;
        else if (gtdz * (bt[high]! - bt[low]!) >= 0) {
          bt[high] = bt[low]!;
          bf[high] = bf[low]!;
          bgtd[high] = bgtd[low]!;
          (high === 0 ? gA : gB).set(low === 0 ? gA : gB);
        }
        slot(low);
      }
      low = bf[0]! <= bf[1]! ? 0 : 1;
    }
    if (!(bf[low]! < f0) && bt[low] === 0) return { loss: f0, step: 0 };
    g.set(low === 0 ? gA : gB);
    return { loss: bf[low]!, step: bt[low]! };
  }
}
