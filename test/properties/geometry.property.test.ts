// Property-based tests of the geometry: random shapes (boxes, balls, simple polygons, and set
// operations of two of them) and random broken ones. A shape is either refused with a
// JetfitError or answers correctly: interior samples are inside, boundary samples are on
// the boundary, normals there are unit and outward (a short step along one leaves the
// region, one against it enters), and a set operation agrees with its parts at points away
// from their boundaries.
import { fc, it } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { Box, Disk, difference, intersection, Polygon, Rectangle, union, type Geometry, type Sampling } from '../../dist/index.js';
import { attempt, runs } from './model.js';

type Shape =
  | { kind: 'box'; lo: number[]; hi: number[] }
  | { kind: 'disk'; c: number[]; r: number }
  | { kind: 'polygon'; v: [number, number][] };

/** A star-shaped polygon around a centre: angles sorted, radii random, so it is simple. */
const starPolygon = fc
  .record({
    cx: fc.double({ min: -1, max: 1, noNaN: true }),
    cy: fc.double({ min: -1, max: 1, noNaN: true }),
    radii: fc.array(fc.double({ min: 0.2, max: 1.5, noNaN: true }), { minLength: 3, maxLength: 12 }),
    jitter: fc.array(fc.double({ min: 0.1, max: 0.9, noNaN: true }), { minLength: 12, maxLength: 12 }),
  })
  .map(({ cx, cy, radii, jitter }): Shape => {
    const n = radii.length;
    return {
      kind: 'polygon',
      v: radii.map((r, k) => {
        const a = ((k + jitter[k]!) / n) * 2 * Math.PI;
        return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
      }),
    };
  });

const box = fc
  .record({
    lo: fc.tuple(fc.double({ min: -2, max: 0.5, noNaN: true }), fc.double({ min: -2, max: 0.5, noNaN: true })),
    size: fc.tuple(fc.double({ min: 0.1, max: 2, noNaN: true }), fc.double({ min: 0.1, max: 2, noNaN: true })),
  })
  .map(({ lo, size }): Shape => ({ kind: 'box', lo: [...lo], hi: [lo[0] + size[0], lo[1] + size[1]] }));

const disk = fc
  .record({
    c: fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })),
    r: fc.double({ min: 0.1, max: 1.5, noNaN: true }),
  })
  .map(({ c, r }): Shape => ({ kind: 'disk', c: [...c], r }));

const shape = fc.oneof(box, disk, starPolygon);

/** A shape broken the ways users break them: vertices swapped (perhaps crossing), repeated, NaN, huge. */
const broken = fc.oneof(
  fc.tuple(starPolygon, fc.nat(11), fc.nat(11)).map(([s, i, j]) => {
    const v = [...(s as { v: [number, number][] }).v];
    const a = i % v.length,
      b = j % v.length;
    [v[a], v[b]] = [v[b]!, v[a]!];
    return { kind: 'polygon', v } as Shape;
  }),
  fc.tuple(starPolygon, fc.nat(11)).map(([s, i]) => {
    const v = [...(s as { v: [number, number][] }).v];
    const k = i % v.length;
    v.splice(k + 1, 0, v[k]!, [v[k]![0] + 0.5, v[k]![1]], v[k]!);
    return { kind: 'polygon', v } as Shape;
  }),
  fc.constantFrom<Shape>(
    { kind: 'box', lo: [0, 0], hi: [Number.NaN, 1] },
    { kind: 'box', lo: [-1e308, 0], hi: [1e308, 1] },
    { kind: 'disk', c: [0, 0], r: 0 },
    { kind: 'disk', c: [0, 0], r: 1e308 },
    {
      kind: 'polygon',
      v: [
        [0, 0],
        [1, 1],
        [2, 0],
        [2, 2],
        [1, 1],
        [0, 2],
      ],
    },
    {
      kind: 'polygon',
      v: [
        [0, 0],
        [1, 0],
        [2, 0],
      ],
    },
  ),
);

