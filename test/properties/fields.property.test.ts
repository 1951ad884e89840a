// Property-based tests of the loss language: random expressions over the network's
// outputs, the coordinates, a data column, constants and a trainable scalar, with sums,
// products, functions and derivatives nested at random. Each is either refused with a
// JetfitError exactly when it needs more than second derivatives of the network, or
// trained on: its loss equals a plain-JavaScript evaluation by finite differences, and
// the gradient fit uses equals finite differences of that loss in the parameters.
import { fc, it } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { fit, init, mean, Mlp, parameter, type Field, type LossContext, type Parameter } from '../../dist/index.js';
import { attemptAsync, d1, d2, reference, runs, snapshot } from './model.js';

await init();

type Expr =
  | { k: 'u' }
  | { k: 'x'; i: number }
  | { k: 'col' }
  | { k: 'c'; v: number }
  | { k: 'p' }
  | { k: 'add' | 'sub' | 'mul'; a: Expr; b: Expr }
  | { k: 'fn'; f: 'sin' | 'cos' | 'tanh' | 'square' | 'exp'; a: Expr }
  | { k: 'd'; i: number; a: Expr }
  | { k: 'd2'; i: number; j: number; a: Expr }
  | { k: 'lap'; a: Expr };

const N_IN = 2;
const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<Expr>({ k: 'u' }),
    fc.integer({ min: 0, max: N_IN - 1 }).map((i): Expr => ({ k: 'x', i })),
    fc.constant<Expr>({ k: 'col' }),
    fc.double({ min: -2, max: 2, noNaN: true }).map((v): Expr => ({ k: 'c', v })),
    fc.constant<Expr>({ k: 'p' }),
    fc.record({ k: fc.constantFrom('add' as const, 'sub' as const, 'mul' as const), a: tie('e'), b: tie('e') }),
    fc.record({
      k: fc.constant('fn' as const),
      f: fc.constantFrom('sin' as const, 'cos' as const, 'tanh' as const, 'square' as const, 'exp' as const),
      a: tie('e'),
    }),
    fc.record({ k: fc.constant('d' as const), i: fc.integer({ min: 0, max: N_IN - 1 }), a: tie('e') }),
    fc.record({
      k: fc.constant('d2' as const),
      i: fc.integer({ min: 0, max: N_IN - 1 }),
      j: fc.integer({ min: 0, max: N_IN - 1 }),
      a: tie('e'),
    }),
    fc.record({ k: fc.constant('lap' as const), a: tie('e') }),
  ),
})).e;

/** The deepest nesting of derivatives along any path: above 2, jetfit must refuse. */
function order(e: Expr): number {
  switch (e.k) {
    case 'add':
    case 'sub':
    case 'mul':
      return Math.max(order(e.a), order(e.b));
    case 'fn':
      return order(e.a);
    case 'd':
      return 1 + order(e.a);
    case 'd2':
    case 'lap':
      return 2 + order(e.a);
    default:
      return 0;
  }
}

function build(e: Expr, c: LossContext, k: Parameter): Field {
  switch (e.k) {
    case 'u':
      return c.u;
    case 'x':
      return c.x[e.i]!;
    case 'col':
      return c.data.w!;
    case 'c':
      return c.x[0]!.mul(0).add(e.v);
    case 'p':
      return c.x[0]!.mul(0).add(k);
    case 'add':
      return build(e.a, c, k).add(build(e.b, c, k));
    case 'sub':
      return build(e.a, c, k).sub(build(e.b, c, k));
    case 'mul':
      return build(e.a, c, k).mul(build(e.b, c, k));
    case 'fn': {
      const a = build(e.a, c, k);
      return e.f === 'square' ? a.square() : a[e.f]();
    }
    case 'd':
      return build(e.a, c, k).d(e.i);
    case 'd2':
      return build(e.a, c, k).d2(e.i, e.j);
    case 'lap':
      return build(e.a, c, k).laplacian();
  }
}

