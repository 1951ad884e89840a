// Union, intersection and difference of geometries (constructive solid geometry) through
// their signed distances: min, max, and max(a, −b). The result is exact on the boundary
// (its zero set) and a bound elsewhere. Boundary points are drawn from the parts in
// proportion to their boundary measures and kept where they lie on the result's boundary.
import { JetfitError } from '../base/errors.js';
import type { Random } from '../base/random.js';
import { Geometry, thin, type Point } from './geometry.js';
import type { Sampling } from './sequences.js';

type Operation = 'union' | 'intersection' | 'difference';

/** a ∪ b, a ∩ b or a − b. */
export class SetOperation extends Geometry {
  constructor(
    readonly operation: Operation,
    readonly a: Geometry,
    readonly b: Geometry,
  ) {
    if (!(a instanceof Geometry) || !(b instanceof Geometry)) throw new JetfitError(`${operation}: expected two geometries`);
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

/** The union of geometries. */
export function union(first: Geometry, ...rest: Geometry[]): Geometry {
  return rest.reduce((acc, g) => new SetOperation('union', acc, g), first);
}

/** The intersection of geometries. */
export function intersection(first: Geometry, ...rest: Geometry[]): Geometry {
  return rest.reduce((acc, g) => new SetOperation('intersection', acc, g), first);
}

/** a without b. */
export function difference(a: Geometry, b: Geometry): Geometry {
  return new SetOperation('difference', a, b);
}
