// Levenberg–Marquardt ('lm'): a linear least-squares problem solved in one step as μ → 0,
// interpolation through the Gram form (fewer residuals than parameters), the Cholesky
// kernels against plain loops, resume bitwise, and every refusal by name with the network
// unchanged.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { fit, init, mean, memoryUsage, mse, Mlp, parameter, type FitOptions } from '../../dist/index.js';
import type { CoreExports } from '../../dist/runtime/abi.js';
import { Heap } from '../../dist/runtime/heap.js';

await init();

describe('known minima', () => {
  it('a linear least-squares problem: one step with μ → 0 reaches the normal-equation solution', async () => {
    // u = w·x + b on a linear network: the loss mean((u − y)²) is quadratic in (w, b)
    const xs = Array.from({ length: 25 }, (_, i) => i / 24);
    const ys = xs.map((x) => 3 * x - 1 + 0.1 * Math.sin(7 * x));
    const net = new Mlp({ sizes: [1, 1], dtype: 'float64', seed: 1 });
    const h = await fit(net, {
      data: { points: xs.map((x) => [x]), columns: { y: ys } },
      loss: ({ u, data }) => mse(u, data.y),
      optimizer: { type: 'lm', damping: 1e-14 },
      steps: 1,
      progress: false,
    });
    // the normal equations of the 2-parameter fit, solved by hand
    const n = xs.length,
      sx = xs.reduce((s, x) => s + x, 0),
      sy = ys.reduce((s, y) => s + y, 0);
    const sxx = xs.reduce((s, x) => s + x * x, 0),
      sxy = xs.reduce((s, x, i) => s + x * ys[i]!, 0);
    const w = (n * sxy - sx * sy) / (n * sxx - sx * sx),
      b = (sy - w * sx) / n;
    const [{ W, b: bias }] = net.getParams();
    expect(W[0]).toBeCloseTo(w, 10);
    expect(bias[0]).toBeCloseTo(b, 10);
    const best = ys.reduce((s, y, i) => s + (w * xs[i]! + b - y) ** 2, 0) / n;
    expect(h.loss.at(-1)!).toBeCloseTo(best, 14);
    net.dispose();
  });

  it('fewer residuals than parameters (the Gram form): interpolates the points', async () => {
    const pts = [[-0.8], [-0.3], [0.1], [0.5], [0.9]];
    const net = new Mlp({ sizes: [1, 8, 1], activation: 'tanh', dtype: 'float64', seed: 2 });
    expect(net.parameterCount).toBeGreaterThan(pts.length);
    const h = await fit(net, {
      data: { points: pts, columns: { y: [1, -1, 0.5, 2, 0] } },
      loss: ({ u, data }) => mse(u, data.y),
      optimizer: 'lm',
      steps: 60,
      progress: false,
    });
    expect(h.loss.at(-1)!).toBeLessThan(1e-20);
    net.dispose();
  });

  it('a PDE with two weighted terms: LM goes far below where Adam stops', async () => {
    const interior = Array.from({ length: 30 }, (_, i) => [(i + 0.5) / 30]);
    const opts = (optimizer: 'lm' | 'adam', steps: number): FitOptions => ({
      terms: {
        // u'' = −π² sin(πx), u(0) = u(1) = 0: u = sin(πx)
        pde: {
          points: interior,
          loss: ({ u, x }) =>
            mean(
              u
                .d2(0, 0)
                .add(
                  x[0]!
                    .mul(Math.PI)
                    .sin()
                    .mul(Math.PI ** 2),
                )
                .square(),
            ),
        },
        edge: { points: [[0], [1]], loss: ({ u }) => mean(u.square()).mul(2), weight: 5 },
      },
      optimizer,
      steps,
      progress: false,
    });
    const a = new Mlp({ sizes: [1, 8, 1], activation: 'tanh', dtype: 'float64', seed: 4 });
    const b = new Mlp({ sizes: [1, 8, 1], activation: 'tanh', dtype: 'float64', seed: 4 });
    const lm = await fit(a, opts('lm', 150));
    const adam = await fit(b, opts('adam', 150));
    expect(lm.loss.at(-1)!).toBeLessThan(1e-6);
    expect(lm.loss.at(-1)!).toBeLessThan(adam.loss.at(-1)! / 1000);
    // the loss LM reports is the fit's loss (the weights and the coefficient 2 included)
    expect(lm.loss.at(-1)).toBeCloseTo(lm.terms.pde!.at(-1)! + 5 * lm.terms.edge!.at(-1)!, 15);
    a.dispose();
    b.dispose();
  });
});

