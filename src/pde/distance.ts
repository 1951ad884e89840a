// A smooth approximate distance to a geometry's boundary as a field of the coordinates, for
// hard constraints (u = g + φ·N vanishes into g on the boundary): zero on the boundary,
// positive inside, with derivatives the field language takes exactly. Built from the
// primitives by R-functions (Rvachev; Sukumar & Srivastava 2022, "Exact imposition of
// boundary conditions with distance functions in physics-informed deep neural networks"):
//   box      R∧ over the coordinates of (x_i − lo)(hi − x_i)/(hi − lo)
//   ball     (r² − |x − c|²)/(2r)
//   polygon  each edge's trimmed distance φ_i = √(f² + ((√(t² + f⁴) − t)/2)²), joined by
//            φ = 1/Σ 1/φ_i (zero on every edge, positive elsewhere; unsigned)
//   a ∪ b    a + b + √(a² + b²);  a ∩ b: a + b − √(a² + b²);  a − b: a ∩ (−b)
//   space × time: the space part's.
import { JetfitError } from '../base/errors.js';
import type { Field } from '../fields/field.js';
import { Ball } from '../geometry/ball.js';
import { Box } from '../geometry/box.js';
import { SetOperation } from '../geometry/csg.js';
import type { Geometry } from '../geometry/geometry.js';
import { Polygon } from '../geometry/polygon.js';
import { SpaceTime } from '../geometry/space-time.js';

const and = (a: Field, b: Field): Field => a.add(b).sub(a.square().add(b.square()).sqrt());
const or = (a: Field, b: Field): Field => a.add(b).add(a.square().add(b.square()).sqrt());

/** The approximate distance field of `geometry` over the coordinates x (see the file comment). */
export function distanceField(geometry: Geometry, x: readonly Field[]): Field {
  if (geometry instanceof SpaceTime) return distanceField(geometry.space, x.slice(0, geometry.space.dim));
  if (x.length < geometry.dim) throw new JetfitError(`distanceField: the geometry has ${geometry.dim} coordinates, got ${x.length} fields`);
  if (geometry instanceof Box) {
    const [lo, hi] = geometry.bbox;
    const d = lo.map((l, i) =>
      x[i]!.sub(l)
        .mul(x[i]!.neg().add(hi[i]!))
        .mul(1 / (hi[i]! - l)),
    );
    return d.reduce(and);
  }
  if (geometry instanceof Ball) {
    const r = geometry.radius;
    const sq = geometry.centre.map((c, i) => x[i]!.sub(c).square()).reduce((s, f) => s.add(f));
    return sq
      .neg()
      .add(r * r)
      .mul(1 / (2 * r));
  }
  if (geometry instanceof Polygon) {
    const v = geometry.vertices;
    const inverse = v.map((a, i) => {
      const b = v[(i + 1) % v.length]!;
      const L = Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!);
      const f = x[0]!
        .sub(a[0]!)
        .mul((b[1]! - a[1]!) / L)
        .sub(x[1]!.sub(a[1]!).mul((b[0]! - a[0]!) / L));
      const [cx, cy] = [(a[0]! + b[0]!) / 2, (a[1]! + b[1]!) / 2];
      const t = x[0]!
        .sub(cx)
        .square()
        .add(x[1]!.sub(cy).square())
        .neg()
        .add((L * L) / 4)
        .mul(1 / L);
      const trim = t.square().add(f.square().square()).sqrt().sub(t).mul(0.5);
      return f.square().add(trim.square()).sqrt().pow(-1);
    });
    return inverse.reduce((s, g) => s.add(g)).pow(-1);
  }
  if (geometry instanceof SetOperation) {
    if (geometry.a instanceof Polygon || geometry.b instanceof Polygon) {
      throw new JetfitError(
        "distanceField: a polygon's distance is unsigned and cannot enter a union, intersection or difference; give the whole domain as one polygon",
      );
    }
    const a = distanceField(geometry.a, x),
      b = distanceField(geometry.b, x);
    if (geometry.operation === 'union') return or(a, b);
    if (geometry.operation === 'intersection') return and(a, b);
    return and(a, b.neg());
  }
  throw new JetfitError('distanceField: no distance field for this kind of geometry');
}
