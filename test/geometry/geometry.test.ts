// Geometries and their samplers: low-discrepancy sequences against published first terms;
// for every kind of geometry, interior points inside, boundary points on the boundary to
// 1e-12, normals unit and outward (against finite differences of the signed distance),
// samples reproducible from the seed; bad input refused by name.
import { describe, expect, it } from 'vitest';
import { GEOMETRIES, L } from './shapes.js';
import {
  Disk,
  type Geometry,
  halton,
  hammersley,
  intersection,
  Interval,
  Polygon,
  Rectangle,
  type Sampling,
  sobol,
  SpaceTime,
  union,
} from '../../dist/index.js';

describe('sequences', () => {
  it('Sobol: the first points in two dimensions (Joe & Kuo, unscrambled)', () => {
    expect(sobol(8, 2)).toEqual([
      [0, 0],
      [0.5, 0.5],
      [0.75, 0.25],
      [0.25, 0.75],
      [0.375, 0.375],
      [0.875, 0.875],
      [0.625, 0.125],
      [0.125, 0.625],
    ]);
    // dimension 3 starts 0, 0.5, 0.25, 0.75 (direction numbers 1, 3)
    expect(sobol(4, 3).map((p) => p[2])).toEqual([0, 0.5, 0.25, 0.75]);
  });
  it('Halton (bases 2 and 3, from index 1) and Hammersley', () => {
    const h = halton(5, 2);
    const want = [
      [1 / 2, 1 / 3],
      [1 / 4, 2 / 3],
      [3 / 4, 1 / 9],
      [1 / 8, 4 / 9],
      [5 / 8, 7 / 9],
    ];
    h.forEach((p, i) => {
      expect(p[0]).toBeCloseTo(want[i]![0]!, 15);
      expect(p[1]).toBeCloseTo(want[i]![1]!, 15);
    });
    expect(hammersley(4, 2)).toEqual([
      [0, 0],
      [0.25, 0.5],
      [0.5, 0.25],
      [0.75, 0.75],
    ]);
  });
});

const METHODS: Sampling[] = ['uniform', 'grid', 'lhs', 'sobol', 'halton', 'hammersley'];

/** The gradient of the signed distance by central differences. */
function gradient(g: Geometry, x: number[], h = 1e-6): number[] {
  return x.map((_, k) => {
    const a = [...x],
      b = [...x];
    a[k]! += h;
    b[k]! -= h;
    return (g.signedDistance(a) - g.signedDistance(b)) / (2 * h);
  });
}

for (const [name, g] of GEOMETRIES) {
  describe(name, () => {
    for (const method of METHODS) {
      it(`${method}: interior points inside, boundary points on the boundary, normals unit and outward`, () => {
        if (method !== 'uniform' && g.dim > 3 && name.includes('ball')) return;
        const inner = g.sampleInterior(50, { method, seed: 3 });
        expect(inner.length).toBe(50);
        for (const x of inner) expect(g.inside(x)).toBe(true);
        const outer = g.sampleBoundary(40, { method, seed: 3 });
        expect(outer.length).toBe(40);
        const tol = 1e-12 * Math.max(1, g.size);
        let compared = 0;
        const normals = g.normals(outer);
        outer.forEach((x, i) => {
          expect(Math.abs(g.signedDistance(x))).toBeLessThanOrEqual(tol);
          const n = normals[i]!;
          expect(Math.abs(Math.hypot(...n) - 1)).toBeLessThan(1e-12);
          // outward: the gradient of the signed distance, wherever it has one (not at corners)
          const fd = gradient(g, x);
          if (Math.abs(Math.hypot(...fd) - 1) < 1e-4) {
            for (const [k, v] of n.entries()) expect(Math.abs(v - fd[k]!)).toBeLessThan(1e-4);
            compared++;
          }
        });
        // corners and edges (where the distance has no gradient) are rare
        expect(compared).toBeGreaterThanOrEqual(method === 'grid' ? 20 : 30);
      });
    }
    it('reproducible from the seed', () => {
      expect(g.sampleInterior(20, { seed: 9 })).toEqual(g.sampleInterior(20, { seed: 9 }));
      expect(g.sampleInterior(20, { seed: 9 })).not.toEqual(g.sampleInterior(20, { seed: 10 }));
      expect(g.sampleBoundary(20, { method: 'lhs', seed: 9 })).toEqual(g.sampleBoundary(20, { method: 'lhs', seed: 9 }));
    });
  });
}

