// Training on threads: the same bits for 1, 2 and 3 threads (float32 and float64, forward
// and reverse mode, linear and nonlinear losses, point sets, data columns, trainable
// scalars, Adam and L-BFGS); the chunked loss and gradient equal the whole batch's to
// rounding; dispose and abort with workers running; options checked.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  fit,
  init,
  inputMap,
  mean,
  mse,
  Mlp,
  parameter,
  setLimits,
  type DType,
  type FitOptions,
  type History,
  type LossContext,
  type TermOptions,
} from '../../dist/index.js';
import { getCore } from '../../dist/runtime/core.js';
import { fdParams, flat, points, relError } from '../helpers.js';

// three threads whatever the machine has: two workers besides this thread
const info = await init({ threads: 3 });

const N = 1000;
const x2 = Float64Array.from(points(N, 2, 11), (v) => 0.5 + 0.5 * v);
const f = Float64Array.from({ length: N }, (_, p) => Math.sin(3 * x2[2 * p]!) * x2[2 * p + 1]!);
const left = Float64Array.from({ length: 2 * 400 }, (_, i) => (i % 2 === 0 ? 0 : x2[i]!));
const right = Float64Array.from(left, (v, i) => (i % 2 === 0 ? 1 : v));

/** A problem of several terms, each kind of loss the chunks handle. */
function forwardProblem(): Pick<FitOptions, 'terms'> & { c: ReturnType<typeof parameter> } {
  const c = parameter(0.5, 'c');
  return {
    c,
    terms: {
      // second order, forward-mode jets, a data column: a weighted sum of reductions
      pde: { points: x2, columns: { f }, loss: ({ u, data }) => mean(u.laplacian().add(data.f).square()) },
      // a ratio of reductions: two rounds (the shares, then the chunks' gradients)
      ratio: { points: x2, loss: ({ u }) => mean(u.d(0).square()).div(mean(u.square().add(1))), weight: 0.5 },
      // paired point sets
      periodic: { points: left, sets: { right }, loss: ({ u }) => mse(u.at('right').sub(u)).add(mse(u.at('right').d(0).sub(u.d(0)))) },
      // a trainable scalar
      data: { points: x2, columns: { f }, loss: ({ u, data }) => mse(u.mul(c), data.f) },
    },
  };
}

/** First-order loss with fewer outputs than inputs: reverse-mode jets. */
function reverseProblem(): Pick<FitOptions, 'terms'> {
  const x3 = Float64Array.from(points(N, 3, 5));
  return {
    terms: {
      sobolev: {
        points: x3,
        loss: ({ u, x }) =>
          mse(u.d(0).sub(x[1]))
            .add(mse(u.d(1)))
            .add(mse(u.d(2).sub(1))),
      },
    },
  };
}

async function train(
  dtype: DType,
  problem: 'forward' | 'reverse',
  optimizer: 'adam' | 'lbfgs',
  threads: number,
): Promise<{ params: Float64Array; h: History; c: number }> {
  const inputs = problem === 'forward' ? 2 : 3;
  const net = new Mlp({ sizes: [inputs, 48, 48, 1], dtype, seed: 4 });
  const p = problem === 'forward' ? forwardProblem() : reverseProblem();
  const h = await fit(net, {
    terms: p.terms,
    optimizer: optimizer === 'adam' ? { type: 'adam', lr: 0.01 } : { type: 'lbfgs' },
    steps: optimizer === 'adam' ? 12 : 6,
    threads,
    progress: false,
  });
  const params = flat(net.getParams());
  net.dispose();
  return { params, h, c: 'c' in p ? (p.c as ReturnType<typeof parameter>).value : 0 };
}

