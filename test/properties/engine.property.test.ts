// Property-based tests of the engine: on random networks, requests, points and call
// orders, every call either succeeds with the right numbers (float64 against finite
// differences of a plain-JavaScript reference, float32 against float64) or throws a
// JetfitError and leaves every network bit-identical.
import { fc, it } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { fit, init, mean, Mlp, type Cotangents, type Field, type JetRequest, type Points } from '../../dist/index.js';
import {
  asFloat64,
  attempt,
  attemptAsync,
  d1,
  d2,
  flatPoints,
  netConfig,
  reference,
  relError,
  runs,
  snapshot,
  type NetConfig,
} from './model.js';

await init();

/** A value with whether the engine must accept it. */
interface Tagged<T> {
  value: T;
  ok: boolean;
}

const goodRequest: fc.Arbitrary<Tagged<JetRequest | undefined>> = fc
  .record(
    {
      jacobian: fc.option(fc.boolean(), { nil: undefined }),
      hessian: fc.option(fc.constantFrom('diag' as const, 'full' as const, 'laplacian' as const), { nil: undefined }),
      laplacian: fc.option(fc.boolean(), { nil: undefined }),
    },
    { requiredKeys: [] },
  )
  .map((value) => ({ value, ok: true }));
const badRequest: fc.Arbitrary<Tagged<JetRequest | undefined>> = fc
  .constantFrom({ jacobian: 1 }, { laplacian: 'yes' }, { hessian: 'trace' }, { hessian: true }, { jacobain: true }, 'jacobian', null, [])
  .map((value) => ({ value: value as unknown as JetRequest, ok: false }));
const request = fc.oneof({ weight: 4, arbitrary: goodRequest }, { weight: 1, arbitrary: badRequest });

/** Points for n inputs in one of the accepted forms, or broken in one of the ways users break them. */
function points(n: number, float32: boolean): fc.Arbitrary<Tagged<Points>> {
  const good = flatPoints(n).chain((flat) =>
    fc.constantFrom<Tagged<Points>>(
      { value: flat, ok: true },
      { value: Float64Array.from(flat), ok: true },
      { value: Float32Array.from(flat), ok: true },
      { value: Array.from({ length: flat.length / n }, (_, p) => flat.slice(p * n, p * n + n)), ok: true },
    ),
  );
  const bad = flatPoints(n).chain((flat) =>
    fc.integer({ min: 0, max: flat.length - 1 }).chain((k) =>
      fc.constantFrom<Tagged<Points>>(
        { value: flat.map((v, i) => (i === k ? NaN : v)), ok: false },
        { value: flat.map((v, i) => (i === k ? -Infinity : v)), ok: false },
        { value: flat.map((v, i) => (i === k ? 1e39 : v)), ok: !float32 },
        { value: flat.map((v, i) => (i === k ? '0.5' : v)) as unknown as number[], ok: false },
        { value: flat.map((v, i) => (i === k ? 1n : v)) as unknown as number[], ok: false },
        { value: [...flat, 0.5].slice(0, n === 1 ? 0 : flat.length + 1), ok: false },
        {
          value: Array.from({ length: flat.length / n }, (_, p) => (p === 0 ? [...flat.slice(0, n), 0.5] : flat.slice(p * n, p * n + n))),
          ok: false,
        },
        { value: new BigInt64Array(n) as unknown as number[], ok: false },
      ),
    ),
  );
  return fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: bad });
}

const rows = (x: Points, n: number): number[][] => {
  const flat = Array.isArray(x) && Array.isArray(x[0]) ? (x as number[][]).flat() : Array.from(x as ArrayLike<number>);
  return Array.from({ length: flat.length / n }, (_, p) => flat.slice(p * n, p * n + n));
};

