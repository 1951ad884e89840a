// Conditions as terms: each condition's loss equals the mean squared residual computed by
// hand from evaluate (normals from the geometry), the gradient of one (Robin) against
// finite differences, and bad input refused by name.
import { describe, expect, it } from 'vitest';
import {
  Disk,
  dirichlet,
  fit,
  init,
  initial,
  Interval,
  Mlp,
  neumann,
  observations,
  periodic,
  Rectangle,
  robin,
  SpaceTime,
  type TermOptions,
} from '../../dist/index.js';

await init();

/** The term's value at the network's current parameters (the first recorded loss of a fit that does not move). */
async function value(net: Mlp, term: TermOptions): Promise<number> {
  const h = await fit(Mlp.fromJSON(net.toJSON()), {
    terms: { c: term },
    optimizer: { type: 'sgd', lr: 1e-300 },
    steps: 1,
    progress: false,
  });
  return h.terms.c![0]!;
}

const square = new Rectangle([0, 0], [1, 1]);
const net = new Mlp({ sizes: [2, 6, 1], activation: 'tanh', dtype: 'float64', seed: 3 });
const g = ([x, y]: number[]) => Math.sin(x! + 2 * y!);

describe('conditions', () => {
  it('dirichlet: mean((u − g)²) on boundary points', async () => {
    const t = dirichlet(square, g, { count: 40, seed: 1 });
    const pts = t.points as number[][];
    expect(pts.length).toBe(40);
    for (const p of pts) expect(square.onBoundary(p)).toBe(true);
    const u = net.evaluate(pts).y;
    const want = pts.reduce((s, p, i) => s + (u[i]! - g(p)) ** 2, 0) / pts.length;
    expect(await value(net, t)).toBeCloseTo(want, 14);
  });

  it('neumann and robin: the outward normal derivative', async () => {
    const disk = new Disk([0, 0], 1);
    const tn = neumann(disk, 0.5, { count: 30, method: 'sobol' });
    const tr = robin(disk, { a: 2, b: -1 }, g, { count: 30, method: 'sobol' });
    const pts = tn.points as number[][];
    const j = net.evaluate(pts, { jacobian: true });
    const dn = pts.map((p, i) => j.jacobian![2 * i]! * p[0]! + j.jacobian![2 * i + 1]! * p[1]!); // n = x on the unit circle
    expect(await value(net, tn)).toBeCloseTo(dn.reduce((s, v) => s + (v - 0.5) ** 2, 0) / pts.length, 14);
    expect(await value(net, tr)).toBeCloseTo(pts.reduce((s, p, i) => s + (2 * j.y[i]! - dn[i]! - g(p)) ** 2, 0) / pts.length, 14);
  });

  describe("each condition's parameter gradient against finite differences", () => {
    const st = new SpaceTime(new Interval(-1, 1), 0, 2);
    const terms: [string, () => TermOptions][] = [
      ['dirichlet', () => dirichlet(square, g, { count: 8, method: 'halton' })],
      ['neumann', () => neumann(new Disk([0, 0], 1), g, { count: 8, method: 'halton' })],
      ['robin', () => robin(square, { a: 1, b: 3 }, g, { count: 12, method: 'halton' })],
      ['periodic', () => periodic(square, 1, { count: 6, derivative: 1, method: 'halton' })],
      ['initial', () => initial(st, ([x]) => Math.cos(x!), { count: 8 })],
      ['initial rate', () => initial(st, 0.5, { count: 8, rate: true })],
      [
        'observations',
        () =>
          observations(
            [
              [0.1, 0.2],
              [0.7, -0.3],
            ],
            [1, -2],
          ),
      ],
    ];
    for (const [name, make] of terms) {
      it(name, async () => {
        const t = make();
        const copy = Mlp.fromJSON(net.toJSON());
        const before = copy.getParams();
        const lr = 1e-4;
        await fit(copy, { terms: { c: t }, optimizer: { type: 'sgd', lr }, steps: 1, progress: false });
        const after = copy.getParams();
        const probe = Mlp.fromJSON(net.toJSON());
        for (const [l, layer] of before.entries())
          for (const key of ['W', 'b'] as const)
            for (let i = 0; i < layer[key].length; i++) {
              const grad = (layer[key][i]! - after[l]![key][i]!) / lr;
              const p = probe.getParams(),
                h = 1e-6;
              p[l]![key][i] = layer[key][i]! + h;
              probe.setParams(p);
              const up = await value(probe, t);
              p[l]![key][i] = layer[key][i]! - h;
              probe.setParams(p);
              const down = await value(probe, t);
              p[l]![key][i] = layer[key][i]!;
              probe.setParams(p);
              expect(Math.abs((up - down) / (2 * h) - grad)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(grad)));
            }
        copy.dispose();
        probe.dispose();
      });
    }
  });

  it('periodic: points on the lower face paired with their images on the upper face', async () => {
    const t = periodic(square, 0, { count: 10, derivative: 1, method: 'grid' });
    const pts = t.points as number[][];
    const images = (t.sets as Record<string, number[][]>).image!;
    for (const [i, p] of pts.entries()) {
      expect(p[0]).toBe(0);
      expect(images[i]).toEqual([1, p[1]]);
    }
    const a = net.evaluate(pts, { jacobian: true }),
      b = net.evaluate(images, { jacobian: true });
    const want =
      pts.reduce((s, _, i) => s + (b.y[i]! - a.y[i]!) ** 2, 0) / 10 +
      pts.reduce((s, _, i) => s + (b.jacobian![2 * i]! - a.jacobian![2 * i]!) ** 2, 0) / 10;
    expect(await value(net, t)).toBeCloseTo(want, 14);
  });

  it('initial (value and rate) on space × time, and observations', async () => {
    const st = new SpaceTime(new Interval(-1, 1), 0, 2);
    const ti = initial(st, ([x]) => -Math.sin(Math.PI * x!), { count: 20 });
    const pts = ti.points as number[][];
    for (const p of pts) expect(p[1]).toBe(0);
    const j = net.evaluate(pts, { jacobian: true });
    expect(await value(net, ti)).toBeCloseTo(pts.reduce((s, p, i) => s + (j.y[i]! + Math.sin(Math.PI * p[0]!)) ** 2, 0) / 20, 14);
    const tr = initial(st, 0, { count: 20, rate: true });
    const jr = net.evaluate(tr.points as number[][], { jacobian: true });
    expect(await value(net, tr)).toBeCloseTo(
      Array.from({ length: 20 }, (_, i) => jr.jacobian![2 * i + 1]! ** 2).reduce((s, v) => s + v, 0) / 20,
      14,
    );
    const to = observations([[0.1, 0.2]], [3]);
    expect(await value(net, to)).toBeCloseTo((net.evaluate([[0.1, 0.2]]).y[0]! - 3) ** 2, 14);
  });

  it('refuses bad input by name', () => {
    expect(() => dirichlet(square, 0, { points: [[0.5, 0.5]] })).toThrow(
      /dirichlet: points\[0\] = \[0.5, 0.5\] is not on the geometry's boundary/,
    );
    expect(() => dirichlet(square, 0, { cout: 3 } as never)).toThrow(/unknown option "cout".*did you mean "count"/);
    expect(() => dirichlet(square, () => Number.NaN, { count: 2 })).toThrow(/dirichlet: the value at points\[0\] = .* is NaN/);
    expect(() => dirichlet(square, 0, { count: 5, on: () => false })).toThrow(
      /dirichlet: the 'on' filter keeps none of 10000 boundary points/,
    );
    expect(() => periodic(new Disk([0, 0], 1), 0)).toThrow(/periodic: expected a box/);
    expect(() => periodic(square, 2)).toThrow(/periodic: axis: expected a whole number in \[0, 1\], got 2/);
    expect(() => initial(square as never, 0)).toThrow(/initial: expected a space × time geometry/);
    expect(() => robin(square, { a: 1 } as never, 0)).toThrow(/robin: coefficients a and b must be finite numbers/);
    expect(() => observations([[0, 0]], [1, 2])).toThrow(/observations: values: expected one value per point \(1 points\)/);
    expect(() => neumann({} as never, 0)).toThrow(/neumann: expected a geometry/);
  });
});
