// A geometry × a time interval, for time-dependent problems: points (x..., t) with the time
// last. Its interior is the product; its boundary (for boundary conditions) is the spatial
// boundary × the time interval; its initial points are the interior at the first time.
import { describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { Random } from '../base/random.js';
import { Interval } from './box.js';
import { Geometry, sampleOptions, type Point, type SampleOptions } from './geometry.js';
import { unitCube, type Sampling } from './sequences.js';

/** geometry × [t0, t1]: points (x..., t). */
export class SpaceTime extends Geometry {
  readonly time: Interval;

  constructor(
    readonly space: Geometry,
    t0: number,
    t1: number,
  ) {
    if (!(space instanceof Geometry)) throw new JetfitError(`SpaceTime(space, t0, t1): space: expected a geometry, got ${describe(space)}`);
    if (!(typeof t0 === 'number' && typeof t1 === 'number' && Number.isFinite(t0) && Number.isFinite(t1) && t0 < t1))
      throw new JetfitError(`SpaceTime(space, t0, t1): expected finite times t0 < t1, got ${describe(t0)} and ${describe(t1)}`);
    const time = new Interval(t0, t1);
    super(space.dim + 1, [
      [...space.bbox[0], t0],
      [...space.bbox[1], t1],
    ]);
    this.time = time;
  }

  private split(x: Point): [Point, number] {
    return [x.slice(0, -1), x[x.length - 1]!];
  }

  /** The signed distance of the space-time cylinder (its initial and final faces included). */
  signedDistance(x: Point): number {
    const [s, t] = this.split(x);
    return Math.max(this.space.signedDistance(s), this.time.signedDistance([t]));
  }

  /** The spatial normal with a zero time component, on the lateral boundary. */
  normalAt(x: Point): Point {
    const [s] = this.split(x);
    return [...this.space.normalAt(s), 0];
  }

  get boundaryMeasure(): number {
    return this.space.boundaryMeasure * (this.time.bbox[1][0]! - this.time.bbox[0][0]!);
  }

  /** Whether x lies on the lateral boundary (the spatial boundary, any time in the interval). */
  protected override isOnBoundary(x: Point): boolean {
    const [s, t] = this.split(x);
    return this.space.onBoundary(s) && this.time.inside([t]);
  }

  /** Points of the spatial boundary × the time interval. */
  protected boundaryPoints(n: number, method: Sampling, random: Random): Point[] {
    const [t0, t1] = [this.time.bbox[0][0]!, this.time.bbox[1][0]!];
    const ts = method === 'grid' ? Array.from({ length: n }, (_, i) => (i + 0.5) / n) : unitCube(method, n, 1, random).map((u) => u[0]!);
    const xs = this.space.sampleBoundary(n, { method, seed: random.int(2 ** 31) });
    return xs.map((x, i) => [...x, t0 + ts[i]! * (t1 - t0)]);
  }

  /** n points of the geometry at the first time. */
  sampleInitial(n: number, options?: SampleOptions): Point[] {
    const { n: count, method, random } = sampleOptions(n, options, 'sampleInitial');
    const t0 = this.time.bbox[0][0]!;
    return this.space.sampleInterior(count, { method, seed: random.int(2 ** 31) }).map((x) => [...x, t0]);
  }
}
