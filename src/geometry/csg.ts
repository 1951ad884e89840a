// Union, intersection and difference of geometries (constructive solid geometry) through
// their signed distances: min, max, and max(a, −b). The result is exact on the boundary
// (its zero set) and a bound elsewhere. Boundary points are drawn from the parts in
// proportion to their boundary measures and kept where they lie on the result's boundary.
// The zero set alone is not the boundary where the parts' boundaries overlap: an edge two
// rectangles of a union share is inside the union yet has min(da, db) = 0. So the boundary
// test also probes a short step along the normal each way: outside one way, inside the
// other, or the point is not on the boundary (it is inside, or in no region at all).
import { describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { Random } from '../base/random.js';
import { BOUNDARY_TOLERANCE, Geometry, thin, type Point } from './geometry.js';
import { halton, type Sampling } from './sequences.js';

/** The probe's step, relative to the size: well above the boundary tolerance, well below any feature meant to be resolved. */
const PROBE = 1e-7;

/** How many points of its bounding box must show a set operation's result has an inside. */
const EMPTY_PROBES = 4096;

type Operation = 'union' | 'intersection' | 'difference';

/** a ∪ b, a ∩ b or a − b. */
export class SetOperation extends Geometry {
  constructor(
    readonly operation: Operation,
    readonly a: Geometry,
    readonly b: Geometry,
  ) {
    if (!(a instanceof Geometry) || !(b instanceof Geometry))
      throw new JetfitError(`${operation}: expected geometries, got ${describe(a)} and ${describe(b)}`);
    if (a.dim !== b.dim) throw new JetfitError(`${operation}: the geometries have ${a.dim} and ${b.dim} dimensions`);
    const [al, ah] = a.bbox,
      [bl, bh] = b.bbox;
    const box: [Point, Point] =
      operation === 'union'
        ? [al.map((v, k) => Math.min(v, bl[k]!)), ah.map((v, k) => Math.max(v, bh[k]!))]
        : operation === 'intersection'
          ? [al.map((v, k) => Math.max(v, bl[k]!)), ah.map((v, k) => Math.min(v, bh[k]!))]
          : [al, ah];
    if (box[0].some((v, k) => !(v < box[1][k]!))) throw new JetfitError(`${operation}: the result is empty`);
    super(a.dim, box);
    if (operation !== 'union' && !this.hasInside()) {
      throw new JetfitError(
        `${operation}: the result is empty (none of ${EMPTY_PROBES} points spread over its bounding box lies inside; ` +
          'a region thinner than that is not sampled reliably either)',
      );
    }
  }

  /** Whether points spread evenly over the bounding box (Halton's, or a fixed lattice above 16 dimensions) find an inside. */
  private hasInside(): boolean {
    const [lo, hi] = this.bbox;
    const d = this.dim;
    const us =
      d <= 16
        ? halton(EMPTY_PROBES, d)
        : Array.from({ length: EMPTY_PROBES }, (_, i) =>
            Array.from({ length: d }, (__, k) => ((i + 0.5) * (0.5 + k * 0.6180339887498949)) % 1),
          );
    for (const u of us) if (this.signedDistance(u.map((v, k) => lo[k]! + v * (hi[k]! - lo[k]!))) < 0) return true;
    return false;
  }

  /** On the zero set, and with outside a short step along the normal and inside a short step against it. */
  protected override isOnBoundary(x: Point): boolean {
    const size = this.size;
    if (Math.abs(this.signedDistance(x)) > BOUNDARY_TOLERANCE * size) return false;
    const n = this.normalAt(x);
    if (!n.every(Number.isFinite)) return false;
    const h = PROBE * size;
    return this.signedDistance(x.map((v, k) => v + h * n[k]!)) > 0 && this.signedDistance(x.map((v, k) => v - h * n[k]!)) < 0;
  }

  signedDistance(x: Point): number {
    const da = this.a.signedDistance(x),
      db = this.b.signedDistance(x);
    if (this.operation === 'union') return Math.min(da, db);
    if (this.operation === 'intersection') return Math.max(da, db);
    return Math.max(da, -db);
  }

  /** The normal of the part whose boundary the point is on (reversed for the part removed by a difference). */
  normalAt(x: Point): Point {
    const da = this.a.signedDistance(x),
      db = this.b.signedDistance(x);
    if (this.operation === 'union') return da <= db ? this.a.normalAt(x) : this.b.normalAt(x);
    if (this.operation === 'intersection') return da >= db ? this.a.normalAt(x) : this.b.normalAt(x);
    return da >= -db ? this.a.normalAt(x) : this.b.normalAt(x).map((v) => -v);
  }

  get boundaryMeasure(): number {
    return this.a.boundaryMeasure + this.b.boundaryMeasure;
  }

  protected boundaryPoints(n: number, method: Sampling, random: Random): Point[] {
    if (n === 0) return [];
    const wa = this.a.boundaryMeasure,
      wb = this.b.boundaryMeasure;
    for (let m = 2 * n, round = 0; round < 20; m *= 2, round++) {
      const ma = Math.ceil((m * wa) / (wa + wb)),
        mb = Math.ceil((m * wb) / (wa + wb));
      const seed = { method, seed: random.int(2 ** 31) };
      const kept = [...this.a.sampleBoundary(ma, seed), ...this.b.sampleBoundary(mb, seed)].filter((x) => this.onBoundary(x));
      if (kept.length >= n) return thin(kept, n);
    }
    throw new JetfitError(`sampleBoundary: the ${this.operation}'s boundary is too small a part of its parts' boundaries to sample`);
  }
}

/** The first geometry of a list, or an error naming the operation. */
function firstOf(operation: Operation, first: unknown, count: number): Geometry {
  if (count === 0) throw new JetfitError(`${operation}(...geometries): expected at least one geometry, got none`);
  if (!(first instanceof Geometry))
    throw new JetfitError(`${operation}(...geometries): geometry 0: expected a geometry, got ${describe(first)}`);
  return first;
}

/** The union of geometries (at least one). */
export function union(...geometries: [Geometry, ...Geometry[]]): Geometry {
  const [first, ...rest] = geometries;
  return rest.reduce((acc, g) => new SetOperation('union', acc, g), firstOf('union', first, geometries.length));
}

/** The intersection of geometries (at least one). */
export function intersection(...geometries: [Geometry, ...Geometry[]]): Geometry {
  const [first, ...rest] = geometries;
  return rest.reduce((acc, g) => new SetOperation('intersection', acc, g), firstOf('intersection', first, geometries.length));
}

/** a without b. */
export function difference(a: Geometry, b: Geometry): Geometry {
  return new SetOperation('difference', a, b);
}