function make(s: Shape): Geometry {
  if (s.kind === 'box') return new Box(s.lo, s.hi);
  if (s.kind === 'disk') return new Disk(s.c as [number, number], s.r);
  return new Polygon(s.v);
}

const operation = fc.constantFrom('union', 'intersection', 'difference') as fc.Arbitrary<'union' | 'intersection' | 'difference'>;
const method = fc.constantFrom<Sampling>('uniform', 'grid', 'lhs', 'sobol', 'halton', 'hammersley');

/** Every property a shape must have, on its own samples. */
function wellBehaved(g: Geometry, m: Sampling, seed: number): void {
  const tol = 1e-9 * g.size;
  for (const x of g.sampleInterior(40, { method: m, seed })) expect(g.signedDistance(x)).toBeLessThanOrEqual(tol);
  const boundary = g.sampleBoundary(40, { method: m, seed });
  expect(boundary).toHaveLength(40);
  const normals = g.normals(boundary);
  const h = 1e-6 * g.size;
  boundary.forEach((x, i) => {
    expect(g.onBoundary(x)).toBe(true);
    const n = normals[i]!;
    expect(Math.abs(Math.hypot(...n) - 1)).toBeLessThan(1e-12);
    // outward: by finite differences of the signed distance along the normal
    const out = g.signedDistance(x.map((v, k) => v + h * n[k]!)),
      inn = g.signedDistance(x.map((v, k) => v - h * n[k]!));
    expect(out).toBeGreaterThan(0);
    expect(inn).toBeLessThan(0);
  });
}

describe('geometry properties', () => {
  it.prop([shape, method, fc.nat(1000)], { numRuns: runs(60) })(
    'a primitive: samples inside and on the boundary, normals unit and outward',
    (s, m, seed) => {
      wellBehaved(make(s), m, seed);
    },
  );

  it.prop([shape, shape, operation, method, fc.nat(1000)], { numRuns: runs(60) })(
    'a set operation is refused (empty) or well behaved, and agrees with its parts away from their boundaries',
    (s1, s2, op, m, seed) => {
      const a = make(s1),
        b = make(s2);
      const r = attempt(() => (op === 'union' ? union(a, b) : op === 'intersection' ? intersection(a, b) : difference(a, b)));
      if (!r.ok) {
        expect(r.error.message).toMatch(new RegExp(`^${op}: the result is empty`));
        return;
      }
      const g = r.value;
      const sample = attempt(() => wellBehaved(g, m, seed));
      // a thin part may be too small a share of its parts' boundaries to sample: refused by name
      if (!sample.ok) expect(sample.error.message).toMatch(/too small a part|covers almost none/);
      const [lo, hi] = g.bbox;
      const gap = 1e-6 * g.size;
      for (let i = 0; i < 200; i++) {
        const x = lo.map((l, k) => l + ((i * (0.618034 + 0.3 * k) + 0.5 * k) % 1) * (hi[k]! - l));
        const da = a.signedDistance(x),
          db = b.signedDistance(x);
        if (Math.abs(da) < gap || Math.abs(db) < gap) continue;
        const want = op === 'union' ? da < 0 || db < 0 : op === 'intersection' ? da < 0 && db < 0 : da < 0 && db > 0;
        expect(g.signedDistance(x) < 0).toBe(want);
      }
    },
  );

  it.prop([broken, method], { numRuns: runs(60) })('a broken shape is refused with a JetfitError, or is well behaved', (s, m) => {
    const r = attempt(() => make(s));
    if (r.ok) wellBehaved(r.value, m, 1);
  });

  it('the union of two rectangles sharing an edge: no boundary sample on the shared edge, for every method', () => {
    const l = union(new Rectangle([0, 0], [1, 1]), new Rectangle([1, 0], [2, 1]));
    for (const m of ['uniform', 'grid', 'lhs', 'sobol', 'halton', 'hammersley'] as const) {
      const pts = l.sampleBoundary(200, { method: m });
      expect(pts.filter((p) => Math.abs(p[0]! - 1) < 1e-9 && p[1]! > 1e-9 && p[1]! < 1 - 1e-9)).toHaveLength(0);
    }
  });
});
