// distanceField: zero on the boundary, positive inside, finite derivatives inside, for every
// kind of geometry; a hard constraint with it holds on the boundary exactly; errors by name.
import { describe, expect, it } from 'vitest';
import { GEOMETRIES, L } from '../geometry/shapes.js';
import { Box, Disk, distanceField, evaluateField, init, Mlp, outputMap, Rectangle, union } from '../../dist/index.js';

await init();

describe('distanceField', () => {
  for (const [name, g] of GEOMETRIES) {
    it(`${name}: zero on the boundary, positive inside, finite gradient inside`, () => {
      const net = new Mlp({ sizes: [g.dim, 2, 1], dtype: 'float64', seed: 1 });
      const edge = g.sampleBoundary(40, { seed: 2 });
      const inner = g.sampleInterior(60, { seed: 3 }).filter((p) => g.distance(p) > 1e-3 * g.size);
      const phiEdge = evaluateField(net, edge, ({ x }) => distanceField(g, x));
      for (const v of phiEdge) expect(Math.abs(v)).toBeLessThan(1e-7 * g.size);
      const phiIn = evaluateField(net, inner, ({ x }) => distanceField(g, x));
      for (const v of phiIn) expect(v).toBeGreaterThan(0);
      const grad = evaluateField(net, inner, ({ x }) => distanceField(g, x).d(0));
      for (const v of grad) expect(Number.isFinite(v)).toBe(true);
      net.dispose();
    });
  }

  it('a hard constraint u = g + φ·N holds on the boundary whatever the network', () => {
    const sq = new Rectangle([0, 0], [1, 1]);
    const net = new Mlp({
      sizes: [2, 8, 1],
      dtype: 'float64',
      seed: 3,
      output: outputMap(({ u, x }) => distanceField(sq, x).mul(u).add(x[0]!.mul(x[1]!))),
    });
    const edge = sq.sampleBoundary(30, { method: 'grid' });
    const y = net.evaluate(edge).y;
    for (const [i, [a, b]] of edge.entries()) expect(y[i]).toBeCloseTo(a! * b!, 12);
    net.dispose();
  });

  it('refuses what it cannot build', () => {
    const net = new Mlp({ sizes: [2, 2, 1], dtype: 'float64', seed: 1 });
    expect(() => evaluateField(net, [[0.5, 0.5]], ({ x }) => distanceField(union(L, new Disk([0, 0], 1)), x))).toThrow(
      /distanceField: a polygon's distance is unsigned and cannot enter a union/,
    );
    expect(() => evaluateField(net, [[0.5, 0.5]], ({ x }) => distanceField(new Box([0, 0, 0], [1, 1, 1]), x))).toThrow(
      /distanceField: the geometry has 3 coordinates, got 2 fields/,
    );
    net.dispose();
  });
});
