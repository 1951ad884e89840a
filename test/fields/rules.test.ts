// Every operation's derivative rule against finite differences: the jets of expressions
// of fields (in x), and the gradient of a loss built from them (in the parameters).
import { describe, expect, it } from 'vitest';
import { init, Mlp, mean, type Field, type LossContext } from '../../dist/index.js';
import { Term } from '../../dist/train/term.js';
import { flat, relError } from '../helpers.js';

await init();

type Expr = (c: LossContext) => Field;

/** The value of an expression at one point (a term of one point whose loss is its mean). */
function valueAt(net: Mlp, expr: Expr, point: number[]): number {
  const t = new Term('probe', { points: [point], columns: { c: [0.7] }, loss: (c) => mean(expr(c)) }, net, 1);
  t.advance();
  return t.run(false, false, new Float64Array(0));
}

const EXPRESSIONS: [string, Expr][] = [
  ['u', ({ u }) => u],
  ['x0 (1 - x0) u  (hard boundary)', ({ u, x }) => x[0]!.mul(x[0]!.neg().add(1)).mul(u)],
  ['u² + 3u - x1', ({ u, x }) => u.square().add(u.mul(3)).sub(x[1]!)],
  ['u / (2 + x0²)', ({ u, x }) => u.div(x[0]!.square().add(2))],
  ['exp(u) sin(x1)', ({ u, x }) => u.exp().mul(x[1]!.sin())],
  ['log(2 + u²)', ({ u }) => u.square().add(2).log()],
  ['cos(u) tanh(u)', ({ u }) => u.cos().mul(u.tanh())],
  ['sqrt(1 + u²)', ({ u }) => u.square().add(1).sqrt()],
  ['(1.5 + u)^2.5', ({ u }) => u.add(1.5).pow(2.5)],
  ['|u - 3|', ({ u }) => u.sub(3).abs()],
  ['u · data.c - u', ({ u, data }) => u.mul(data.c!).sub(u)],
];

describe('jets of expressions against finite differences in x (float64)', () => {
  const net = new Mlp({ sizes: [2, 6, 5, 1], activation: 'tanh', dtype: 'float64', seed: 11 });
  const p = [0.3, -0.4],
    h = 1e-4;
  for (const [name, e] of EXPRESSIONS) {
    it(name, () => {
      const at = (dx: number, dy: number, f: Expr = e): number => valueAt(net, f, [p[0]! + dx, p[1]! + dy]);
      const d0 = at(0, 0, (c) => e(c).d(0)),
        d1 = at(0, 0, (c) => e(c).d(1));
      const fd0 = (at(h, 0) - at(-h, 0)) / (2 * h),
        fd1 = (at(0, h) - at(0, -h)) / (2 * h);
      expect(relError([d0, d1], [fd0, fd1], 1e-3)).toBeLessThan(1e-6);
      const hxx = at(0, 0, (c) => e(c).d2(0, 0)),
        hxy = at(0, 0, (c) => e(c).d2(0, 1)),
        lap = at(0, 0, (c) => e(c).laplacian());
      const fdxx = (valueAt(net, (c) => e(c).d(0), [p[0]! + h, p[1]!]) - valueAt(net, (c) => e(c).d(0), [p[0]! - h, p[1]!])) / (2 * h);
      const fdxy = (valueAt(net, (c) => e(c).d(0), [p[0]!, p[1]! + h]) - valueAt(net, (c) => e(c).d(0), [p[0]!, p[1]! - h])) / (2 * h);
      const fdyy = (valueAt(net, (c) => e(c).d(1), [p[0]!, p[1]! + h]) - valueAt(net, (c) => e(c).d(1), [p[0]!, p[1]! - h])) / (2 * h);
      expect(relError([hxx, hxy, lap], [fdxx, fdxy, fdxx + fdyy], 1e-3)).toBeLessThan(1e-6);
      // d(i) of a field is a field: its derivative is the mixed second derivative
      expect(Math.abs(at(0, 0, (c) => e(c).d(0).d(1)) - hxy)).toBeLessThan(1e-10 * Math.max(1, Math.abs(hxy)));
    });
  }
});

describe('parameter gradients of losses on expressions against finite differences (float64)', () => {
  const LOSSES: [string, (c: LossContext) => ReturnType<typeof mean>][] = [
    ['mean((Δ(x0(1-x0)u) + x1)²)', ({ u, x }) => mean(x[0]!.mul(x[0]!.neg().add(1)).mul(u).laplacian().add(x[1]!).square())],
    ['mean((|∇u| - 1)²)  (gradient penalty)', ({ u }) => mean(u.d(0).square().add(u.d(1).square()).sqrt().sub(1).square())],
    [
      'Burgers residual',
      ({ u }) =>
        mean(
          u
            .d(1)
            .add(u.mul(u.d(0)))
            .sub(u.d2(0, 0).mul(0.01))
            .square(),
        ),
    ],
    ['mean(exp(u) u_xy) + 2 mean(u²)', ({ u }) => mean(u.exp().mul(u.d2(0, 1))).add(mean(u.square()).mul(2))],
    ['mean(log(1 + u_x²)) / 3 - mean(u)', ({ u }) => mean(u.d(0).square().add(1).log()).div(3).sub(mean(u))],
  ];
  for (const [name, loss] of LOSSES) {
    it(name, () => {
      const net = new Mlp({ sizes: [2, 5, 4, 1], activation: 'tanh', dtype: 'float64', seed: 5 });
      const points = [
        [0.1, 0.2],
        [-0.3, 0.5],
        [0.7, -0.6],
        [0.2, 0.9],
        [-0.8, -0.1],
      ];
      const t = new Term('t', { points, loss }, net, 1);
      t.advance();
      t.run(true, false, new Float64Array(0));
      const g = flat(net.readGradients());
      const P = net.getParams();
      const fd: number[] = [];
      for (const layer of P)
        for (const key of ['W', 'b'] as const)
          for (let j = 0; j < layer[key].length; j++) {
            const o = layer[key][j]!;
            layer[key][j] = o + 1e-6;
            net.setParams(P);
            const lp = t.run(false, false, new Float64Array(0));
            layer[key][j] = o - 1e-6;
            net.setParams(P);
            const lm = t.run(false, false, new Float64Array(0));
            layer[key][j] = o;
            net.setParams(P);
            fd.push((lp - lm) / 2e-6);
          }
      expect(relError(g, fd, 1e-6)).toBeLessThan(1e-6);
      net.dispose();
    });
  }
});
