// Balls in any dimension (a disk in 2-D, a sphere's inside in 3-D): the exact signed
// distance, radial normals, and boundary points by angle (2-D), by an area-preserving map
// (3-D; the Fibonacci lattice for 'grid') or by normalized Gaussian directions (any
// dimension, 'uniform' only).
import { show } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { Random } from '../base/random.js';
import { Geometry, type Point } from './geometry.js';
import { unitCube, type Sampling } from './sequences.js';

/** The ball of radius r around centre. */
export class Ball extends Geometry {
  constructor(
    readonly centre: readonly number[],
    readonly radius: number,
  ) {
    if (!Array.isArray(centre) || centre.length === 0 || !centre.every(Number.isFinite)) {
      throw new JetfitError(`Ball(centre, radius): expected a centre of finite coordinates, got ${show(centre)}`);
    }
    if (!(radius > 0 && Number.isFinite(radius))) throw new JetfitError(`Ball(centre, radius): expected a radius > 0, got ${radius}`);
    super(centre.length, [centre.map((c) => c - radius), centre.map((c) => c + radius)]);
  }

  signedDistance(x: Point): number {
    return Math.hypot(...x.map((v, k) => v - this.centre[k]!)) - this.radius;
  }

  normalAt(x: Point): Point {
    const d = x.map((v, k) => v - this.centre[k]!);
    const len = Math.hypot(...d);
    return d.map((v) => v / len);
  }

  get boundaryMeasure(): number {
    const d = this.dim;
    // surface of the unit (d−1)-sphere, 2π^(d/2)/Γ(d/2), times r^(d−1)
    return ((2 * Math.PI ** (d / 2)) / gammaHalf(d)) * this.radius ** (d - 1);
  }

  protected boundaryPoints(n: number, method: Sampling, random: Random): Point[] {
    const d = this.dim,
      r = this.radius,
      c = this.centre;
    const at = (dir: number[]): Point => dir.map((v, k) => c[k]! + r * v);
    if (d === 1) return Array.from({ length: n }, (_, i) => at([i % 2 ? 1 : -1]));
    if (d === 2) {
      const us = method === 'grid' ? Array.from({ length: n }, (_, i) => [i / n]) : unitCube(method, n, 1, random);
      return us.map(([u]) => at([Math.cos(2 * Math.PI * u!), Math.sin(2 * Math.PI * u!)]));
    }
    if (d === 3 && method === 'grid') {
      // the Fibonacci lattice: even in area, deterministic
      const golden = Math.PI * (3 - Math.sqrt(5));
      return Array.from({ length: n }, (_, i) => {
        const z = 1 - (2 * i + 1) / n,
          s = Math.sqrt(Math.max(0, 1 - z * z));
        return at([s * Math.cos(golden * i), s * Math.sin(golden * i), z]);
      });
    }
    if (d === 3) {
      return unitCube(method as Exclude<Sampling, 'grid'>, n, 2, random).map(([u, v]) => {
        const z = 1 - 2 * u!,
          s = Math.sqrt(Math.max(0, 1 - z * z)),
          phi = 2 * Math.PI * v!;
        return at([s * Math.cos(phi), s * Math.sin(phi), z]);
      });
    }
    if (method !== 'uniform') {
      throw new JetfitError(`sampleBoundary: a ball in ${d} dimensions is sampled with 'uniform' only`);
    }
    return Array.from({ length: n }, () => {
      const g = Array.from({ length: d }, () => random.normal());
      const len = Math.hypot(...g);
      return at(g.map((v) => v / len));
    });
  }
}

/** Γ(d/2) for a whole number d ≥ 1. */
function gammaHalf(d: number): number {
  let g = d % 2 === 0 ? 1 : Math.sqrt(Math.PI);
  for (let k = d % 2 === 0 ? 1 : 0.5; k < d / 2; k++) g *= k;
  return g;
}

/** The disk of radius r around [x, y]. */
export class Disk extends Ball {
  constructor(centre: readonly [number, number], radius: number) {
    if (centre?.length !== 2) throw new JetfitError('Disk(centre, radius): expected a centre [x, y]');
    super(centre, radius);
  }
}
