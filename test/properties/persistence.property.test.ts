// Property-based tests of saving and loading: toJSON / fromJSON round-trips bitwise on
// random networks; a document or a resume state damaged at random is either still valid
// (and then loads or trains) or refused with a JetfitError that costs no memory and
// leaves the network as it was.
import { fc, it } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { fit, init, memoryUsage, mse, Mlp, type History, type LossContext, type MlpJSON } from '../../dist/index.js';
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

  it.prop([netConfig(SMOOTH, ['float64', 'float32']), damage, fc.constantFrom('adam', 'sgd', 'lbfgs')], { numRuns: runs(60) })(
    'a damaged resume state is refused before anything changes, or continues the run',
    async (cfg, d, optimizer) => {
      const points = Array.from({ length: 6 * cfg.sizes[0]! }, (_, i) => Math.cos(i));
      const o = {
        data: { points, columns: { t: Array.from({ length: 6 }, (_, i) => Math.sin(i)) } },
        loss: ({ u, data }: LossContext) => mse(u, data.t!),
        optimizer: optimizer as 'adam',
        steps: 6,
        batchSize: optimizer === 'lbfgs' ? ('full' as const) : 2,
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
    },
  );
});
