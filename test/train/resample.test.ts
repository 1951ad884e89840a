// Points from sampler functions and residual-based adaptive resampling (RAD): the kept
// points follow the residual, runs are reproducible from the seed, resume continues
// bitwise (quasi-Newton state carried across resampling), bad input is refused by name.
import { describe, expect, it } from 'vitest';
import { fit, init, mean, Mlp, type FitOptions, type LossContext, type Random } from '../../dist/index.js';

await init();

const uniform = (n: number, r: Random) => Array.from({ length: n }, () => [r.uniform()]);
/** a pointwise loss that is large only for x > 0.5 (independent of the network's value, but through it) */
const stepLoss = ({ u, x }: LossContext) => mean(u.mul(0).add(x[0]!.sub(0.5).mul(20).tanh().add(1)).square());

describe('points from a sampler function', () => {
  it('draws count points with a seeded generator: the same seed gives the same points', async () => {
    const seen: number[][] = [];
    for (const seed of [3, 3, 4]) {
      const net = new Mlp({ sizes: [1, 4, 1], seed: 1 });
      const h = await fit(net, {
        terms: {
          r: {
            points: (n, r) => {
              const p = uniform(n, r);
              seen.push(p.map((q) => q[0]!));
              return p;
            },
            count: 20,
            loss: ({ u }) => mean(u.sub(1).square()),
          },
        },
        optimizer: 'adam',
        steps: 3,
        seed,
        progress: false,
      });
      expect(h.steps).toBe(3);
      net.dispose();
    }
    expect(seen[0]!.length).toBe(20);
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).not.toEqual(seen[0]);
  });
});