/** The expression at one point, in plain float64: derivatives by nested central differences. */
function evaluate(e: Expr, x: number[], u: (x: number[]) => number, col: number, k: number): number {
  const ev =
    (a: Expr) =>
    (y: number[]): number =>
      evaluate(a, y, u, col, k);
  switch (e.k) {
    case 'u':
      return u(x);
    case 'x':
      return x[e.i]!;
    case 'col':
      return col;
    case 'c':
      return e.v;
    case 'p':
      return k;
    case 'add':
      return evaluate(e.a, x, u, col, k) + evaluate(e.b, x, u, col, k);
    case 'sub':
      return evaluate(e.a, x, u, col, k) - evaluate(e.b, x, u, col, k);
    case 'mul':
      return evaluate(e.a, x, u, col, k) * evaluate(e.b, x, u, col, k);
    case 'fn': {
      const a = evaluate(e.a, x, u, col, k);
      return e.f === 'square' ? a * a : Math[e.f](a);
    }
    case 'd':
      return d1(ev(e.a), x, e.i, 1e-4);
    case 'd2':
      return d2(ev(e.a), x, e.i, e.j, 2e-3);
    case 'lap': {
      let s = 0;
      for (let i = 0; i < x.length; i++) s += d2(ev(e.a), x, i, i, 2e-3);
      return s;
    }
  }
}

const setup = fc.record({
  e: expr,
  seed: fc.integer({ min: 0, max: 1000 }),
  pts: fc.array(fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })), {
    minLength: 1,
    maxLength: 3,
  }),
  k0: fc.double({ min: -1, max: 1, noNaN: true }),
});

describe('loss language properties', () => {
  it.prop([setup], { numRuns: runs(60) })(
    'any expression: refused exactly when it needs third derivatives, else its loss and gradient are right',
    async ({ e, seed, pts, k0 }) => {
      const net = new Mlp({ sizes: [N_IN, 5, 1], activation: 'tanh', dtype: 'float64', seed });
      const w = pts.map(([a, b]) => Math.cos(3 * a + b));
      const before = snapshot(net);
      const k = parameter(k0, 'k');
      const run = (n: Mlp, kk: Parameter) =>
        fit(n, {
          data: { points: pts, columns: { w } },
          loss: (c) => mean(build(e, c, kk).square()),
          optimizer: { type: 'sgd', lr: 1 },
          steps: 1,
          progress: false,
        });
      const r = await attemptAsync(run(net, k));
      if (order(e) > 2) {
        expect(r.ok).toBe(false);
        expect(r.ok ? '' : r.error.message).toMatch(/third derivatives/);
        expect(snapshot(net)).toBe(before);
        net.dispose();
        return;
      }
      // A step can be refused only for a non-finite loss or gradient, and then changes nothing.
      if (!r.ok) {
        expect(r.error.message).toMatch(/became/);
        expect(snapshot(net)).toBe(before);
        net.dispose();
        return;
      }
      // the loss fit saw, against the plain-JavaScript evaluation at the starting parameters
      const start = new Mlp({ sizes: [N_IN, 5, 1], activation: 'tanh', dtype: 'float64', seed });
      const params = start.getParams();
      const u = (x: number[]): number => reference(params, 'tanh', x)[0]!;
      const values = pts.map((p, i) => evaluate(e, p, u, w[i]!, k0));
      const want = values.reduce((s, v) => s + v * v, 0) / pts.length;
      const got = r.value.loss[0]!;
      expect(Math.abs(got - want), `loss ${got} vs ${want}`).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(want)));
      // the gradient fit used (SGD with lr 1: g = p0 − p1) against central differences of fit's own loss
      const g = [...start.getParams().flatMap(({ W, b }) => [...W, ...b])].map(
        (p0, i) => p0 - net.getParams().flatMap(({ W, b }) => [...W, ...b])[i]!,
      );
      g.push(k0 - k.value);
      const dir = g.map((_, i) => Math.sin(7 * i + 1));
      const lossAt = async (t: number): Promise<number> => {
        const probe = Mlp.fromJSON(start.toJSON());
        const flatP = params.flatMap(({ W, b }) => [...W, ...b]);
        let o = 0;
        probe.setParams(
          params.map(({ W, b }) => ({
            W: Array.from(W, () => flatP[o] + t * dir[o++]!),
            b: Array.from(b, () => flatP[o] + t * dir[o++]!),
          })),
        );
        const kk = parameter(k0 + t * dir[g.length - 1]!, 'k');
        const h = await run(probe, kk);
        probe.dispose();
        return h.loss[0]!;
      };
      const t = 1e-6;
      const fd = ((await lossAt(t)) - (await lossAt(-t))) / (2 * t);
      const gd = g.reduce((s, v, i) => s + v * dir[i]!, 0);
      expect(Math.abs(gd - fd), `directional derivative ${gd} vs ${fd}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(fd)));
      net.dispose();
      start.dispose();
    },
  );
});
