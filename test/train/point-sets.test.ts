// Terms with extra point sets read by u.at(name): the loss and its parameter gradient
// against finite differences (float64), a periodic problem trained to better than 1e-3
// with weight 1, minibatches keeping the pairs, and bad input refused by name.
import { describe, expect, it } from 'vitest';
import { fit, init, mean, Mlp, type FitOptions, type LossContext } from '../../dist/index.js';
import { fdParams, flat } from '../helpers.js';

await init();

describe('point sets', () => {
  it("the loss mean((u(b) − u(a))² + (u'(b) − u'(a))²) and its gradient match finite differences", async () => {
    const a = [[0], [0.2], [0.4]],
      b = [[1], [0.9], [0.7]];
    const net = new Mlp({ sizes: [1, 5, 1], activation: 'tanh', dtype: 'float64', seed: 6 });
    const loss = () => {
      const ja = net.evaluate(a, { jacobian: true }),
        jb = net.evaluate(b, { jacobian: true });
      let s = 0;
      for (let p = 0; p < 3; p++) s += (jb.y[p]! - ja.y[p]!) ** 2 + (jb.jacobian![p]! - ja.jacobian![p]!) ** 2;
      return s / 3;
    };
    const before = net.getParams();
    const lr = 1e-3;
    const h = await fit(net, {
      terms: {
        periodic: {
          points: a,
          sets: { b },
          loss: ({ u }) =>
            mean(
              u
                .at('b')
                .sub(u)
                .square()
                .add(u.at('b').d(0).sub(u.d(0)).square()),
            ),
        },
      },
      optimizer: { type: 'sgd', lr },
      steps: 1,
      progress: false,
    });
    const after = net.getParams();
    net.setParams(before);
    expect(h.loss[0]).toBeCloseTo(loss(), 14);
    // one SGD step: p₁ = p₀ − lr·g, so g = (p₀ − p₁)/lr
    const p1 = flat(after);
    const g = flat(before).map((v, q) => (v - p1[q]!) / lr);
    const fd = flat(fdParams(net, loss));
    for (const [q, v] of fd.entries()) expect(Math.abs(v - g[q]!)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(g[q]!)));
    net.dispose();
  });

  it("a periodic problem: −u'' + u = (4π² + 1) sin 2πx on [0, 1], u and u' periodic, to better than 1e-3 with weight 1", async () => {
    const PI = Math.PI;
    const interior = Array.from({ length: 64 }, (_, i) => [(i + 0.5) / 64]);
    const net = new Mlp({ sizes: [1, 16, 16, 1], activation: 'tanh', dtype: 'float64', seed: 1 });
    await fit(net, {
      terms: {
        pde: {
          points: interior,
          loss: ({ u, x }) =>
            mean(
              u
                .d2(0, 0)
                .neg()
                .add(u)
                .sub(
                  x[0]!
                    .mul(2 * PI)
                    .sin()
                    .mul(4 * PI * PI + 1),
                )
                .square(),
            ),
        },
        periodic: {
          points: [[0]],
          sets: { right: [[1]] },
          loss: ({ u }) =>
            mean(
              u
                .at('right')
                .sub(u)
                .square()
                .add(u.at('right').d(0).sub(u.d(0)).square()),
            ),
        },
      },
      phases: [
        { optimizer: { type: 'adam', lr: 1e-2 }, steps: 500 },
        { optimizer: 'ssbroyden', steps: 400 },
      ],
      progress: false,
    });
    const grid = Array.from({ length: 101 }, (_, i) => [i / 100]);
    const y = net.evaluate(grid).y;
    let num = 0,
      den = 0;
    grid.forEach(([x], i) => {
      const e = Math.sin(2 * PI * x!);
      num += (y[i]! - e) ** 2;
      den += e * e;
    });
    expect(Math.sqrt(num / den)).toBeLessThan(1e-3);
    net.dispose();
  });

  it('Levenberg–Marquardt on a term with a point set: the residual rows sum over both points', async () => {
    // u' = cos x on [0, 1] with u(1) − u(0) = sin 1 (a pair) and u(0) = 0: u = sin x
    const net = new Mlp({ sizes: [1, 8, 1], activation: 'tanh', dtype: 'float64', seed: 3 });
    await fit(net, {
      terms: {
        ode: { points: Array.from({ length: 20 }, (_, i) => [i / 19]), loss: ({ u, x }) => mean(u.d(0).sub(x[0]!.cos()).square()) },
        pair: { points: [[0]], sets: { one: [[1]] }, loss: ({ u }) => mean(u.at('one').sub(u).sub(Math.sin(1)).square()) },
        anchor: { points: [[0]], loss: ({ u }) => mean(u.square()) },
      },
      optimizer: 'lm',
      steps: 100,
      progress: false,
    });
    const y = net.evaluate([[0.3], [0.9]]).y;
    expect(Math.abs(y[0]! - Math.sin(0.3))).toBeLessThan(1e-4);
    expect(Math.abs(y[1]! - Math.sin(0.9))).toBeLessThan(1e-4);
    net.dispose();
  });

  it('Levenberg–Marquardt with a point set solves a linear least-squares problem in one step', async () => {
    // u = w·x + b; residuals u(1) − u(0) − 2 = w − 2 (a pair) and u(0) − 1 = b − 1: one Gauss–Newton step
    // lands on w = 2, b = 1 only when the pair's row has both of its points' parts
    const net = new Mlp({ sizes: [1, 1], dtype: 'float64', seed: 3 });
    await fit(net, {
      terms: {
        pair: { points: [[0]], sets: { one: [[1]] }, loss: ({ u }) => mean(u.at('one').sub(u).sub(2).square()) },
        anchor: { points: [[0]], loss: ({ u }) => mean(u.sub(1).square()) },
      },
      optimizer: { type: 'lm', damping: 1e-14 },
      steps: 1,
      progress: false,
    });
    const [{ W, b }] = net.getParams();
    expect(W[0]).toBeCloseTo(2, 10);
    expect(b[0]).toBeCloseTo(1, 10);
    net.dispose();
  });

  it('minibatches keep each point with its pair', async () => {
    // u(b) − u(a) with b = a + 1 everywhere: the loss of any batch is the mean over its pairs
    const a = Array.from({ length: 16 }, (_, i) => [i / 16]);
    const b = a.map(([x]) => [x! + 1]);
    const net = new Mlp({ sizes: [1, 4, 1], dtype: 'float64', seed: 2 });
    const seen: number[] = [];
    await fit(net, {
      terms: { pair: { points: a, sets: { b }, batchSize: 4, loss: ({ u, x }) => mean(u.at('b').sub(u).sub(x[0]!).square()) } },
      optimizer: { type: 'sgd', lr: 1e-9 },
      steps: 4,
      progress: false,
      onStep: ({ loss }) => {
        seen.push(loss);
      },
    });
    // with the pairs kept, each batch loss is computable from its own pairs; it is finite and positive
    expect(seen.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    net.dispose();
  });

  it('refuses bad input by name', async () => {
    const net = new Mlp({ sizes: [1, 4, 1], seed: 1 });
    const run = (term: object, extra: Partial<FitOptions> = {}) =>
      fit(net, {
        terms: { t: { points: [[0], [1]], loss: ({ u }: LossContext) => mean(u.square()), ...term } as never },
        steps: 1,
        progress: false,
        ...extra,
      });
    await expect(run({ sets: { b: [[1]] } })).rejects.toThrow(
      /term 't': sets\.b: has 1 points, expected 2 \(one for each of the term's points, paired by index\)/,
    );
    await expect(
      run({ sets: { b: [[1], [2]] }, loss: ({ u }: { u: { at: (s: string) => unknown } }) => mean(u.at('c') as never as never) }),
    ).rejects.toThrow(/at\('c'\): term 't' has the point sets 'b'/);
    await expect(run({ loss: ({ u }: { u: { at: (s: string) => unknown } }) => mean(u.at('b') as never) })).rejects.toThrow(
      /term 't' has no extra point sets/,
    );
    await expect(
      run({
        sets: { b: [[1], [2]] },
        loss: ({ u }: never) => mean((u as { d: (i: number) => { at: (s: string) => never } }).d(0).at('b')),
      }),
    ).rejects.toThrow(/only a network output \(u, outputs\[k\]\) can be moved to another point set/);
    await expect(run({ sets: [[1]] })).rejects.toThrow(/sets: expected an object of named point sets/);
    net.dispose();
  });
});
