// Simple polygons in the plane (either orientation, convex or not; an L-shaped domain is
// one): the exact signed distance (nearest edge, sign by the even-odd rule), edge normals
// (their normalized sum at a vertex), and boundary points spread by arc length.
import { show } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { Random } from '../base/random.js';
import { BOUNDARY_TOLERANCE, Geometry, type Point } from './geometry.js';
import { unitCube, type Sampling } from './sequences.js';

/** The orientation of c against the line a→b: > 0 to the left (in units of s², so that huge coordinates do not overflow). */
function orient(a: Point, b: Point, c: Point, s: number): number {
  return ((b[0]! - a[0]!) / s) * ((c[1]! - a[1]!) / s) - ((b[1]! - a[1]!) / s) * ((c[0]! - a[0]!) / s);
}

/** The distance from p to the segment a–b. */
function toSegment(p: Point, a: Point, b: Point): number {
  const ex = b[0]! - a[0]!,
    ey = b[1]! - a[1]!;
  const l = Math.hypot(ex, ey);
  // the projection through the unit direction: no square of a coordinate, so no overflow near float64's range
  const t = Math.min(1, Math.max(0, ((p[0]! - a[0]!) * (ex / l) + (p[1]! - a[1]!) * (ey / l)) / l));
  return Math.hypot(p[0]! - a[0]! - t * ex, p[1]! - a[1]! - t * ey);
}

/**
 * Refuses a polygon that is not simple: two edges that cross or touch away from the vertex
 * they share (a pentagram, a figure eight, a vertex on another edge), or two consecutive
 * edges that fold back along each other (a zero-width spike). Either would give the even-odd
 * sign and the edge normals a meaning other than inside and outward. O(n²) in the vertices.
 */
function checkSimple(v: readonly Point[], size: number): void {
  const n = v.length,
    tol = 1e-12 * size;
  const edge = (i: number): [Point, Point] => [v[i]!, v[(i + 1) % n]!];
  for (let i = 0; i < n; i++) {
    const [a, b] = edge(i),
      [, c] = edge((i + 1) % n);
    // consecutive edges a→b, b→c meet at b only, unless one end lies on the other edge
    if (toSegment(a, b, c) <= tol || toSegment(c, a, b) <= tol) {
      throw new JetfitError(
        `Polygon(vertices): edges ${i} and ${(i + 1) % n} fold back on each other at vertex ${(i + 1) % n} = [${b.join(', ')}] (a zero-width spike); remove the vertex`,
      );
    }
  }
  for (let i = 0; i < n; i++) {
    const [a, b] = edge(i);
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // they share vertex 0
      const [c, d] = edge(j);
      const o1 = orient(a, b, c, size),
        o2 = orient(a, b, d, size),
        o3 = orient(c, d, a, size),
        o4 = orient(c, d, b, size);
      const crosses = o1 * o2 < 0 && o3 * o4 < 0;
      const touches = toSegment(c, a, b) <= tol || toSegment(d, a, b) <= tol || toSegment(a, c, d) <= tol || toSegment(b, c, d) <= tol;
      if (crosses || touches) {
        throw new JetfitError(
          `Polygon(vertices): edges ${i} ([${a.join(', ')}] to [${b.join(', ')}]) and ${j} ([${c.join(', ')}] to [${d.join(', ')}]) ` +
            `${crosses ? 'cross' : 'touch'}; a polygon must be simple (its edges meet only at the vertices they share)`,
        );
      }
    }
  }
}

/** The simple polygon through the given vertices (in order; the last joins the first; edges may not cross). */
export class Polygon extends Geometry {
  private readonly v: readonly Point[];
  /** +1 when the vertices run counter-clockwise */
  private readonly orientation: number;
  private readonly lengths: number[];
  private readonly perimeter: number;

