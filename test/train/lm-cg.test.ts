// Levenberg–Marquardt's 'cg' solver (conjugate gradients with JᵀJ never formed): each step
// against the direct (Cholesky) step on small problems, both shapes (more residuals than
// parameters, and fewer); an ill-conditioned linear least-squares problem with a known
// answer; 'auto' choosing by size; options refused by name with the network unchanged.
import { describe, expect, it } from 'vitest';
import { fit, init, mse, Mlp, type FitOptions, type LossContext } from '../../dist/index.js';

await init();

const flat = (net: Mlp): number[] => net.getParams().flatMap(({ W, b }) => [...W, ...b]);

function problem(points: number): FitOptions {
  const pts = Array.from({ length: points }, (_, i) => [-1 + (2 * (i + 0.5)) / points]);
  return {
    terms: {
      fit: {
        points: pts,
        columns: { y: pts.map((p) => Math.sin(2.5 * p[0]!) + 0.3 * p[0]! ** 2) },
        loss: ({ u, data }: LossContext) => mse(u, data.y!),
      },
      slope: {
        points: pts.slice(0, 4),
        columns: { s: [1, 0.5, -0.5, 2] },
        loss: ({ u, data }: LossContext) => mse(u.d(0), data.s!),
        weight: 0.3,
      },
    },
    steps: 1,
    progress: false,
  };
}

describe("LM's CG solver", () => {
  for (const [label, points, sizes] of [
    ['more residuals than parameters', 60, [1, 6, 1]],
    ['fewer residuals than parameters (against the Gram form)', 6, [1, 8, 1]],
  ] as const) {
    it(`each step equals the direct step to 1e-10 (${label})`, async () => {
      const a = new Mlp({ sizes: [...sizes], dtype: 'float64', seed: 5, activation: 'tanh' });
      const b = Mlp.fromJSON(a.toJSON());
      for (let step = 0; step < 5; step++) {
        await fit(a, { ...problem(points), optimizer: { type: 'lm', solver: 'direct', damping: 1e-2 }, resume: undefined });
        await fit(b, {
          ...problem(points),
          optimizer: { type: 'lm', solver: 'cg', damping: 1e-2, cgIterations: 500, cgTolerance: 1e-14 },
        });
        const pa = flat(a),
          pb = flat(b);
        const scale = Math.max(...pa.map(Math.abs));
        for (let i = 0; i < pa.length; i++) expect(Math.abs(pa[i]! - pb[i]!)).toBeLessThan(1e-10 * scale);
      }
      a.dispose();
      b.dispose();
    });
  }

  it('an ill-conditioned linear least-squares problem: CG reaches the known answer', async () => {
    // u = w0·x0 + w1·x1 + b with x1 ≈ x0 (condition number of JᵀJ about 1e8), data exact
    const pts = Array.from({ length: 40 }, (_, i) => {
      const t = i / 39;
      return [t, t + 1e-4 * Math.cos(9 * t)];
    });
    const truth = [2, -3, 0.5];
    const net = new Mlp({ sizes: [2, 1], dtype: 'float64', seed: 1 });
    const h = await fit(net, {
      data: { points: pts, columns: { y: pts.map(([a, b]) => truth[0]! * a! + truth[1]! * b! + truth[2]!) } },
      loss: ({ u, data }) => mse(u, data.y!),
      optimizer: { type: 'lm', solver: 'cg', damping: 1e-16, cgIterations: 50, cgTolerance: 1e-15 },
      steps: 4,
      progress: false,
    });
    const [{ W, b }] = net.getParams();
    expect(Math.abs(W[0]! - truth[0]!)).toBeLessThan(1e-6);
    expect(Math.abs(W[1]! - truth[1]!)).toBeLessThan(1e-6);
    expect(Math.abs(b[0]! - truth[2]!)).toBeLessThan(1e-9);
    expect(h.loss.at(-1)!).toBeLessThan(1e-20);
    net.dispose();
  });

  it('trains a small fit as far as the direct solver does', async () => {
    const run = async (solver: 'direct' | 'cg') => {
      const net = new Mlp({ sizes: [1, 8, 1], dtype: 'float64', seed: 3 });
      const h = await fit(net, { ...problem(50), optimizer: { type: 'lm', solver }, steps: 40 });
      net.dispose();
      return h.loss.at(-1)!;
    };
    const direct = await run('direct'),
      cg = await run('cg');
    expect(cg).toBeLessThan(Math.max(10 * direct, 1e-12));
  });

  it('options are checked by name, the network unchanged', async () => {
    const net = new Mlp({ sizes: [1, 4, 1], dtype: 'float64', seed: 3 });
    const before = flat(net);
    for (const [optimizer, message] of [
      [{ type: 'lm', solver: 'lsqr' }, /optimizer.solver: expected 'auto', 'direct' or 'cg', got "lsqr"/],
      [{ type: 'lm', cgIterations: 0 }, /optimizer.cgIterations: expected a whole number ≥ 1/],
      [{ type: 'lm', cgTolerance: -1 }, /optimizer.cgTolerance/],
      [{ type: 'lm', solver: 'cg', maxMatrixBytes: 100 }, /'lm' with solver 'cg' needs the .* Jacobian/],
    ] as const) {
      await expect(fit(net, { ...problem(20), optimizer: optimizer as never })).rejects.toThrow(message);
    }
    expect(flat(net)).toEqual(before);
    net.dispose();
  });
});