describe('residual-based resampling', () => {
  it('keeps points in proportion to |r|^k / mean(|r|^k) + c', async () => {
    const share = async (k: number, c: number) => {
      const net = new Mlp({ sizes: [1, 4, 1], seed: 1 });
      const h = await fit(net, {
        terms: { r: { points: uniform, count: 200, loss: stepLoss, resample: { every: 2, candidates: 4000, k, c } } },
        optimizer: 'adam',
        steps: 3,
        progress: false,
      });
      net.dispose();
      const pts = h.state.resampled![0]!.points;
      expect(pts.length).toBe(200);
      for (const x of pts) expect(x >= 0 && x < 1).toBe(true);
      return pts.filter((x) => x > 0.5).length / pts.length;
    };
    // |r| ≈ 2 for x > 0.55 and ≈ 0 for x < 0.45: with c = 0 nearly every kept point is on the right
    expect(await share(2, 0)).toBeGreaterThan(0.95);
    // with a large uniform share the draw is close to uniform (weights ε²/mean + 10, between 10 and 12)
    const uniformish = await share(2, 10);
    expect(uniformish).toBeGreaterThan(0.45);
    expect(uniformish).toBeLessThan(0.65);
  });

  it('is reproducible from the seed, and resume with SSBroyden continues bitwise across resampling', async () => {
    const options = (): FitOptions => ({
      terms: {
        pde: {
          points: uniform,
          count: 30,
          loss: ({ u, x }) => mean(u.d2(0, 0).add(x[0]!.mul(Math.PI).sin()).square()),
          resample: { every: 4, candidates: 300 },
        },
        edge: { points: [[0], [1]], loss: ({ u }) => mean(u.square()) },
      },
      phases: [
        { optimizer: 'adam', steps: 6 },
        { optimizer: 'ssbroyden', steps: 10 },
      ],
      progress: false,
    });
    const make = () => new Mlp({ sizes: [1, 6, 1], dtype: 'float64', seed: 5 });
    const a = make(),
      b = make();
    const ha = await fit(a, options());
    await fit(b, options());
    expect(Array.from(b.parameterView())).toEqual(Array.from(a.parameterView()));
    const c = make();
    const h1 = await fit(c, { ...options(), onStep: (s) => s.step < 11 });
    const saved = JSON.parse(JSON.stringify({ net: c.toJSON(), state: h1.state }));
    c.dispose();
    const d = Mlp.fromJSON(saved.net);
    const hd = await fit(d, { ...options(), resume: saved.state });
    expect(hd.steps).toBe(16);
    expect(Array.from(d.parameterView())).toEqual(Array.from(a.parameterView()));
    expect(hd.state.resampled).toEqual(ha.state.resampled);
    for (const n of [a, b, d]) n.dispose();
  });

  it('refuses bad input by name, before the network changes', async () => {
    const net = new Mlp({ sizes: [1, 4, 1], seed: 1 });
    const before = Array.from(net.parameterView());
    const run = (term: object) =>
      fit(net, { terms: { r: { loss: stepLoss, ...term } as never }, optimizer: 'adam', steps: 2, progress: false });
    await expect(run({ points: [[0], [1]], resample: { every: 1, candidates: 4 } })).rejects.toThrow(
      /term 'r': resample draws candidates from the term's sampler function; give points as \(n, random\) => points/,
    );
    await expect(run({ points: uniform })).rejects.toThrow(
      /term 'r': count: a term whose points come from a function needs how many to draw/,
    );
    await expect(run({ points: [[0]], count: 3 })).rejects.toThrow(/count applies to points drawn by a function/);
    await expect(run({ points: uniform, count: 10, resample: { every: 1, candidates: 5 } })).rejects.toThrow(
      /resample\.candidates: expected a whole number ≥ 10, got 5/,
    );
    await expect(run({ points: uniform, count: 10, resample: { every: 0, candidates: 50 } })).rejects.toThrow(
      /resample\.every: expected a whole number ≥ 1/,
    );
    await expect(run({ points: uniform, count: 10, resample: { every: 2, candidates: 50, kk: 1 } })).rejects.toThrow(
      /unknown option "kk".*did you mean "k"/,
    );
    await expect(run({ points: uniform, count: 10, resample: { every: 2, candidates: 50, c: -1 } })).rejects.toThrow(
      /resample\.c: expected a number in \[0/,
    );
    await expect(run({ points: uniform, count: 4, columns: { f: [1, 2, 3, 4] }, resample: { every: 2, candidates: 50 } })).rejects.toThrow(
      /a term with data columns cannot be resampled/,
    );
    await expect(run({ points: () => [[0], [1]], count: 4 })).rejects.toThrow(
      /the points its sampler function returned for n = 4: expected 4 points, got 2/,
    );
    await expect(run({ points: (n: number) => Array.from({ length: n }, () => [NaN]), count: 4 })).rejects.toThrow(
      /sampler function returned for n = 4.*NaN/,
    );
    await expect(
      run({
        points: uniform,
        count: 4,
        loss: ({ u }: LossContext) => mean(u.square()).mul(mean(u.square())),
        resample: { every: 2, candidates: 50 },
      }),
    ).rejects.toThrow(/resample: the loss must be a weighted sum of means or sums over the points/);
    expect(Array.from(net.parameterView())).toEqual(before);
    net.dispose();
  });

  it('a resume state whose resampled points do not fit the term is refused by name', async () => {
    const net = new Mlp({ sizes: [1, 4, 1], seed: 1 });
    const opts: FitOptions = {
      terms: { r: { points: uniform, count: 8, loss: stepLoss, resample: { every: 2, candidates: 40 } } },
      optimizer: 'adam',
      steps: 5,
      progress: false,
    };
    const h = await fit(net, { ...opts, onStep: (s) => s.step < 3 });
    const bad = JSON.parse(JSON.stringify(h.state));
    bad.resampled[0].points.pop();
    await expect(fit(net, { ...opts, resume: bad })).rejects.toThrow(/resume\.resampled\[0\]\.points: expected 8 numbers/);
    const none = JSON.parse(JSON.stringify(h.state));
    none.resampled = [null];
    await expect(fit(net, { ...opts, resume: none })).rejects.toThrow(/resume\.resampled\[0\]: expected \{ points, rng \}/);
    net.dispose();
  });
});
