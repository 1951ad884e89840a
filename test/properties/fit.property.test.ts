// Property-based tests of fit: random training set-ups (optimizers, phases, batch sizes,
// schedules, clipping, seeds, dtypes), some with one option broken. A broken option is
// refused with a JetfitError before anything changes; a valid set-up trains to finite
// parameters, bitwise reproducibly, and stopping at a random step, saving everything as
// JSON and resuming gives the parameters of the uninterrupted run, bit for bit.
import { fc, it } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { fit, init, mean, mse, Mlp, type FitOptions, type History, type PhaseOptions } from '../../dist/index.js';
import { attemptAsync, netConfig, runs, snapshot, SMOOTH } from './model.js';

await init();

const xs = Array.from({ length: 12 }, (_, i) => [-1 + (2 * i) / 11, Math.sin(i)]);
const phase: fc.Arbitrary<PhaseOptions> = fc.oneof(
  fc.record(
    {
      optimizer: fc.oneof(
        fc.record({ type: fc.constantFrom('adam' as const, 'adamw' as const), lr: fc.double({ min: 1e-4, max: 0.05, noNaN: true }) }),
        fc.record({
          type: fc.constant('sgd' as const),
          lr: fc.double({ min: 1e-4, max: 0.05, noNaN: true }),
          momentum: fc.constantFrom(0, 0.9),
        }),
      ),
      steps: fc.integer({ min: 0, max: 7 }),
      batchSize: fc.constantFrom<number | 'full'>(3, 5, 'full'),
      schedule: fc.constantFrom<PhaseOptions['schedule']>(undefined, { type: 'cosine', warmup: 2 }, { type: 'step', every: 3, gamma: 0.5 }),
      clipNorm: fc.constantFrom(undefined, 0.5),
    },
    { requiredKeys: ['optimizer', 'steps'] },
  ),
  fc.record({ optimizer: fc.constant('lbfgs' as const), steps: fc.integer({ min: 0, max: 5 }) }),
);
const setup = fc.record({
  net: netConfig(SMOOTH).map((c) => ({ ...c, sizes: [2, ...c.sizes.slice(1)] })),
  phases: fc.array(phase, { minLength: 1, maxLength: 3 }),
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  twoTerms: fc.boolean(),
});

function options(s: { phases: PhaseOptions[]; seed: number; twoTerms: boolean }): FitOptions {
  const terms: FitOptions['terms'] = {
    data: { points: xs, columns: { t: xs.map(([a, b]) => Math.sin(a! + b!)) }, loss: ({ u, data }) => mse(u, data.t!) },
  };
  if (s.twoTerms) terms.slope = { points: xs, weight: 0.1, loss: ({ u }) => mean(u.d(0).sub(1).square()) };
  return { terms, phases: s.phases, seed: s.seed, progress: false };
}

/** One way to break a valid set-up, the message that must name it, and whether the network must be relu. */
const breakage = fc.constantFrom<[string, (o: FitOptions) => void, RegExp, boolean]>(
  [
    'unknown key',
    (o) => {
      (o as Record<string, unknown>).stepz = 1;
    },
    /unknown option "stepz"/,
    false,
  ],
  [
    'negative lr',
    (o) => {
      o.phases![0] = { ...o.phases![0], optimizer: { type: 'adam', lr: -1 } };
    },
    /lr: expected a number in \(0, ∞\)/,
    false,
  ],
  [
    'fractional steps',
    (o) => {
      o.phases!.at(-1)!.steps = 1.5;
    },
    /steps: expected a whole number ≥ 0, got 1\.5/,
    false,
  ],
  [
    'bad seed',
    (o) => {
      o.seed = 2 ** 40;
    },
    /fit\.seed: expected a whole number/,
    false,
  ],
  [
    'lbfgs with a schedule',
    (o) => {
      o.phases!.push({ optimizer: 'lbfgs', steps: 1, schedule: { type: 'cosine' } });
    },
    /L-BFGS chooses its own steps \(by line search\)/,
    false,
  ],
  [
    'unknown monitor',
    (o) => {
      o.earlyStopping = { monitor: 'nope', patience: 1 };
    },
    /earlyStopping\.monitor: no term named 'nope'/,
    false,
  ],
  [
    'NaN in the data',
    (o) => {
      o.terms!.data!.columns = { t: xs.map(() => NaN) };
    },
    /data column 't': entry 0 is NaN/,
    false,
  ],
  [
    'second order on relu',
    (o) => {
      o.terms!.data!.loss = ({ u }) => mean(u.laplacian());
    },
    /whose second derivative is zero/,
    true,
  ],
);