/** Checks evaluate's jets against the reference: float64 by finite differences, float32 against the float64 copy. */
function checkJets(net: Mlp, cfg: NetConfig, x: Points, req: JetRequest | undefined, r: ReturnType<Mlp['evaluate']>): void {
  const n = cfg.sizes[0]!,
    m = cfg.sizes.at(-1)!;
  const pts = rows(x, n);
  if (pts.some((p) => p.some((v) => Math.abs(v) > 10))) return; // finite but huge (float64): no meaningful differences
  if (cfg.dtype === 'float32') {
    const wide = asFloat64(net);
    const w = wide.evaluate(pts.flat(), req);
    // relu's kink: float32 rounds a tiny pre-activation to 0 where float64 keeps its sign,
    // so its derivatives may take the other side; the values agree
    const keys = cfg.activation === 'relu' ? (['y'] as const) : (['y', 'jacobian', 'laplacian', 'hessianDiag', 'hessian'] as const);
    for (const key of keys) {
      if (r[key]) expect(relError(r[key]!, w[key]!, 1e-2), key).toBeLessThan(2e-3);
    }
    wide.dispose();
    return;
  }
  const P = net.getParams();
  const f =
    (k: number) =>
    (p: number[]): number =>
      reference(P, cfg.activation, p)[k]!;
  const expectClose = (got: number, want: number, tol: number, what: string): void => {
    expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));
  };
  pts.forEach((p, b) => {
    for (let k = 0; k < m; k++) {
      expectClose(r.y[b * m + k]!, f(k)(p), 1e-12, 'y');
      for (let i = 0; i < n; i++) {
        // at (or within rounding of) x = 0 every first-layer unit of a relu network sits on its kink (biases start at 0)
        if (r.jacobian && !(cfg.activation === 'relu' && p.every((v) => Math.abs(v) < 1e-6))) {
          const got = r.jacobian[(b * m + k) * n + i]!;
          // relu has a kink: at one, the engine's derivative is one of the two one-sided ones
          const sides = cfg.activation === 'relu' ? [d1(f(k), p, i), oneSided(f(k), p, i, 1), oneSided(f(k), p, i, -1)] : [d1(f(k), p, i)];
          const best = sides.reduce((a, w) => (Math.abs(got - w) < Math.abs(got - a) ? w : a));
          expectClose(got, best, 1e-7, 'jacobian');
        }
        if (r.hessianDiag) expectClose(r.hessianDiag[(b * m + k) * n + i]!, d2(f(k), p, i, i), 2e-5, 'hessianDiag');
        for (let j = 0; j < n && r.hessian; j++) expectClose(r.hessian[((b * m + k) * n + i) * n + j]!, d2(f(k), p, i, j), 2e-5, 'hessian');
      }
      if (r.laplacian) {
        let lap = 0;
        for (let i = 0; i < n; i++) lap += d2(f(k), p, i, i);
        expectClose(r.laplacian[b * m + k]!, lap, 5e-5, 'laplacian');
      }
    }
  });
}

/** One-sided difference of f along input i (direction ±1). */
function oneSided(f: (x: number[]) => number, x: number[], i: number, dir: number, h = 1e-7): number {
  const y = x.slice();
  y[i]! += dir * h;
  return (f(y) - f(x)) / (dir * h);
}

const secondOrder = (req: JetRequest | undefined): boolean => !!req && (req.hessian !== undefined || req.laplacian === true);

