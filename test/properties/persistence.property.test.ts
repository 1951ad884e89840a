// Property-based tests of saving and loading: toJSON / fromJSON round-trips bitwise on
// random networks; a document or a resume state damaged at random is either still valid
// (and then loads or trains) or refused with a JetfitError that costs no memory and
// leaves the network as it was.
import { fc, it } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  fit,
  init,
  inputMap,
  memoryUsage,
  mse,
  Mlp,
  outputMap,
  type Field,
  type History,
  type LossContext,
  type MlpJSON,
} from '../../dist/index.js';
import { attempt, attemptAsync, netConfig, runs, snapshot, SMOOTH } from './model.js';

await init();

/** A damage to a JSON value at a random place: a path of keys/indices and what to put there. */
const damage = fc.record({
  path: fc.array(fc.nat(40), { minLength: 1, maxLength: 5 }),
  put: fc.constantFrom<unknown>(NaN, null, undefined, -1, 0, 1.5, 2 ** 33, 1e39, 'x', [], {}, true, [1, 2]),
  mode: fc.constantFrom('set', 'delete', 'push'),
});

/** Applies a damage to a deep copy of `doc` (JSON-like), walking the path modulo each container's size. */
function damaged<T>(doc: T, d: { path: number[]; put: unknown; mode: string }): T {
  const copy = structuredClone(doc) as unknown;
  let at: unknown = copy;
  for (let i = 0; i < d.path.length; i++) {
    if (typeof at !== 'object' || at === null) break;
    const keys = Array.isArray(at) ? at.map((_, k) => k) : Object.keys(at);
    if (keys.length === 0) break;
    const key = keys[d.path[i]! % keys.length]!;
    const child = (at as Record<string | number, unknown>)[key];
    if (i === d.path.length - 1 || typeof child !== 'object' || child === null) {
      if (d.mode === 'delete') delete (at as Record<string | number, unknown>)[key];
      else if (d.mode === 'push' && Array.isArray(child)) child.push(d.put);
      else (at as Record<string | number, unknown>)[key] = d.put;
      break;
    }
    at = child;
  }
  return copy as T;
}

/** A random expression of a map: outputs, coordinates, numbers, functions, products and derivatives. */
type MapExpr =
  | { k: 'u' }
  | { k: 'x'; i: number }
  | { k: 'c'; v: number }
  | { k: 'f'; f: 'sin' | 'tanh' | 'square' | 'exp'; a: MapExpr }
  | { k: 'add' | 'mul'; a: MapExpr; b: MapExpr }
  | { k: 'd'; i: number; a: MapExpr };
const mapExpr: fc.Arbitrary<MapExpr> = fc.letrec<{ e: MapExpr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<MapExpr>({ k: 'u' }),
    fc.nat(2).map((i): MapExpr => ({ k: 'x', i })),
    fc.double({ min: -3, max: 3, noNaN: true }).map((v): MapExpr => ({ k: 'c', v })),
    fc.record({
      k: fc.constant('f' as const),
      f: fc.constantFrom('sin' as const, 'tanh' as const, 'square' as const, 'exp' as const),
      a: tie('e'),
    }),
    fc.record({ k: fc.constantFrom('add' as const, 'mul' as const), a: tie('e'), b: tie('e') }),
    fc.record({ k: fc.constant('d' as const), i: fc.nat(2), a: tie('e') }),
  ),
})).e;

function build(e: MapExpr, u: Field, x: readonly Field[]): Field {
  const n = x.length;
  switch (e.k) {
    case 'u':
      return u;
    case 'x':
      return x[e.i % n]!;
    case 'c':
      return x[0]!.mul(0).add(e.v);
    case 'f':
      return build(e.a, u, x)[e.f]();
    case 'add':
      return build(e.a, u, x).add(build(e.b, u, x));
    case 'mul':
      return build(e.a, u, x).mul(build(e.b, u, x));
    case 'd':
      return build(e.a, u, x).d(e.i % n);
  }
}

/** A network with a random output map (and, half the time, a random input map) over 1–3 inputs. */
const mappedNet = fc.record({
  n: fc.integer({ min: 1, max: 3 }),
  output: mapExpr,
  input: fc.option(mapExpr, { nil: undefined }),
  dtype: fc.constantFrom('float32' as const, 'float64' as const),
  seed: fc.nat(1000),
});

