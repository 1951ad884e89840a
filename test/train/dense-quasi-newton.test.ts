// The dense quasi-Newton methods ('bfgs', 'ssbfgs', 'ssbroyden'): the update against a direct
// transcription of the published formulas on random H, s, y; symmetry and positive
// definiteness kept; the kernels against plain loops; known minima; resume bitwise; bad input.
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILDS, lift, loadCores, rosenbrock } from '../helpers.js';
import { fit, init, mean, Mlp, parameter, type LossContext, type OptimizerSpec } from '../../dist/index.js';
import { rankTwoCoefficients, scaling, type DenseMethod } from '../../dist/optimizers/self-scaling.js';
import { Random } from '../../dist/base/random.js';

await init();

let cores: Awaited<ReturnType<typeof loadCores>>;
beforeAll(async () => {
  cores = await loadCores();
});

type Matrix = number[][];
const matVec = (A: Matrix, x: number[]) => A.map((r) => r.reduce((s, a, j) => s + a * x[j]!, 0));
const dotv = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const outer = (a: number[], b: number[]) => a.map((ai) => b.map((bj) => ai * bj));
const add = (A: Matrix, B: Matrix, c = 1) => A.map((r, i) => r.map((v, j) => v + c * B[i]![j]!));
const scale = (A: Matrix, c: number) => A.map((r) => r.map((v) => v * c));

/** A random symmetric positive definite matrix: Q diag Qᵀ-like, built as AAᵀ + n·I·0.1. */
function spd(n: number, r: Random): Matrix {
  const A = Array.from({ length: n }, () => Array.from({ length: n }, () => r.uniformIn(-1, 1)));
  return A.map((_, i) => A.map((__, j) => dotv(A[i]!, A[j]!) + (i === j ? 0.1 * n : 0)));
}

/** Cholesky succeeds: positive definite. */
function positiveDefinite(H: Matrix): boolean {
  const n = H.length,
    L = H.map((r) => r.map(() => 0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = H[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(s > 0)) return false;
        L[i]![i] = Math.sqrt(s);
      } else L[i]![j] = s / L[j]![j]!;
    }
  return true;
}

/**
 * The reference update, transcribed from Urbán et al.'s code (modified_optimize.py,
 * _minimize_bfgs) step by step in plain matrix arithmetic, for H ≠ I (not the first pair).
 */
function reference(method: DenseMethod | 'ssbroyden1', H: Matrix, s: number[], y: number[], gOld: number[], alpha: number): Matrix {
  const N = s.length;
  const rho = 1 / dotv(y, s);
  if (method === 'bfgs' || method === 'ssbfgs') {
    let Hk = H;
    if (method === 'ssbfgs') {
      const b = -alpha * rho * dotv(s, gOld);
      Hk = scale(Hk, 1 / Math.min(1, 1 / b));
    }
    const Hy = matVec(Hk, y);
    const h = dotv(y, Hy) * rho;
    return add(add(Hk, add(outer(Hy, s), outer(s, Hy)), -rho), outer(s, s), rho * (1 + h));
  }
  const Hy = matVec(H, y);
  const yHy = dotv(y, Hy);
  const h = yHy * rho;
  const b = -alpha * rho * dotv(s, gOld);
  const a = b * h - 1;
  const rhom = Math.min(1, h * (1 - Math.sqrt(Math.abs(a) / (1 + a))));
  const thetam = (rhom - 1) / a;
  let theta: number;
  if (method === 'ssbroyden') theta = Math.max(thetam, Math.min(1 / rhom, (1 - b) / b));
  else {
    const thetap = Math.max(1, b * (1 + Math.sqrt(Math.abs(a) / (1 + a))));
    const sr1 = 1 / (1 - b);
    theta = b === 1 ? thetam : b > 1 ? Math.max(thetam, sr1) : Math.min(thetap, sr1);
  }
  const rhokk = Math.min(1, 1 / b);
  const sigma = 1 + theta * a;
  const sigmaRoot = Math.abs(sigma) ** (1 / (1 - N));
  const tau = theta <= 0 ? Math.min(rhokk * sigmaRoot, sigma) : rhokk * Math.min(sigmaRoot, 1 / theta);
  const v = s.map((si, i) => si * rho - Hy[i]! / yHy);
  const phi = (1 - theta) / (1 + a * theta);
  return add(scale(add(add(H, outer(Hy, Hy), -1 / yHy), outer(v, v), phi * yHy), 1 / tau), outer(s, s), rho);
}