describe('coverage', () => {
  for (const method of METHODS) {
    it(`${method}: interior points of a rectangle fall in each of its quarters (not a prefix of a set ordered along x)`, () => {
      const r = new Rectangle([0, 0], [2, 1]);
      const pts = r.sampleInterior(200, { method, seed: 4 });
      for (const [qx, qy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ]) {
        const n = pts.filter(([x, y]) => Math.floor(x! / 1) === qx && Math.floor(y! / 0.5) === qy).length;
        expect(n).toBeGreaterThan(30);
      }
      const disk = new Disk([0, 0], 1).sampleInterior(200, { method, seed: 4 });
      expect(disk.filter(([x]) => x! > 0).length).toBeGreaterThan(70);
      expect(disk.filter(([x]) => x! < 0).length).toBeGreaterThan(70);
    });
  }
});

describe('distances and membership', () => {
  it('the L-shaped domain: the re-entrant corner, distances, outside points', () => {
    expect(L.inside([0.5, 1.5])).toBe(true);
    expect(L.inside([1.5, 1.5])).toBe(false);
    expect(L.onBoundary([1, 1])).toBe(true);
    expect(L.distance([0.5, 0.5])).toBeCloseTo(0.5, 15);
    expect(L.distance([1.5, 1.5])).toBe(0);
    expect(L.signedDistance([1.5, 1.5])).toBeCloseTo(0.5, 15);
    expect(L.normals([[1.5, 1]])).toEqual([[0, 1]]);
  });
  it('space × time: initial points at t0, lateral normals with no time part', () => {
    const g = new SpaceTime(new Interval(-1, 1), 0, 1);
    for (const p of g.sampleInitial(10, { seed: 1 })) {
      expect(p[1]).toBe(0);
      expect(Math.abs(p[0]!)).toBeLessThanOrEqual(1);
    }
    const b = g.sampleBoundary(6, { method: 'grid' });
    expect(g.normals(b).map((n) => n[1])).toEqual(new Array(6).fill(0));
    expect(b.every((p) => Math.abs(p[0]!) === 1)).toBe(true);
  });
});

describe('bad input', () => {
  it('is refused by name', () => {
    expect(() => new Rectangle([0, 0], [0, 1])).toThrow(/coordinate 0 needs finite lower < upper, got 0 and 0/);
    expect(() => new Disk([0, 0], -1)).toThrow(/radius > 0, got -1/);
    expect(
      () =>
        new Polygon([
          [0, 0],
          [1, 1],
        ]),
    ).toThrow(/at least 3 vertices/);
    expect(
      () =>
        new Polygon([
          [0, 0],
          [1, 1],
          [2, 2],
        ]),
    ).toThrow(/enclose no area/);
    expect(() => union(new Interval(0, 1), new Disk([0, 0], 1))).toThrow(/union: the geometries have 1 and 2 dimensions/);
    expect(() => intersection(new Interval(0, 1), new Interval(2, 3))).toThrow(/intersection: the result is empty/);
    const sq = new Rectangle([0, 0], [1, 1]);
    expect(() => sq.normals([[0.5, 0.5]])).toThrow(/normals\(points\): points\[0\] = \[0.5, 0.5\] is not on the boundary/);
    expect(() => sq.normals([[0.5]])).toThrow(/points\[0\]: expected 2 finite coordinates/);
    expect(() => sq.sampleInterior(10, { method: 'random' as Sampling })).toThrow(/options\.method: expected 'uniform', 'grid'/);
    expect(() => sq.sampleInterior(10, { metod: 'grid' } as never)).toThrow(/unknown option "metod".*did you mean "method"/);
    expect(() => sq.sampleBoundary(-1)).toThrow(/sampleBoundary: n: expected a whole number ≥ 0, got -1/);
    expect(() => sq.inside([Number.NaN, 0])).toThrow(/inside\(x\): expected 2 finite coordinates/);
  });
});
