// A lowered expression evaluated at many points without training: in chunks of a fixed
// size (one plan and one tape, planned once), the last chunk padded with copies of its
// first point. Residual-based resampling ranks candidates with it; evaluateField returns
// a field's values with it.
import type { Mlp } from '../engine/mlp.js';
import type { Loss } from './field.js';
import { lower, type LoweredLoss } from './lower.js';

/** Points per chunk. */
export const CHUNK = 4096;

/** Runs a lowered loss's tape forward over many points, chunk by chunk. */
export class Probe {
  readonly lowered: LoweredLoss;
  readonly chunk: number;
  private readonly x: Float64Array;

  /** @param most the most points one call will see (the chunk is no larger) */
  constructor(
    private readonly net: Mlp,
    loss: Loss,
    label: string,
    most: number,
  ) {
    this.lowered = lower(loss, label, net.inputs);
    this.chunk = Math.max(1, Math.min(CHUNK, most));
    this.lowered.tape.resize(this.chunk);
    this.x = new Float64Array(this.chunk * net.inputs);
  }

  /**
   * For each chunk of the M points (flat [M][inputs]), runs the network and the tape, then
   * calls visit(start, len): the tape's nodes hold the values of points start..start+len−1
   * at indices 0..len−1.
   */
  run(points: Float64Array, M: number, visit: (start: number, len: number) => void): void {
    const n = this.net.inputs,
      B = this.chunk,
      L = this.lowered;
    for (let start = 0; start < M; start += B) {
      const len = Math.min(B, M - start);
      for (let b = 0; b < B; b++) {
        const p = start + (b < len ? b : 0);
        for (let i = 0; i < n; i++) this.x[b * n + i] = points[p * n + i]!;
      }
      if (L.outputs.length > 0) {
        const plan = this.net.run(this.x, L.spec, false, B);
        for (const o of L.outputs) this.net.readComponent(plan, o.index, o.component, o.node.value);
      }
      for (const c of L.coordinates) {
        const v = c.node.value;
        for (let b = 0; b < B; b++) v[b] = this.x[b * n + c.index]!;
      }
      for (const p of L.parameters) p.node.value[0] = p.param.value;
      L.tape.forward();
      visit(start, len);
    }
  }
}