describe('the same bits for any number of threads', () => {
  for (const dtype of ['float64', 'float32'] as const)
    for (const problem of ['forward', 'reverse'] as const)
      for (const optimizer of ['adam', 'lbfgs'] as const) {
        it(`${dtype}, ${problem} mode, ${optimizer}`, async () => {
          const one = await train(dtype, problem, optimizer, 1);
          expect(one.h.threads).toBe(1);
          expect(one.h.loss.at(-1)!).toBeLessThan(one.h.loss[0]!);
          for (const threads of [2, 3]) {
            const many = await train(dtype, problem, optimizer, threads);
            expect(many.h.threads).toBe(threads);
            expect(many.params).toEqual(one.params);
            expect(many.h.loss).toEqual(one.h.loss);
            expect(many.h.terms).toEqual(one.h.terms);
            expect(many.c).toBe(one.c);
          }
        });
      }
});

it('a run resumed on another number of threads continues bit for bit', async () => {
  const run = async (steps: number[], threads: number[]): Promise<Float64Array> => {
    const net = new Mlp({ sizes: [2, 48, 48, 1], dtype: 'float64', seed: 4 });
    const { terms } = forwardProblem();
    let state: History['state'] | undefined;
    for (let k = 0; k < steps.length; k++) {
      const h: History = await fit(net, {
        terms,
        optimizer: { type: 'adam', lr: 0.01 },
        steps: steps[k]!,
        threads: threads[k]!,
        progress: false,
        ...(state ? { resume: state } : {}),
      });
      expect(h.threads).toBe(threads[k]);
      state = h.state;
    }
    const params = flat(net.getParams());
    net.dispose();
    return params;
  };
  expect(await run([6, 12], [2, 3])).toEqual(await run([12], [1]));
});

it('init gave three threads, and says nothing is off', () => {
  expect(info.threads).toBe(3);
  expect(info.threadsOff).toBeNull();
});

describe('the chunked loss and gradient are the whole batch’s, to rounding', () => {
  // the whole batch's losses, by evaluate
  const pdeLoss = (m: Mlp): number => {
    const lap = m.evaluate(x2, { laplacian: true }).laplacian!;
    let s = 0;
    for (let p = 0; p < N; p++) s += (lap[p]! + f[p]!) ** 2;
    return s / N;
  };
  const ratioLoss = (m: Mlp): number => {
    const { y, jacobian } = m.evaluate(x2, { jacobian: true });
    let a = 0,
      b = 0;
    for (let p = 0; p < N; p++) {
      a += jacobian![2 * p]! ** 2;
      b += y[p]! ** 2 + 1;
    }
    return a / N / (b / N);
  };
  const edge = (m: Mlp): number => {
    const y = m.evaluate(x2.subarray(0, 2 * 50)).y;
    let s = 0;
    for (let p = 0; p < 50; p++) s += y[p]! ** 2;
    return s / 50;
  };
  // each alone, and together after a small whole term (whose task is published last, so
  // tasks and slots are numbered differently: the second round must find each chunk by its slot)
  for (const names of [['pde'], ['ratio'], ['edge', 'ratio', 'pde']] as const) {
    it(`${names.join(' + ')}: ${names.length > 1 ? 'one round and two' : names[0] === 'pde' ? 'a weighted sum (one round)' : 'a ratio of reductions (two rounds)'}`, async () => {
      const lr = 1e-3;
      const net = new Mlp({ sizes: [2, 48, 48, 1], seed: 4, dtype: 'float64' });
      const copy = Mlp.fromJSON(net.toJSON());
      const { terms } = forwardProblem();
      const before = flat(net.getParams());
      const all = { ...terms, edge: { points: x2.subarray(0, 2 * 50), loss: ({ u }: LossContext) => mean(u.square()) } };
      const chosen = Object.fromEntries(names.map((k) => [k, (all as Record<string, TermOptions>)[k]!]));
      const h = await fit(net, { terms: chosen, optimizer: { type: 'sgd', lr }, steps: 1, threads: 2, progress: false });
      expect(h.threads).toBe(2);
      const g = flat(net.getParams()).map((v, i) => (before[i]! - v) / lr);
      const each = { pde: pdeLoss, ratio: ratioLoss, edge };
      const total = (m: Mlp): number => names.reduce((s, k) => s + (k === 'ratio' ? 0.5 : 1) * each[k](m), 0);
      for (const k of names) {
        const want = each[k](copy);
        expect(Math.abs(h.terms[k]![0]! - want) / want).toBeLessThan(1e-12);
      }
      expect(relError(g, flat(fdParams(copy, () => total(copy))))).toBeLessThan(1e-6);
      net.dispose();
      copy.dispose();
    });
  }
});

