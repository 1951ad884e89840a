// The problem builder: a Poisson problem stated in a few lines trains to its solution, with
// the error recorded as a metric; RAD from the geometry; bad statements refused by name.
import { describe, expect, it } from 'vitest';
import { dirichlet, fit, init, Mlp, problem, Rectangle, type LossContext } from '../../dist/index.js';

await init();
const PI = Math.PI;

describe('problem', () => {
  it('−Δu = 2π² sin(πx) sin(πy), u = 0 on the boundary: terms, metrics, and a solution to 1e-3', async () => {
    const geometry = new Rectangle([0, 0], [1, 1]);
    const p = problem({
      geometry,
      pde: ({ u, x }) =>
        u.laplacian().add(
          x[0]!
            .mul(PI)
            .sin()
            .mul(x[1]!.mul(PI).sin())
            .mul(2 * PI * PI),
        ),
      conditions: { boundary: dirichlet(geometry, 0, { count: 80, method: 'grid' }) },
      points: { count: 400, method: 'hammersley' },
      solution: ([x, y]) => Math.sin(PI * x!) * Math.sin(PI * y!),
      testPoints: 300,
    });
    expect(Object.keys(p.terms)).toEqual(['pde', 'boundary']);
    expect((p.terms.pde!.points as number[][]).length).toBe(400);
    const net = new Mlp({ sizes: [2, 12, 12, 1], activation: 'tanh', dtype: 'float64', seed: 2 });
    const h = await fit(net, {
      ...p,
      phases: [
        { optimizer: { type: 'adam', lr: 1e-2 }, steps: 300 },
        { optimizer: 'lm', steps: 300 },
      ],
      metricsEvery: 100,
      progress: false,
    });
    expect(h.metrics.solution!.relativeL2.at(-1)!).toBeLessThan(1e-3);
    net.dispose();
  });

  it('resampling draws its candidates from the geometry', async () => {
    const geometry = new Rectangle([0, 0], [2, 1]);
    const p = problem({
      geometry,
      pde: ({ u, x }) => u.sub(x[0]!),
      points: { count: 50, resample: { every: 3, candidates: 200 } },
    });
    const net = new Mlp({ sizes: [2, 4, 1], seed: 1 });
    const h = await fit(net, { ...p, steps: 4, progress: false });
    const pts = h.state.resampled![0]!.points;
    expect(pts.length).toBe(100);
    for (let i = 0; i < pts.length; i += 2) expect(geometry.inside([pts[i]!, pts[i + 1]!])).toBe(true);
    net.dispose();
  });

  it('refuses a bad statement by name', () => {
    const geometry = new Rectangle([0, 0], [1, 1]);
    const pde = ({ u }: LossContext) => u;
    expect(() => problem({ geometry: {} as never, pde })).toThrow(/problem: geometry: expected a geometry/);
    expect(() => problem({ geometry, pde: 1 as never })).toThrow(/problem: pde: expected a function/);
    expect(() => problem({ geometry, pde, pointz: 3 } as never)).toThrow(/unknown option "pointz".*did you mean "points"/);
    expect(() => problem({ geometry, pde, conditions: { pde: {} as never } })).toThrow(/the name 'pde' is the equation's/);
    expect(() => problem({ geometry, pde, points: { count: 0 } })).toThrow(/problem: points\.count: expected a whole number ≥ 1, got 0/);
  });
});
