// One pass of a lowered expression over a batch: the network's jets at the batch's points
// (and at each paired point set's, run in the same batch after them) read into the tape's
// output nodes — each node its set's slice —, the coordinates, columns and parameters set,
// and the tape run forward; then, after the tape's backward pass, its output gradients
// written back as the pass's cotangents, each into its set's slice. Terms of fit and the
// probe of evaluateField and resampling run their passes through it. Buffers are made once
// per batch size.
import type { Mlp } from '../engine/mlp.js';
import type { Plan } from '../engine/plan.js';
import type { LoweredLoss } from './lower.js';

/** The passes of one lowered expression. */
export class TapePass {
  private readonly slices = new Map<number, Float64Array>();
  private readonly stacked = new Map<number, Float64Array>();

  constructor(
    private readonly net: Mlp,
    private readonly L: LoweredLoss,
  ) {}

  /** a buffer of n values, made once per size */
  private buffer(map: Map<number, Float64Array>, n: number): Float64Array {
    let b = map.get(n);
    if (!b) {
      b = new Float64Array(n);
      map.set(n, b);
    }
    return b;
  }

  /**
   * Runs the tape forward on B points x (flat [B][inputs]) and the paired sets (each flat
   * [B][inputs]); the network's pass is kept for a backward pass when `keep`, in forward
   * mode when `forwardJets`; with `pointsOnly` the tape runs its point side only (a chunk
   * of a larger batch: the reductions get the chunk's share). Returns its plan (null when
   * the expression reads no output and nothing is kept).
   */
  forward(
    x: Float64Array,
    B: number,
    sets: readonly Float64Array[],
    keep: boolean,
    forwardJets: boolean,
    columns?: ReadonlyMap<string, Float64Array>,
    pointsOnly = false,
  ): Plan | null {
    const { L, net } = this,
      n = net.inputs,
      S = 1 + sets.length;
    let plan: Plan | null = null;
    if (L.outputs.length > 0 || keep) {
      let all = x;
      if (S > 1) {
        all = this.buffer(this.stacked, B * S * n);
        all.set(x.subarray(0, B * n), 0);
        sets.forEach((set, k) => {
          all.set(set.subarray(0, B * n), (k + 1) * B * n);
        });
      }
      plan = net.run(all, L.spec, keep, B * S, forwardJets);
      for (const o of L.outputs) {
        if (S === 1) net.readComponent(plan, o.index, o.component, o.node.value);
        else {
          const full = this.buffer(this.slices, B * S);
          net.readComponent(plan, o.index, o.component, full);
          o.node.value.set(full.subarray(o.at * B, (o.at + 1) * B));
        }
      }
    }
    for (const c of L.coordinates) {
      const v = c.node.value;
      for (let b = 0; b < B; b++) v[b] = x[b * n + c.index]!;
    }
    for (const c of L.columns) c.node.value.set(columns!.get(c.name)!);
    for (const p of L.parameters) p.node.value[0] = p.param.value;
    if (pointsOnly) L.tape.forwardPoints();
    else L.tape.forward();
    return plan;
  }

  /** The tape's output gradients as the cotangents of a pass over B points and `sets` paired sets. */
  writeCotangents(plan: Plan, B: number, sets: number): void {
    const { L, net } = this;
    net.clearCotangents(plan);
    if (sets === 0) {
      for (const o of L.outputs) net.addCotangent(plan, o.index, o.component, o.node.grad);
      return;
    }
    const full = this.buffer(this.slices, B * (1 + sets));
    for (const o of L.outputs) {
      full.fill(0);
      full.set(o.node.grad, o.at * B);
      net.addCotangent(plan, o.index, o.component, full);
    }
  }
}