/** The update through self-scaling.ts and the WebAssembly kernel; returns H₊ and H₊·g. */
function kernelUpdate(
  build: string,
  method: DenseMethod,
  variant: 1 | 2,
  H: Matrix,
  s: number[],
  y: number[],
  gOld: number[],
  gNew: number[],
  alpha: number,
) {
  const { exports, heap } = cores.get(build)!;
  const n = s.length,
    ld = n + (n & 1);
  const p = heap.alloc((ld * n + 4 * ld) * 8);
  const f = () => heap.f64;
  const base = p / 8;
  f().fill(0, base, base + ld * n + 4 * ld);
  H.forEach((r, i) => {
    f().set(r, base + i * ld);
  });
  const vec = (k: number) => base + ld * n + k * ld;
  f().set(s, vec(0));
  f().set(y, vec(1));
  f().set(gNew, vec(2));
  exports.symmetric_product_f64(p, ld, n, vec(1) * 8, vec(3) * 8); // H·y
  const Hy = Array.from(f().subarray(vec(3), vec(3) + n));
  const rho = 1 / dotv(y, s),
    q = dotv(y, Hy),
    b = -alpha * rho * dotv(s, gOld);
  const st = scaling(method, variant, false, { rho, q, b, n })!;
  const c = rankTwoCoefficients(st.tau, st.phi, rho, q)!;
  exports.symmetric_rank_two_update_f64(p, ld, n, c.scale, vec(0) * 8, vec(3) * 8, c.auu, c.auv, c.avv, vec(2) * 8, vec(1) * 8);
  const out = H.map((_, i) => Array.from(f().subarray(base + i * ld, base + i * ld + n)));
  const Hg = Array.from(f().subarray(vec(1), vec(1) + n));
  const padding = Array.from({ length: n }, (_, i) => (ld > n ? f()[base + i * ld + n]! : 0));
  heap.release(p);
  return { H: out, Hg, padding };
}

/** A random pair as a line search would make it: s = −α·H·g_old, y with yᵀs > 0. */
function randomPair(n: number, r: Random) {
  const H = spd(n, r);
  const gOld = Array.from({ length: n }, () => r.uniformIn(-1, 1));
  const alpha = 0.2 + r.uniform();
  const s = matVec(H, gOld).map((v) => -alpha * v);
  // y = B s + noise with B positive definite keeps yᵀs > 0 most of the time
  const B = spd(n, r);
  const y = matVec(B, s).map((v) => v + 0.01 * r.uniformIn(-1, 1));
  const gNew = gOld.map((v, i) => v + y[i]!);
  return { H, gOld, gNew, alpha, s, y };
}

