// A lowered expression evaluated at many points without training: in chunks of a fixed
// size (one plan and one tape, planned once), the last chunk padded with copies of its
// first point. Residual-based resampling ranks candidates with it; evaluateField returns
// a field's values with it.
import type { Mlp } from '../engine/mlp.js';
import type { Loss } from './field.js';
import { lower, type LoweredLoss } from './lower.js';
import { TapePass } from './pass.js';

/** Points per chunk. */
export const CHUNK = 4096;

/** Runs a lowered loss's tape forward over many points, chunk by chunk. */
export class Probe {
  readonly lowered: LoweredLoss;
  readonly chunk: number;
  private readonly x: Float64Array;
  private readonly pass: TapePass;

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
    this.pass = new TapePass(net, this.lowered);
  }

  /**
   * For each chunk of the M points (flat [M][inputs]), runs the network and the tape, then
   * calls visit(start, len): the tape's nodes hold the values of points start..start+len−1
   * at indices 0..len−1.
   */
  run(points: Float64Array, M: number, visit: (start: number, len: number) => void): void {
    const n = this.net.inputs,
      B = this.chunk;
    for (let start = 0; start < M; start += B) {
      const len = Math.min(B, M - start);
      for (let b = 0; b < B; b++) {
        const p = start + (b < len ? b : 0);
        for (let i = 0; i < n; i++) this.x[b * n + i] = points[p * n + i]!;
      }
      this.pass.forward(this.x, B, [], false, false);
      visit(start, len);
    }
  }
}
