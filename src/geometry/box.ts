// Boxes in any dimension (an interval in 1-D, a rectangle in 2-D, a cuboid in 3-D): the
// exact signed distance, face normals, and boundary points shared among the faces in
// proportion to their areas.
import { show } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { Random } from '../base/random.js';
import { BOUNDARY_TOLERANCE, Geometry, grid, type Point } from './geometry.js';
import { unitCube, type Sampling } from './sequences.js';

/** The axis-aligned box [lower, upper] (coordinate by coordinate). */
export class Box extends Geometry {
  private readonly centre: Point;
  private readonly half: Point;

  constructor(lower: readonly number[], upper: readonly number[]) {
    if (!Array.isArray(lower) || !Array.isArray(upper) || lower.length === 0 || lower.length !== upper.length) {
      throw new JetfitError(
        `Box(lower, upper): expected two corners with the same number of coordinates (≥ 1), got ${show(lower)} and ${show(upper)}`,
      );
    }
    lower.forEach((v, k) => {
      if (!(Number.isFinite(v) && Number.isFinite(upper[k]!) && v < upper[k]!)) {
        throw new JetfitError(`Box(lower, upper): coordinate ${k} needs finite lower < upper, got ${v} and ${upper[k]}`);
      }
    });
    super(lower.length, [[...lower], [...upper]]);
    this.centre = lower.map((v, k) => (v + upper[k]!) / 2);
    this.half = lower.map((v, k) => (upper[k]! - v) / 2);
  }

  signedDistance(x: Point): number {
    let outside = 0,
      inside = -Infinity;
    for (let k = 0; k < this.dim; k++) {
      const q = Math.abs(x[k]! - this.centre[k]!) - this.half[k]!;
      if (q > 0) outside += q * q;
      inside = Math.max(inside, q);
    }
    return outside > 0 ? Math.sqrt(outside) : inside;
  }

  /** The normal of the face the point is on; at an edge or corner, the normalized sum of its faces' normals. */
  normalAt(x: Point): Point {
    const tol = BOUNDARY_TOLERANCE * this.size;
    const n = x.map((v, k) => {
      const q = Math.abs(v - this.centre[k]!) - this.half[k]!;
      return Math.abs(q) <= tol ? Math.sign(v - this.centre[k]!) : 0;
    });
    const len = Math.hypot(...n);
    return n.map((v) => v / len);
  }

  /** the area of face k (of either of the pair) */
  private face(k: number): number {
    let a = 1;
    for (let j = 0; j < this.dim; j++) if (j !== k) a *= 2 * this.half[j]!;
    return a;
  }

  get boundaryMeasure(): number {
    let m = 0;
    for (let k = 0; k < this.dim; k++) m += 2 * this.face(k);
    return m;
  }

  protected boundaryPoints(n: number, method: Sampling, random: Random): Point[] {
    const [lo, hi] = this.bbox;
    // 2·dim faces, points shared by area (largest remainders)
    const areas = Array.from({ length: 2 * this.dim }, (_, f) => this.face(f >> 1));
    const counts = share(n, areas);
    const out: Point[] = [];
    counts.forEach((m, f) => {
      const k = f >> 1,
        side = f & 1 ? hi[k]! : lo[k]!;
      const others = this.dim - 1;
      const us = others === 0 ? Array.from({ length: m }, () => []) : faceSequence(method, m, others, random);
      for (const u of us) {
        const x: Point = [];
        let j = 0;
        for (let c = 0; c < this.dim; c++) x.push(c === k ? side : lo[c]! + u[j++]! * (hi[c]! - lo[c]!));
        out.push(x);
      }
    });
    return out;
  }
}

/** m points of [0, 1]^d for a face: an even grid of cell centres for 'grid', else the sequence. */
function faceSequence(method: Sampling, m: number, d: number, random: Random): number[][] {
  if (method !== 'grid') return unitCube(method, m, d, random);
  const per = Math.max(1, Math.ceil(m ** (1 / d)));
  const cells = grid(per + 1, d)
    .filter((p) => p.every((v) => v < 1))
    .map((p) => p.map((v) => v + 0.5 / per));
  return Array.from({ length: m }, (_, i) => cells[Math.floor((i * cells.length) / m)]!);
}

/** n split in proportion to weights (largest remainders; ties to the first). */
export function share(n: number, weights: readonly number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (n * w) / total);
  const counts = exact.map(Math.floor);
  let left = n - counts.reduce((s, c) => s + c, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    counts[i]!++;
  }
  return counts;
}

/** The interval [a, b]. */
export class Interval extends Box {
  constructor(a: number, b: number) {
    super([a], [b]);
  }
}

/** The rectangle [x0, x1] × [y0, y1] from its lower-left and upper-right corners. */
export class Rectangle extends Box {
  constructor(lower: readonly [number, number], upper: readonly [number, number]) {
    if (lower?.length !== 2 || upper?.length !== 2) throw new JetfitError('Rectangle(lower, upper): expected two corners [x, y]');
    super(lower, upper);
  }
}