describe('the update against a transcription of the published formulas', () => {
  const cases: [DenseMethod | 'ssbroyden1', DenseMethod, 1 | 2][] = [
    ['bfgs', 'bfgs', 2],
    ['ssbfgs', 'ssbfgs', 2],
    ['ssbroyden', 'ssbroyden', 2],
    ['ssbroyden1', 'ssbroyden', 1],
  ];
  for (const build of BUILDS)
    for (const [name, method, variant] of cases)
      for (const n of [1, 2, 7, 16]) {
        it(`${name}, n = ${n} (${build}): equal to 1e-12, exactly symmetric, positive definite`, () => {
          const r = new Random(100 + n);
          let checked = 0;
          for (let trial = 0; trial < 20; trial++) {
            const { H, gOld, gNew, alpha, s, y } = randomPair(n, r);
            if (!(dotv(y, s) > 0)) continue;
            // one trainable: a = 0 and the published θ is 0/0; jetfit takes θ = 0 (see self-scaling.ts)
            const want = n === 1 && method === 'ssbroyden' ? null : reference(name, H, s, y, gOld, alpha);
            const got = kernelUpdate(build, method, variant, H, s, y, gOld, gNew, alpha);
            const big = Math.max(...got.H.flat().map(Math.abs));
            for (let i = 0; i < n; i++)
              for (let j = 0; j < n; j++) {
                if (want) expect(Math.abs(got.H[i]![j]! - want[i]![j]!)).toBeLessThanOrEqual(1e-12 * big);
                expect(got.H[i]![j]).toBe(got.H[j]![i]); // bitwise symmetric
              }
            expect(positiveDefinite(got.H)).toBe(true);
            // the fused product is H₊·g₊, and the secant equation H₊·y = s holds (the
            // self-scaling multiplies only the part of H that annihilates y)
            const hg = matVec(got.H, gNew);
            const hy = matVec(got.H, y);
            for (let i = 0; i < n; i++) {
              expect(Math.abs(got.Hg[i]! - hg[i]!)).toBeLessThanOrEqual(1e-12 * big * n);
              expect(Math.abs(hy[i]! - s[i]!)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(s[i]!)));
            }
            expect(got.padding.every((v) => v === 0)).toBe(true);
            checked++;
          }
          expect(checked).toBeGreaterThan(10);
        });
      }
});

it('symmetricProduct matches a plain loop for odd and even sizes (padding untouched)', () => {
  for (const build of BUILDS)
    for (const n of [1, 2, 3, 5, 8, 33]) {
      const { exports, heap } = cores.get(build)!;
      const ld = n + (n & 1);
      const p = heap.alloc((ld * n + 2 * ld) * 8),
        base = p / 8,
        f = heap.f64;
      const r = new Random(n);
      for (let i = 0; i < ld * n + 2 * ld; i++) f[base + i] = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) f[base + i * ld + j] = r.uniformIn(-1, 1);
      for (let i = 0; i < n; i++) f[base + ld * n + i] = r.uniformIn(-1, 1);
      const yAt = base + ld * n + ld;
      f[yAt + ld - 1] = n === ld ? f[yAt + ld - 1]! : 7; // a padding sentinel
      exports.symmetric_product_f64(p, ld, n, (base + ld * n) * 8, yAt * 8);
      for (let i = 0; i < n; i++) {
        let want = 0;
        for (let j = 0; j < n; j++) want += f[base + i * ld + j]! * f[base + ld * n + j]!;
        expect(Math.abs(f[yAt + i]! - want)).toBeLessThanOrEqual(1e-14 * n);
      }
      if (ld > n) expect(f[yAt + ld - 1]).toBe(7);
      heap.release(p);
    }
});