  constructor(vertices: readonly (readonly [number, number])[]) {
    if (!Array.isArray(vertices) || vertices.length < 3)
      throw new JetfitError(`Polygon(vertices): expected at least 3 vertices [x, y], got ${show(vertices)}`);
    vertices.forEach((p, i) => {
      if (!Array.isArray(p) || p.length !== 2 || !p.every(Number.isFinite)) {
        throw new JetfitError(`Polygon(vertices): vertex ${i} must be [x, y] with finite coordinates, got ${show(p)}`);
      }
    });
    const xs = vertices.map((p) => p[0]),
      ys = vertices.map((p) => p[1]);
    super(2, [
      [Math.min(...xs), Math.min(...ys)],
      [Math.max(...xs), Math.max(...ys)],
    ]);
    this.v = vertices.map((p) => [p[0], p[1]]);
    this.lengths = this.v.map((a, i) => {
      const b = this.v[(i + 1) % this.v.length]!;
      return Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!);
    });
    this.lengths.forEach((l, i) => {
      if (!(l > 0)) throw new JetfitError(`Polygon(vertices): vertices ${i} and ${(i + 1) % this.v.length} coincide`);
    });
    // the area in units of the size², so that neither tiny nor huge coordinates under- or overflow
    const [c, s] = [this.bbox[0], this.size];
    let area = 0;
    for (let i = 0; i < this.v.length; i++) {
      const [a, b] = [this.v[i]!, this.v[(i + 1) % this.v.length]!];
      area += ((a[0]! - c[0]!) / s) * ((b[1]! - c[1]!) / s) - ((b[0]! - c[0]!) / s) * ((a[1]! - c[1]!) / s);
    }
    if (Math.abs(area) <= 1e-14) throw new JetfitError('Polygon(vertices): the vertices enclose no area');
    this.orientation = Math.sign(area);
    checkSimple(this.v, s);
    this.perimeter = this.lengths.reduce((s, l) => s + l, 0);
  }

  /** the vertices, in order */
  get vertices(): readonly Point[] {
    return this.v;
  }

  /** The distance to edge i and the parameter of the nearest point on it. */
  private edge(x: Point, i: number): { d: number; t: number } {
    const a = this.v[i]!,
      b = this.v[(i + 1) % this.v.length]!;
    const ex = b[0]! - a[0]!,
      ey = b[1]! - a[1]!;
    const l = this.lengths[i]!;
    const t = Math.min(1, Math.max(0, ((x[0]! - a[0]!) * (ex / l) + (x[1]! - a[1]!) * (ey / l)) / l));
    return { d: Math.hypot(x[0]! - a[0]! - t * ex, x[1]! - a[1]! - t * ey), t };
  }

  signedDistance(x: Point): number {
    let d = Infinity,
      inside = false;
    const n = this.v.length;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      d = Math.min(d, this.edge(x, j).d);
      const [a, b] = [this.v[i]!, this.v[j]!];
      if (a[1]! > x[1]! !== b[1]! > x[1]! && x[0]! < (b[0]! - a[0]!) * ((x[1]! - a[1]!) / (b[1]! - a[1]!)) + a[0]!) inside = !inside;
    }
    return inside ? -d : d;
  }

  /** The outward normal of the nearest edge; at a vertex, the normalized sum of both edges' normals. */
  normalAt(x: Point): Point {
    const tol = BOUNDARY_TOLERANCE * this.size;
    let nx = 0,
      ny = 0;
    for (let i = 0; i < this.v.length; i++) {
      if (this.edge(x, i).d > tol) continue;
      const a = this.v[i]!,
        b = this.v[(i + 1) % this.v.length]!;
      const l = this.lengths[i]!;
      nx += (this.orientation * (b[1]! - a[1]!)) / l;
      ny += (-this.orientation * (b[0]! - a[0]!)) / l;
    }
    const len = Math.hypot(nx, ny);
    return [nx / len, ny / len];
  }

  get boundaryMeasure(): number {
    return this.perimeter;
  }

  protected boundaryPoints(n: number, method: Sampling, random: Random): Point[] {
    const s = method === 'grid' ? Array.from({ length: n }, (_, i) => (i + 0.5) / n) : unitCube(method, n, 1, random).map((u) => u[0]!);
    return s.map((u) => {
      let left = u * this.perimeter,
        i = 0;
      while (i < this.lengths.length - 1 && left > this.lengths[i]!) left -= this.lengths[i++]!;
      const a = this.v[i]!,
        b = this.v[(i + 1) % this.v.length]!,
        t = Math.min(1, left / this.lengths[i]!);
      return [a[0]! + t * (b[0]! - a[0]!), a[1]! + t * (b[1]! - a[1]!)];
    });
  }
}