const flatParams = (net: Mlp): number[] => net.getParams().flatMap(({ W, b }) => [...W, ...b]);

describe('fit properties', () => {
  it.prop([setup], { numRuns: runs(30) })('a valid set-up trains to finite parameters, the same bits every time', async (s) => {
    const a = new Mlp(s.net),
      b = new Mlp(s.net);
    const ra = await attemptAsync(fit(a, options(s)));
    const rb = await attemptAsync(fit(b, options(s)));
    expect(snapshot(a)).toBe(snapshot(b));
    expect(flatParams(a).every(Number.isFinite)).toBe(true);
    expect(ra.ok).toBe(rb.ok);
    if (ra.ok) {
      const h = ra.value as History;
      expect(h.loss.length).toBe(h.steps);
      expect(h.loss.every(Number.isFinite)).toBe(true);
      expect(h.phases.length).toBeGreaterThan(0);
    } else {
      expect(ra.error.message).toMatch(/became|overflows/);
    }
    a.dispose();
    b.dispose();
  });

  it.prop([setup, breakage], { numRuns: runs(30) })(
    'a broken option is refused before anything changes',
    async (s, [, breakIt, message, relu]) => {
      const net = new Mlp(relu ? { ...s.net, activation: 'relu' } : s.net);
      const o = options(s);
      breakIt(o);
      const before = snapshot(net);
      const r = await attemptAsync(fit(net, o));
      expect(r.ok).toBe(false);
      expect(r.ok ? '' : r.error.message).toMatch(message);
      expect(snapshot(net)).toBe(before);
      net.dispose();
    },
  );

  it.prop([setup, fc.integer({ min: 1, max: 12 }), fc.constantFrom('callback', 'abort')], { numRuns: runs(25) })(
    'stop anywhere (callback or abort), save as JSON, resume: the same bits as one run',
    async (s, at, how) => {
      const whole = new Mlp(s.net),
        parts = new Mlp(s.net);
      const h = await attemptAsync(fit(whole, options(s)));
      if (!h.ok) {
        whole.dispose();
        parts.dispose();
        return;
      }
      const controller = new AbortController();
      const first = await fit(
        parts,
        how === 'callback'
          ? { ...options(s), onStep: (i) => i.step < at }
          : {
              ...options(s),
              signal: controller.signal,
              onStep: (i) => {
                if (i.step >= at) controller.abort();
              },
            },
      );
      if (first.steps < (h.value as History).steps) expect(first.stopReason).toBe(how === 'callback' ? 'callback' : 'aborted');
      const saved = JSON.stringify({ net: parts.toJSON(), state: first.state });
      parts.dispose();
      const back = JSON.parse(saved) as { net: never; state: History['state'] };
      const again = Mlp.fromJSON(back.net);
      const rest = await fit(again, { ...options(s), resume: back.state });
      expect(rest.steps).toBe((h.value as History).steps);
      expect(snapshot(again)).toBe(snapshot(whole));
      whole.dispose();
      again.dispose();
    },
  );

  it.prop([setup, fc.integer({ min: 1, max: 6 })], { numRuns: runs(15) })(
    'a dispose during fit stops it cleanly; other networks are untouched',
    async (s, at) => {
      const net = new Mlp(s.net);
      const bystander = new Mlp({ ...s.net, seed: (s.net.seed + 1) % 2 ** 32 });
      const before = snapshot(bystander);
      let late: Mlp | null = null,
        lateBefore = '';
      const r = await attemptAsync(
        fit(net, {
          ...options(s),
          onStep: (i) => {
            if (i.step === at) {
              net.dispose();
              late = new Mlp(s.net);
              lateBefore = snapshot(late);
            }
          },
        }),
      );
      if (net.disposed) {
        expect(r.ok).toBe(false);
        expect(r.ok ? '' : r.error.message).toMatch(/disposed while fit was training it/);
      }
      expect(snapshot(bystander)).toBe(before);
      if (late) {
        expect(snapshot(late)).toBe(lateBefore);
        (late as Mlp).dispose();
      }
      if (!net.disposed) net.dispose();
      bystander.dispose();
    },
  );
});