describe('workers and the network’s life', () => {
  it('dispose from a callback stops the fit; the next fit on threads works', async () => {
    const net = new Mlp({ sizes: [2, 48, 48, 1], seed: 4 });
    const { terms } = forwardProblem();
    await expect(
      fit(net, {
        terms,
        optimizer: { type: 'adam', lr: 0.01 },
        steps: 50,
        threads: 3,
        progress: false,
        onStep: (s) => {
          if (s.step === 3) net.dispose();
        },
      }),
    ).rejects.toThrow(/disposed while fit was training it/);
    const again = await train('float64', 'forward', 'adam', 3);
    expect(again.h.threads).toBe(3);
    expect(again.params).toEqual((await train('float64', 'forward', 'adam', 1)).params);
  });

  it('an abort stops at the next step; the workers are free for the next fit', async () => {
    const net = new Mlp({ sizes: [2, 48, 48, 1], seed: 4 });
    const control = new AbortController();
    const h = await fit(net, {
      terms: forwardProblem().terms,
      optimizer: { type: 'adam', lr: 0.01 },
      steps: 10_000,
      threads: 2,
      progress: false,
      signal: control.signal,
      onStep: (s) => {
        if (s.step === 5) control.abort();
      },
    });
    expect(h.stopReason).toBe('aborted');
    expect(h.steps).toBe(5);
    net.dispose();
    expect((await train('float32', 'reverse', 'adam', 2)).h.threads).toBe(2);
  });

  it('a worker that ended is noticed: that fit runs on one thread or a fresh pool, with the same bits', async () => {
    const reference = await train('float64', 'forward', 'adam', 1);
    // end one worker behind the pool's back, as a crash would
    const pool = getCore('test').pool as unknown as { slots: { port: { terminate(): void } }[] };
    pool.slots[0]!.port.terminate();
    await new Promise((r) => setTimeout(r, 200));
    const after = await train('float64', 'forward', 'adam', 3);
    expect(after.params).toEqual(reference.params);
    expect(after.h.threads).toBe(3);
  });

  it('a Node process with threads exits by itself after dispose', async () => {
    const script = `
      import { init, Mlp, fit, mean } from ${JSON.stringify(new URL('../../dist/index.js', import.meta.url).href)};
      const info = await init({ threads: 2 });
      const x = Float64Array.from({ length: 2 * 2000 }, (_, i) => Math.sin(i));
      const net = new Mlp({ sizes: [2, 32, 32, 1], seed: 1 });
      const h = await fit(net, { data: { points: x }, loss: ({ u }) => mean(u.laplacian().add(1).square()), steps: 5, progress: false });
      net.dispose();
      console.log(JSON.stringify({ threads: h.threads, info }));
    `;
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      timeout: 30_000,
    });
    expect(JSON.parse(stdout)).toEqual({ threads: 2, info: { build: expect.any(String), threads: 2, threadsOff: null } });
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe('evaluate on threads', () => {
  const pool = (): { held(k: number): Set<number>; size: number } => getCore('test').pool as never;
  for (const dtype of ['float32', 'float64'] as const)
    it(`a large batch on three threads equals its points evaluated in small batches, bit for bit (${dtype})`, () => {
      const net = new Mlp({ sizes: [3, 64, 64, 2], dtype, seed: 2, input: inputMap(({ x }) => [x[0]!, x[1]!.mul(2).sin(), x[2]!]) });
      const B = 4000;
      const x = Float64Array.from(points(B, 3, 9));
      for (const request of [
        undefined,
        { jacobian: true },
        { hessian: 'diag' as const },
        { hessian: 'full' as const },
        { laplacian: true },
      ]) {
        const all = net.evaluate(x, request);
        for (const k of ['y', 'jacobian', 'hessianDiag', 'hessian', 'laplacian'] as const) {
          if (!all[k]) continue;
          const per = all[k]!.length / B;
          for (let start = 0; start < B; start += 50) {
            const part = net.evaluate(x.subarray(start * 3, (start + 50) * 3), request);
            expect(all[k]!.subarray(start * per, (start + 50) * per)).toEqual(part[k]);
          }
        }
      }
      // (the workers hold a copy of the network: the batch did run on them)
      expect([0, 1].every((k) => pool().held(k).size > 0)).toBe(true);
      net.dispose();
      expect([0, 1].every((k) => pool().held(k).size === 0)).toBe(true);
    });

  it('a batch too large is refused with the whole request and its split, not one range of it', () => {
    const net = new Mlp({ sizes: [3, 64, 64, 2], seed: 2 });
    const x = Float64Array.from(points(4000, 3, 9));
    const before = setLimits({ maxBytes: 100000 });
    try {
      expect(() => net.evaluate(x, { hessian: 'full' })).toThrow(
        /^evaluate\(x\): would need about .* \(4000 points and their jets in a buffer shared by 3 threads\)/,
      );
    } finally {
      setLimits(before);
    }
    expect(net.evaluate(x, { hessian: 'full' }).hessian!.length).toBe(4000 * 2 * 9);
    net.dispose();
  });

  it('from a fit’s callback (its workers busy in the fit) it runs on this thread, with the same values', async () => {
    const net = new Mlp({ sizes: [2, 48, 48, 1], dtype: 'float64', seed: 4 });
    const probe = Float64Array.from(points(3000, 2, 3));
    let during: Float64Array | null = null,
      copy: Mlp | null = null;
    await fit(net, {
      terms: forwardProblem().terms,
      steps: 3,
      threads: 3,
      progress: false,
      onStep: (s) => {
        if (s.step !== 2) return;
        during = net.evaluate(probe, { laplacian: true }).laplacian as Float64Array;
        copy = Mlp.fromJSON(net.toJSON());
      },
    });
    expect(during).toEqual(copy!.evaluate(probe, { laplacian: true }).laplacian);
    net.dispose();
    copy!.dispose();
  });
});

describe('options', () => {
  it('fit.threads is a whole number ≥ 1, checked before anything changes', async () => {
    const net = new Mlp({ sizes: [2, 8, 1], seed: 1 });
    const before = flat(net.getParams());
    for (const bad of [0, 1.5, -1, '2', 1000]) {
      await expect(
        fit(net, { data: { points: [[0, 0]] }, loss: ({ u }) => mean(u), steps: 1, threads: bad as number, progress: false }),
      ).rejects.toThrow(/fit\.threads: expected a whole number from 1 to 256/);
    }
    expect(flat(net.getParams())).toEqual(before);
    net.dispose();
  });

  it('init reports threads off, and why, when asked for one; refuses a bad count or key', async () => {
    const dist = JSON.stringify(new URL('../../dist/index.js', import.meta.url).href);
    const runInit = async (arg: string): Promise<unknown> => {
      const script = `import { init } from ${dist}; try { console.log(JSON.stringify(await init(${arg}))); } catch (e) { console.log(JSON.stringify({ error: e.message })); }`;
      return JSON.parse((await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script])).stdout);
    };
    expect(await runInit('{ threads: 1 }')).toEqual({ build: expect.any(String), threads: 1, threadsOff: 'init was asked for threads: 1' });
    expect(await runInit('{ threads: 0 }')).toEqual({
      error: expect.stringMatching(/init: threads must be a whole number from 1 to 256, got 0/),
    });
    expect(await runInit('{ thread: 2 }')).toEqual({ error: 'init: unknown option "thread"; did you mean "threads"?' });
  });
});