it('takes its steps when planning the first pass grows the memory (a stale view of the residuals read zeros)', async () => {
  // LM as the first phase on a batch larger than anything planned so far: its first pass
  // plans new buffers, the memory grows, and views taken before are detached
  const n = 6000;
  const points = Array.from({ length: n }, (_, i) => [(i + 0.5) / n]);
  const net = new Mlp({ sizes: [1, 24, 24, 1], activation: 'tanh', dtype: 'float64', seed: 2 });
  const before = memoryUsage().reserved;
  const h = await fit(net, {
    data: { points },
    loss: ({ u, x }) => mse(u.d(0).sub(x[0]!.mul(3).cos())),
    optimizer: 'lm',
    steps: 5,
    threads: 1,
    progress: false,
  });
  expect(memoryUsage().reserved).toBeGreaterThan(before);
  expect(h.phases[0]!.steps).toBe(5);
  expect(h.loss.at(-1)!).toBeLessThan(h.loss[0]! / 10);
  net.dispose();
});

it('records the value of a term of weight 0 (a monitor) like any other', async () => {
  const points = Array.from({ length: 10 }, (_, i) => [i / 9]);
  const net = new Mlp({ sizes: [1, 4, 1], dtype: 'float64', seed: 3 });
  const h = await fit(net, {
    terms: {
      fit: { points, columns: { y: points.map(([x]) => x! * x!) }, loss: ({ u, data }) => mse(u, data.y) },
      monitor: { points, loss: ({ u }) => mse(u, 2), weight: 0 },
    },
    optimizer: 'lm',
    steps: 5,
    progress: false,
  });
  const u = net.evaluate(points).y;
  const want = Array.from(u).reduce((s, v) => s + (v - 2) ** 2, 0) / points.length;
  expect(h.terms.monitor!.at(-1)).toBeCloseTo(want, 12);
  expect(h.loss.at(-1)).toBeCloseTo(h.terms.fit!.at(-1)!, 15);
  net.dispose();
});

describe('Cholesky kernels', () => {
  let ex: CoreExports, heap: Heap;
  beforeAll(async () => {
    const { instance } = await WebAssembly.instantiate(await readFile(new URL('../../dist/jetfit.wasm', import.meta.url)), {});
    ex = instance.exports as unknown as CoreExports;
    heap = new Heap(ex.memory, ex.heap_base());
  });
  for (const n of [1, 2, 3, 8, 31]) {
    it(`n = ${n}: L Lᵀ = A, the solve's residual is at rounding level`, () => {
      const ld = n + (n & 1);
      const p = heap.alloc((n * ld + ld) * 8),
        f = heap.f64,
        base = p / 8;
      const M = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.sin(i * 7 + j * 3 + 1)));
      const A = M.map((_, i) => M.map((__, j) => M[i]!.reduce((s, v, k) => s + v * M[j]![k]!, 0) + (i === j ? 1 : 0)));
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) f[base + i * ld + j] = A[i]![j]!;
      expect(ex.cholesky_f64(p, ld, n)).toBe(0);
      for (let i = 0; i < n; i++)
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let k = 0; k <= j; k++) s += f[base + i * ld + k]! * f[base + j * ld + k]!;
          expect(Math.abs(s - A[i]![j]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(A[i]![j]!)));
        }
      const rhs = Array.from({ length: n }, (_, i) => Math.cos(i));
      for (let i = 0; i < n; i++) f[base + n * ld + i] = rhs[i]!;
      ex.cholesky_solve_f64(p, ld, n, (base + n * ld) * 8);
      for (let i = 0; i < n; i++) {
        const ax = A[i]!.reduce((s, v, j) => s + v * f[base + n * ld + j]!, 0);
        expect(Math.abs(ax - rhs[i]!)).toBeLessThanOrEqual(1e-9);
      }
      heap.release(p);
    });
  }
  it('reports the first non-positive pivot', () => {
    const p = heap.alloc(4 * 8 * 4),
      f = heap.f64,
      base = p / 8;
    // [[1, 2], [2, 1]] is indefinite: the second pivot is 1 − 4 < 0
    f.set([1, 2, 2, 1], base);
    expect(ex.cholesky_f64(p, 2, 2)).toBe(2);
    f.set([0, 0, 0, 1], base);
    expect(ex.cholesky_f64(p, 2, 2)).toBe(1);
    heap.release(p);
  });
});

