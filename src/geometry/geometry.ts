// A geometry is a signed distance function (negative inside, zero on the boundary, positive
// outside) plus samplers of its interior and boundary. Membership, boundary tests, outward
// normals, the distance used by hard constraints, and the set operations all follow from
// the signed distance; each primitive gives its exact distance, analytic normals and its
// own boundary sampler (interval.ts, box.ts, ball.ts, polygon.ts), and the set operations
// combine them (csg.ts).
import { checkInteger, checkKeys, describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import { checkBytes, pointBytes } from '../base/limits.js';
import { generator, SAMPLINGS, unitCube, type Sampling } from './sequences.js';
import type { Random } from '../base/random.js';

/** Options of a sampling call. */
export interface SampleOptions {
  /** 'uniform' (default), 'grid', 'lhs', 'sobol', 'halton' or 'hammersley' */
  method?: Sampling;
  /** the generator's seed for 'uniform' and 'lhs' (default 0) */
  seed?: number;
}

/** A point: one coordinate per dimension. */
export type Point = number[];

/** Tolerance of boundary tests, relative to the geometry's size. */
export const BOUNDARY_TOLERANCE = 1e-10;

/** Checked sampling options. */
export function sampleOptions(n: unknown, o: SampleOptions | undefined, what: string): { n: number; method: Sampling; random: Random } {
  const count = checkInteger(n, `${what}: n`, 0);
  if (o !== undefined && (typeof o !== 'object' || o === null))
    throw new JetfitError(`${what}: options: expected { method, seed }, got ${describe(o)}`);
  const opts = o ?? {};
  checkKeys(opts, ['method', 'seed'], `${what}: options`);
  const method = opts.method ?? 'uniform';
  if (!SAMPLINGS.includes(method)) {
    throw new JetfitError(`${what}: options.method: expected ${SAMPLINGS.map((s) => `'${s}'`).join(', ')}, got ${describe(method)}`);
  }
  if (opts.seed !== undefined) checkInteger(opts.seed, `${what}: options.seed`, 0, 2 ** 32 - 1);
  return { n: count, method, random: generator(opts.seed) };
}

/** A region of R^dim. */
export abstract class Geometry {
  constructor(
    /** the number of coordinates of a point */
    readonly dim: number,
    /** the smallest box holding it: [lower corner, upper corner] */
    readonly bbox: [Point, Point],
  ) {
    // every tolerance, probe and sampler scales with the size: an extent beyond float64's
    // range would make them all Infinity or NaN, so it is refused where the shape is made
    if (!Number.isFinite(this.size) || !(this.size > 0)) {
      throw new JetfitError(
        `${this.constructor.name}: the shape's extent (${bbox[0].join(', ')} to ${bbox[1].join(', ')}) is beyond float64's range; scale the problem's coordinates`,
      );
    }
  }

  /** Signed distance to the boundary: < 0 inside, 0 on the boundary, > 0 outside (exact for primitives, a bound after set operations). */
  abstract signedDistance(x: Point): number;

  /** The outward unit normal at a boundary point. */
  abstract normalAt(x: Point): Point;

  /** n points on the boundary (each within the boundary tolerance of it). */
  protected abstract boundaryPoints(n: number, method: Sampling, random: Random): Point[];

  /** The boundary's measure (length, area, ...; the number of points of a 1-D boundary): shares points between parts. */
  abstract get boundaryMeasure(): number;

  /** A length scale: the bounding box's diagonal. */
  get size(): number {
    return Math.hypot(...this.bbox[1].map((u, k) => u - this.bbox[0][k]!));
  }

  /** Whether x is inside or on the boundary. */
  inside(x: Point): boolean {
    return this.signedDistance(this.point(x, 'inside(x)')) <= BOUNDARY_TOLERANCE * this.size;
  }

  /** Whether x is on the boundary. */
  onBoundary(x: Point): boolean {
    return this.isOnBoundary(this.point(x, 'onBoundary(x)'));
  }

  /** The boundary test of a checked point: the signed distance within the tolerance (set operations add a probe). */
  protected isOnBoundary(x: Point): boolean {
    return Math.abs(this.signedDistance(x)) <= BOUNDARY_TOLERANCE * this.size;
  }

  /** The distance from x to the boundary, ≥ 0 inside: the factor of a hard constraint that vanishes on the boundary. */
  distance(x: Point): number {
    return Math.max(0, -this.signedDistance(this.point(x, 'distance(x)')));
  }

  /** Outward unit normals at boundary points; a point off the boundary is an error naming it. */
  normals(points: readonly Point[]): Point[] {
    return points.map((x, i) => {
      this.point(x, `normals(points): points[${i}]`);
      if (!this.onBoundary(x)) {
        throw new JetfitError(
          `normals(points): points[${i}] = [${x.join(', ')}] is not on the boundary (signed distance ${this.signedDistance(x).toExponential(2)})`,
        );
      }
      const n = this.normalAt(x);
      if (!n.every(Number.isFinite))
        throw new JetfitError(
          `normals(points): points[${i}] = [${x.join(', ')}] has no outward normal (the boundary folds back on itself there)`,
        );
      return n;
    });
  }

  /** n points inside (interior and boundary alike), by the given method (uniform by default). */
  sampleInterior(n: number, options?: SampleOptions): Point[] {
    const { n: count, method, random } = sampleOptions(n, options, 'sampleInterior');
    checkBytes(pointBytes(count, this.dim), 'sampleInterior', `${count} points of ${this.dim} coordinates`);
    return this.interiorPoints(count, method, random);
  }

  /** n points on the boundary, by the given method. */
  sampleBoundary(n: number, options?: SampleOptions): Point[] {
    const { n: count, method, random } = sampleOptions(n, options, 'sampleBoundary');
    checkBytes(pointBytes(count, this.dim), 'sampleBoundary', `${count} points of ${this.dim} coordinates`);
    return this.boundaryPoints(count, method, random);
  }

  /**
   * Interior points by rejection from the bounding box: the sequence is drawn in batches
   * until n points are inside. 'grid' is an even grid over the box, refined until it has
   * at least n points inside, then thinned evenly to n.
   */
  protected interiorPoints(n: number, method: Sampling, random: Random): Point[] {
    const [lo, hi] = this.bbox;
    const map = (u: number[]): Point => u.map((v, k) => lo[k]! + v * (hi[k]! - lo[k]!));
    const keep = (x: Point): boolean => this.signedDistance(x) <= 0;
    if (method === 'grid') {
      for (let per = Math.max(2, Math.ceil(n ** (1 / this.dim))); ; per = Math.ceil(per * 1.2) + 1) {
        checkBytes(pointBytes(per ** this.dim, this.dim), "sampleInterior: method 'grid'", `a grid of ${per}^${this.dim} points`);
        const pts = grid(per, this.dim).map(map).filter(keep);
        if (pts.length >= n) return thin(pts, n);
      }
    }
    if (method === 'uniform' || method === 'lhs') {
      // each draw sized by the share of the box found inside so far, so that a thin shape
      // (a sliver of its box) costs a few large draws, not a refusal
      const out: Point[] = [];
      let drawn = 0;
      while (out.length < n) {
        if (drawn >= 1e7 && out.length === 0)
          throw new JetfitError(
            `sampleInterior: none of ${drawn} points drawn over the bounding box lies inside; the geometry covers almost none of its bounding box`,
          );
        const want = n - out.length;
        const rate = drawn === 0 ? 1 : out.length / drawn;
        const m = Math.min(rate > 0 ? Math.ceil((want / rate) * 1.25) + 16 : Math.max(1024, 8 * drawn), 1 << 18);
        checkBytes(pointBytes(m, this.dim), `sampleInterior: method '${method}'`, `${m} points drawn to keep ${want} inside`);
        for (const u of unitCube(method, m, this.dim, random)) {
          const x = map(u);
          if (keep(x)) out.push(x);
          if (out.length === n) break;
        }
        drawn += m;
      }
      return out;
    }
    if (method === 'hammersley') {
      // a set made for its size (its first coordinate is i/m), not a sequence: the
      // smallest set with n points inside, thinned evenly
      for (let m = n, round = 0; ; m = Math.ceil(m * 1.25) + 1, round++) {
        if (round > 60) throw new JetfitError('sampleInterior: the geometry covers almost none of its bounding box');
        checkBytes(pointBytes(m, this.dim), "sampleInterior: method 'hammersley'", `a set of ${m} points to keep ${n} inside`);
        const inside = unitCube(method, m, this.dim, random).map(map).filter(keep);
        if (inside.length >= n) return thin(inside, n);
      }
    }
    // a sequence (Sobol, Halton): its first n points inside
    for (let m = Math.max(16, 2 * n), round = 0; ; m *= 2, round++) {
      if (round > 20) throw new JetfitError('sampleInterior: the geometry covers almost none of its bounding box');
      checkBytes(pointBytes(m, this.dim), `sampleInterior: method '${method}'`, `${m} points of the sequence to keep ${n} inside`);
      const out: Point[] = [];
      for (const u of unitCube(method, m, this.dim, random)) {
        const x = map(u);
        if (keep(x)) out.push(x);
        if (out.length === n) return out;
      }
    }
  }

  /** Checks a point's shape and values. */
  protected point(x: unknown, what: string): Point {
    if (!Array.isArray(x) || x.length !== this.dim || !x.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new JetfitError(`${what}: expected ${this.dim} finite coordinates, got ${describe(x)}`);
    }
    return x as Point;
  }
}

/** An even grid of per^d points on [0, 1]^d, cell centres for per ≥ 2 along each axis. */
export function grid(per: number, d: number): number[][] {
  const axis = Array.from({ length: per }, (_, i) => i / (per - 1));
  let out: number[][] = [[]];
  for (let k = 0; k < d; k++) out = out.flatMap((p) => axis.map((v) => [...p, v]));
  return out;
}

/** n of the points, evenly spaced through the list. */
export function thin<T>(pts: T[], n: number): T[] {
  if (pts.length <= n) return pts;
  return Array.from({ length: n }, (_, i) => pts[Math.floor((i * pts.length) / n)]!);
}