describe('known minima', () => {
  const methods: OptimizerSpec[] = ['bfgs', 'ssbfgs', 'ssbroyden', { type: 'ssbroyden', variant: 1 }];
  for (const optimizer of methods) {
    it(`${JSON.stringify(optimizer)} finds the minimum of the Rosenbrock function`, async () => {
      const net = new Mlp({ sizes: [1, 2, 1], seed: 1 });
      const a = parameter(-1.2, 'a'),
        b = parameter(1, 'b');
      const h = await fit(net, {
        data: { points: [[0]] },
        loss: (c) => rosenbrock(c, a, b),
        optimizer,
        steps: 200,
        progress: false,
      });
      expect(a.value).toBeCloseTo(1, 8);
      expect(b.value).toBeCloseTo(1, 8);
      expect(h.steps).toBeLessThan(100);
      net.dispose();
    });
  }

  it('BFGS minimises an ill-conditioned quadratic in 6 variables to its tolerance', async () => {
    // f = Σ k (p_k − k)²: the minimum is p_k = k, the condition number 6
    const net = new Mlp({ sizes: [1, 1], seed: 1 });
    const ps = Array.from({ length: 6 }, (_, k) => parameter(0, `p${k}`));
    const h = await fit(net, {
      data: { points: [[0]] },
      loss: (c) =>
        ps
          .map((p, k) =>
            mean(
              lift(c, p)
                .sub(k + 1)
                .square(),
            ).mul(k + 1),
          )
          .reduce((s, t) => s.add(t)),
      optimizer: { type: 'bfgs', toleranceGrad: 1e-10 },
      steps: 50,
      progress: false,
    });
    for (const [k, p] of ps.entries()) expect(p.value).toBeCloseTo(k + 1, 8);
    expect(h.stopReason).toBe('converged');
    expect(h.steps).toBeLessThan(30);
    net.dispose();
  });

  it('after Adam, each dense method fits sin(πx) to a lower loss than L-BFGS in the same steps', async () => {
    const points = Array.from({ length: 40 }, (_, i) => [-1 + (2 * i) / 39]);
    const target = points.map(([x]) => Math.sin(Math.PI * x!));
    const run = async (optimizer: OptimizerSpec) => {
      const net = new Mlp({ sizes: [1, 10, 10, 1], activation: 'tanh', dtype: 'float64', seed: 3 });
      const h = await fit(net, {
        data: { points, columns: { y: target } },
        loss: ({ u, data }) => mean(u.sub(data.y).square()),
        phases: [
          { optimizer: { type: 'adam', lr: 1e-2 }, steps: 200 },
          { optimizer, steps: 150 },
        ],
        progress: false,
      });
      net.dispose();
      return h.loss.at(-1)!;
    };
    const lbfgs = await run('lbfgs');
    for (const m of ['bfgs', 'ssbfgs', 'ssbroyden'] as const) {
      const loss = await run(m);
      expect(loss).toBeLessThan(lbfgs);
    }
  });
});