describe('resume and refusals', () => {
  it('resuming a saved state is bitwise equal to an uninterrupted run', async () => {
    const points = Array.from({ length: 12 }, (_, i) => [i / 11]);
    const o: FitOptions = {
      data: { points, columns: { y: points.map(([x]) => Math.exp(x!)) } },
      loss: ({ u, data }) => mse(u, data.y),
      phases: [
        { optimizer: 'adam', steps: 5 },
        { optimizer: 'lm', steps: 12 },
      ],
      progress: false,
    };
    const make = () => new Mlp({ sizes: [1, 5, 1], dtype: 'float64', seed: 8 });
    const a = make();
    await fit(a, o);
    const c = make();
    const h1 = await fit(c, { ...o, onStep: (s) => s.step < 10 });
    const saved = JSON.parse(JSON.stringify({ net: c.toJSON(), state: h1.state }));
    expect(saved.state.optimizer.type).toBe('lm');
    const d = Mlp.fromJSON(saved.net);
    for (const bad of [[-1, 2], [1, 1], [1], 'x']) {
      const st = JSON.parse(JSON.stringify(saved.state));
      st.optimizer.buffers[0] = bad;
      await expect(fit(d, { ...o, resume: st })).rejects.toThrow(/resume\.optimizer\.buffers\[0\]: expected \[damping μ/);
    }
    await fit(d, { ...o, resume: saved.state });
    expect(Array.from(d.parameterView())).toEqual(Array.from(a.parameterView()));
    for (const n of [a, c, d]) n.dispose();
  });

  it('refuses what it cannot do, naming it, before the network changes', async () => {
    const net = new Mlp({ sizes: [1, 16, 16, 1], seed: 1 });
    const before = Array.from(net.parameterView());
    const points = Array.from({ length: 50 }, (_, i) => [i / 49]);
    const run = (o: Partial<FitOptions>) =>
      fit(net, { data: { points }, loss: ({ u }) => mse(u, 1), optimizer: 'lm', steps: 2, progress: false, ...o } as FitOptions);
    await expect(run({ loss: ({ u }) => mean(u.abs()) })).rejects.toThrow(
      /fit\.optimizer: 'lm' needs every loss to be a sum of squares .*the loss of term 'loss' is not: it reduces a field that is not a square \(mean\(\.\.\.\) of a abs node\)/,
    );
    await expect(run({ loss: ({ u }) => mse(u).mul(mse(u)) })).rejects.toThrow(/it multiplies or divides two reductions/);
    await expect(run({ loss: ({ u }) => mse(u).sub(mean(u.square()).mul(2)) })).rejects.toThrow(
      /a squared residual has the coefficient -2/,
    );
    const k = parameter(1, 'k');
    await expect(run({ loss: ({ u }) => mse(u, k) })).rejects.toThrow(
      /'lm' trains the network's parameters; this run also trains the scalars 'k'/,
    );
    await expect(run({ optimizer: { type: 'lm', maxMatrixBytes: 1e5 } })).rejects.toThrow(
      /'lm' needs the 50×321 Jacobian and a 50×50 normal matrix \(291\.0 KiB\), more than maxMatrixBytes/,
    );
    await expect(run({ optimizer: { type: 'lm', damping: 0 } })).rejects.toThrow(/damping: expected a number in \(0, ∞\)/);
    await expect(run({ optimizer: { type: 'lm', lr: 1 } as never })).rejects.toThrow(/unknown option "lr"/);
    await expect(run({ optimizer: 'lm', schedule: { type: 'exponential', gamma: 0.9 } })).rejects.toThrow(
      /'lm' chooses its own steps \(by its damping\); schedule does not apply/,
    );
    await expect(run({ optimizer: 'lm', batchSize: 10 })).rejects.toThrow(/'lm' needs full batches/);
    expect(Array.from(net.parameterView())).toEqual(before);
    net.dispose();
  });
});