describe('engine properties', () => {
  it.prop([netConfig().chain((cfg) => fc.tuple(fc.constant(cfg), request, points(cfg.sizes[0]!, cfg.dtype === 'float32')))], {
    numRuns: runs(60),
  })('evaluate and forward: right or refused, and the parameters never change', ([cfg, req, x]) => {
    const net = new Mlp(cfg);
    const before = snapshot(net);
    const mustWork = req.ok && x.ok && !(cfg.activation === 'relu' && secondOrder(req.value));
    for (const call of [() => net.evaluate(x.value, req.value), () => net.forward(x.value, req.value)]) {
      const r = attempt(call);
      expect(r.ok, r.ok ? 'accepted' : r.error.message).toBe(mustWork);
      if (r.ok) checkJets(net, cfg, x.value, req.value, r.value);
      expect(snapshot(net)).toBe(before);
    }
    net.dispose();
  });

  // Call orders on a few networks: create, evaluate, forward (keeping the pass), backward,
  // gradients, setParams, fit, dispose, in any order, with good and bad arguments. A backward
  // that succeeds must equal the gradient of a fresh copy taken when its pass was made; a
  // call that fails must leave every network bit-identical.
  type Command =
    | { kind: 'create'; cfg: NetConfig }
    | { kind: 'evaluate' | 'forward'; net: number; x: Tagged<number[]>; jets: boolean }
    | { kind: 'backward' | 'gradients'; net: number; pass: number; x: Tagged<number[]>; scale: number; bad: boolean }
    | { kind: 'setParams'; net: number; scale: number; bad: boolean }
    | { kind: 'dispose'; net: number }
    | { kind: 'fit'; net: number; steps: number; bad: boolean };
  const command: fc.Arbitrary<Command> = fc.oneof(
    netConfig(undefined, ['float32', 'float64']).map((cfg) => ({
      kind: 'create' as const,
      cfg: { ...cfg, sizes: [2, cfg.sizes[1]!, cfg.sizes.at(-1)!] },
    })),
    fc.record({
      kind: fc.constantFrom('evaluate' as const, 'forward' as const),
      net: fc.nat(3),
      jets: fc.boolean(),
      x: fc.oneof(
        flatPoints(2, 3).map((v) => ({ value: v, ok: true })),
        flatPoints(2, 3).map((v) => ({ value: [...v.slice(1), NaN], ok: false })),
      ),
    }),
    fc.record({
      kind: fc.constantFrom('backward' as const, 'gradients' as const),
      net: fc.nat(3),
      pass: fc.nat(5),
      scale: fc.double({ min: -2, max: 2, noNaN: true }),
      bad: fc.boolean(),
      x: flatPoints(2, 3).map((v) => ({ value: v, ok: true })),
    }),
    fc.record({
      kind: fc.constant('setParams' as const),
      net: fc.nat(3),
      scale: fc.double({ min: 0.5, max: 1.5, noNaN: true }),
      bad: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('dispose' as const), net: fc.nat(3) }),
    fc.record({ kind: fc.constant('fit' as const), net: fc.nat(3), steps: fc.integer({ min: 1, max: 3 }), bad: fc.boolean() }),
  );

  it.prop([fc.array(command, { minLength: 4, maxLength: 24 })], { numRuns: runs(40) })(
    'any call order: right or refused, nothing corrupted',
    async (commands) => {
      const nets: Mlp[] = [];
      const expected: string[] = [];
      const passes: { pass: ReturnType<Mlp['forward']>; cot: Cotangents; ref: number[] }[] = [];
      const flat = (g: { W: ArrayLike<number>; b: ArrayLike<number> }[]): number[] =>
        g.flatMap(({ W, b }) => [...Array.from(W), ...Array.from(b)]);
      const cotangents = (net: Mlp, B: number, jets: boolean, scale: number): Cotangents => {
        const m = net.outputs;
        const y = Array.from({ length: B * m }, (_, i) => scale * Math.cos(i + 1));
        return jets ? { y, jacobian: Array.from({ length: B * m * 2 }, (_, i) => scale * Math.sin(i + 2)) } : { y };
      };
      const reference = (net: Mlp, x: number[], c: Cotangents): number[] => {
        const copy = Mlp.fromJSON(net.toJSON());
        const g = flat(copy.gradients(x, c));
        copy.dispose();
        return g;
      };
      for (const cmd of commands) {
        if (cmd.kind === 'create') {
          if (nets.length < 4) {
            const net = new Mlp(cmd.cfg);
            nets.push(net);
            expected.push(snapshot(net));
          }
          continue;
        }
        const net = nets[cmd.net % Math.max(1, nets.length)];
        if (!net) continue;
        const before = nets.map(snapshot);
        let r: { ok: true; value: unknown } | { ok: false; error: Error };
        switch (cmd.kind) {
          case 'evaluate':
            r = attempt(() => net.evaluate(cmd.x.value, { jacobian: cmd.jets }));
            break;
          case 'forward': {
            r = attempt(() => net.forward(cmd.x.value, { jacobian: cmd.jets }));
            if (r.ok) {
              const c = cotangents(net, cmd.x.value.length / 2, cmd.jets, 1);
              passes.push({ pass: r.value as ReturnType<Mlp['forward']>, cot: c, ref: reference(net, cmd.x.value, c) });
            }
            break;
          }
          case 'backward': {
            const p = passes[cmd.pass % Math.max(1, passes.length)];
            if (!p) continue;
            const c = cmd.bad ? { y: [NaN] } : p.cot;
            r = attempt(() => p.pass.backward(c));
            if (r.ok) expect(flat(r.value as never)).toEqual(p.ref);
            break;
          }
          case 'gradients': {
            const c = cotangents(net, cmd.x.value.length / 2, true, cmd.scale);
            if (cmd.bad) (c.jacobian as number[])[0] = Infinity;
            const ref = !cmd.bad && !net.disposed ? reference(net, cmd.x.value, c) : null;
            r = attempt(() => net.gradients(cmd.x.value, c));
            if (r.ok) expect(flat(r.value as never)).toEqual(ref);
            break;
          }
          case 'setParams': {
            const p = net.disposed ? [] : net.getParams().map(({ W, b }) => ({ W: Array.from(W, (v) => v * cmd.scale), b: Array.from(b) }));
            if (cmd.bad && p.length) p.at(-1)!.b[0] = NaN;
            r = attempt(() => net.setParams(p));
            if (r.ok) expected[nets.indexOf(net)] = snapshot(net);
            break;
          }
          case 'dispose':
            net.dispose();
            expected[nets.indexOf(net)] = 'disposed';
            r = { ok: true, value: undefined };
            break;
          case 'fit': {
            const o = {
              data: {
                points: [
                  [0.1, 0.2],
                  [0.3, -0.4],
                ],
              },
              loss: ({ u }: { u: Field }) => mean(u.sub(0.5).square()),
              optimizer: { type: 'sgd' as const, lr: cmd.bad ? -1 : 0.1 },
              steps: cmd.steps,
              progress: false,
            };
            r = await attemptAsync(fit(net, o));
            if (r.ok) expected[nets.indexOf(net)] = snapshot(net);
            break;
          }
        }
        if (!r.ok) expect(nets.map(snapshot)).toEqual(before);
        expect(nets.map(snapshot)).toEqual(expected);
        if (net.disposed) expect(attempt(() => net.evaluate([0, 0])).ok).toBe(false);
      }
      for (const n of nets) n.dispose();
    },
  );
});