describe('resume', () => {
  for (const type of ['bfgs', 'ssbfgs', 'ssbroyden'] as const)
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${type} (${dtype}): resuming a saved state is bitwise equal to an uninterrupted run`, async () => {
        const points = Array.from({ length: 20 }, (_, i) => [i / 19]);
        const k = parameter(0.5, 'k');
        const loss = ({ u, x }: LossContext) => mean(u.d(0).sub(x[0]!.mul(k).cos()).square()).add(mean(u.square()).mul(0.1));
        const phases = [
          { optimizer: 'adam' as const, steps: 10 },
          { optimizer: { type, historyReset: 7 }, steps: 20 },
        ];
        const make = () => new Mlp({ sizes: [1, 6, 1], dtype, seed: 4 });
        const a = make();
        k.value = 0.5;
        await fit(a, { data: { points }, loss, phases, progress: false });
        const ka = k.value;
        const c = make();
        k.value = 0.5;
        const h1 = await fit(c, { data: { points }, loss, phases, progress: false, onStep: (s) => s.step < 22 });
        const saved = JSON.parse(JSON.stringify({ net: c.toJSON(), state: h1.state, k: k.value }));
        expect(saved.state.optimizer.type).toBe(type);
        c.dispose();
        const d = Mlp.fromJSON(saved.net);
        k.value = saved.k;
        const h2 = await fit(d, { data: { points }, loss, phases, progress: false, resume: saved.state });
        expect(h2.steps).toBe(30);
        expect(Array.from(d.parameterView())).toEqual(Array.from(a.parameterView()));
        expect(k.value).toBe(ka);
        a.dispose();
        d.dispose();
      });
    }

  it('refuses a state whose matrix is not of the right size, or not positive on its diagonal', async () => {
    const points = [[0], [0.5], [1]];
    const loss = ({ u }: LossContext) => mean(u.sub(1).square());
    const phases = [{ optimizer: 'bfgs' as const, steps: 4 }];
    const net = new Mlp({ sizes: [1, 2, 1], seed: 1 });
    const h = await fit(net, { data: { points }, loss, phases, progress: false, onStep: (s) => s.step < 2 });
    const before = Array.from(net.parameterView());
    const bad = (f: (b: number[][]) => void) => {
      const st = JSON.parse(JSON.stringify(h.state));
      f(st.optimizer.buffers);
      return fit(net, { data: { points }, loss, phases, progress: false, resume: st });
    };
    await expect(bad((b) => b[4]!.pop())).rejects.toThrow(
      /resume\.optimizer\.buffers\[4\]: expected 28 numbers \(the upper triangle of the 7×7 matrix/,
    );
    await expect(bad((b) => (b[4]![0] = -1))).rejects.toThrow(/buffers\[4\]: diagonal entry 0 of the matrix is -1; expected > 0/);
    await expect(bad((b) => (b[4]![7] = 0))).rejects.toThrow(/diagonal entry 1 of the matrix is 0/);
    await expect(bad((b) => (b[3] = [2, 0]))).rejects.toThrow(/buffers\[3\]: expected \[fresh \(0 or 1\), updates since the last reset\]/);
    await expect(bad((b) => b.pop())).rejects.toThrow(/expected 5 buffers for 'bfgs', got 4/);
    expect(Array.from(net.parameterView())).toEqual(before);
    net.dispose();
  });
});

describe('bad input', () => {
  const run = (optimizer: unknown, net = new Mlp({ sizes: [1, 2, 1], seed: 1 }), extra: object = {}) =>
    fit(net, {
      data: { points: [[0], [1]] },
      loss: ({ u }) => mean(u.square()),
      optimizer: optimizer as OptimizerSpec,
      steps: 2,
      progress: false,
      ...extra,
    });

  it('a matrix over the limit is refused before anything changes, with its size and L-BFGS suggested', async () => {
    const net = new Mlp({ sizes: [1, 64, 64, 1], seed: 1 });
    const before = Array.from(net.parameterView());
    await expect(run({ type: 'ssbroyden', maxMatrixBytes: 2 ** 20 }, net)).rejects.toThrow(
      /fit\.optimizer: 'ssbroyden' keeps a dense 4353×4353 float64 matrix \(144\.8 MiB for 4353 trainables\), more than maxMatrixBytes \(1\.0 MiB\); use 'lbfgs'/,
    );
    // a later phase's matrix is checked before the first step too
    await expect(
      fit(net, {
        data: { points: [[0]] },
        loss: ({ u }) => mean(u.square()),
        phases: [
          { optimizer: 'adam', steps: 3 },
          { optimizer: { type: 'bfgs', maxMatrixBytes: 1e6 }, steps: 3 },
        ],
        progress: false,
      }),
    ).rejects.toThrow(/phases\[1\]\.optimizer: 'bfgs' keeps a dense 4353×4353/);
    expect(Array.from(net.parameterView())).toEqual(before);
    net.dispose();
  });

  it('options are checked by name', async () => {
    await expect(run({ type: 'bfgs', historySize: 5 })).rejects.toThrow(/unknown option "historySize"/);
    await expect(run({ type: 'ssbroyden', variant: 3 })).rejects.toThrow(/variant: expected 1 \(SSBroyden1\) or 2 \(SSBroyden2\), got 3/);
    await expect(run({ type: 'bfgs', variant: 1 })).rejects.toThrow(/variant/);
    await expect(run({ type: 'ssbfgs', historyReset: -1 })).rejects.toThrow(/historyReset: expected a whole number ≥ 0, got -1/);
    await expect(run({ type: 'bfgs', maxMatrixBytes: 0 })).rejects.toThrow(/maxMatrixBytes: expected a number in \[1, ∞\)/);
    await expect(run('bfgs', undefined, { schedule: { type: 'exponential', gamma: 0.9 } })).rejects.toThrow(
      /'bfgs' chooses its own steps \(by line search\); schedule does not apply/,
    );
  });

  it('the matrix is returned to the heap when the phase ends', async () => {
    const net = new Mlp({ sizes: [1, 8, 1], seed: 1 });
    const { memoryUsage } = await import('../../dist/index.js');
    await run('ssbroyden', net); // the network's planned batches stay with it
    const before = memoryUsage().inUse;
    let during = 0;
    await run('ssbroyden', net, {
      onStep: () => {
        during = Math.max(during, memoryUsage().inUse);
      },
    });
    const P = net.parameterCount;
    expect(during - before).toBeGreaterThanOrEqual(P * P * 8); // the matrix was there ...
    expect(memoryUsage().inUse).toBe(before); // ... and is gone
    net.dispose();
  });
});