function makeMapped(c: { n: number; output: MapExpr; input: MapExpr | undefined; dtype: 'float32' | 'float64'; seed: number }): Mlp | null {
  // maps whose derivatives reach beyond the network's second order are refused by name; those are other properties' business
  const r = attempt(
    () =>
      new Mlp({
        sizes: [c.n, 4, 1],
        dtype: c.dtype,
        seed: c.seed,
        output: outputMap(({ u, x }) => build(c.output, u, x)),
        ...(c.input ? { input: inputMap(({ x }) => [x[0]!, build(c.input!, x[0]!, x)]) } : {}),
      }),
  );
  return r.ok ? r.value : null;
}

describe('persistence properties', () => {
  it.prop([netConfig()], { numRuns: runs(40) })('toJSON / fromJSON round-trip bitwise, through a JSON string too', (cfg) => {
    const net = new Mlp(cfg);
    for (const doc of [net.toJSON(), JSON.stringify(net.toJSON())]) {
      const copy = Mlp.fromJSON(doc);
      expect(snapshot(copy)).toBe(snapshot(net));
      const x = Array.from({ length: 3 * cfg.sizes[0]! }, (_, i) => Math.sin(i));
      expect(Array.from(copy.evaluate(x).y)).toEqual(Array.from(net.evaluate(x).y));
      copy.dispose();
    }
    net.dispose();
  });

  it.prop([mappedNet, damage], { numRuns: runs(60) })(
    'a network with maps: its document round-trips bitwise; damaged, it loads as written or is refused with a JetfitError',
    (c, d) => {
      const net = makeMapped(c);
      if (!net) return;
      const x = Array.from({ length: 3 * c.n }, (_, i) => 0.3 * Math.sin(i + 1));
      const want = attempt(() => Array.from(net.evaluate(x).y));
      const copy = Mlp.fromJSON(JSON.stringify(net.toJSON()));
      const got = attempt(() => Array.from(copy.evaluate(x).y));
      expect(got.ok).toBe(want.ok);
      if (want.ok && got.ok) expect(got.value).toEqual(want.value);
      copy.dispose();
      const doc = damaged(net.toJSON(), d);
      const r = attempt(() => Mlp.fromJSON(doc as MlpJSON));
      if (r.ok) {
        expect(r.value.toJSON()).toEqual(JSON.parse(JSON.stringify(doc)));
        attempt(() => r.value.evaluate(x));
        r.value.dispose();
      }
      net.dispose();
    },
  );

  it.prop([netConfig(), damage], { numRuns: runs(80) })('a damaged document loads as written or is refused at no cost', (cfg, d) => {
    const net = new Mlp(cfg);
    const doc = damaged(net.toJSON(), d);
    const before = memoryUsage().inUse;
    const r = attempt(() => Mlp.fromJSON(doc as MlpJSON));
    if (r.ok) {
      const back = r.value;
      // accepted: it must be exactly what the document says
      expect(back.toJSON()).toEqual(JSON.parse(JSON.stringify(doc)));
      back.dispose();
    }
    expect(memoryUsage().inUse).toBe(before);
    net.dispose();
  });

  it.prop([netConfig(SMOOTH, ['float64', 'float32']), damage, fc.constantFrom('adam', 'sgd', 'lbfgs', 'bfgs', 'ssbroyden', 'lm')], {
    numRuns: runs(60),
  })('a damaged resume state is refused before anything changes, or continues the run', async (cfg, d, optimizer) => {
    const points = Array.from({ length: 6 * cfg.sizes[0]! }, (_, i) => Math.cos(i));
    const o = {
      data: { points, columns: { t: Array.from({ length: 6 }, (_, i) => Math.sin(i)) } },
      loss: ({ u, data }: LossContext) => mse(u, data.t!),
      optimizer: optimizer as 'adam',
      steps: 6,
      batchSize: optimizer === 'adam' || optimizer === 'sgd' ? 2 : ('full' as const),
      progress: false,
    };
    const net = new Mlp(cfg);
    const first = await fit(net, { ...o, onStep: (s) => s.step < 3 });
    const state = damaged(first.state, d);
    const before = snapshot(net);
    const r = await attemptAsync(fit(net, { ...o, resume: state as History['state'] }));
    if (!r.ok) {
      expect(r.error.message).toMatch(/^resume|became|overflows/);
      if (/^resume/.test(r.error.message)) expect(snapshot(net)).toBe(before);
    } else {
      expect(
        net
          .getParams()
          .flatMap(({ W, b }) => [...W, ...b])
          .every(Number.isFinite),
      ).toBe(true);
    }
    net.dispose();
  });
});
