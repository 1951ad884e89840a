// The problems whose trained parameters the golden file records: the five examples'
// set-ups, the six standard workloads (bench/workloads.mjs) and the curvature optimizers,
// each trained for 200 steps. Run as `node test/golden/problems.mjs <simd|relaxed> <float32|float64> [names]`
// it prints { name: sha256 of the parameters' bytes } as JSON. The examples keep their
// networks, data and losses; their step counts are cut to 200 (Poisson and Burgers: 100
// Adam steps, then 100 L-BFGS iterations).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fit, init, mean, mse, Mlp, Random } from '../../dist/index.js';
import { fitOptions, WORKLOADS } from '../../bench/workloads.mjs';

const PI = Math.PI;
const lcg = (seed) => {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
};

const EXAMPLES = {
  'derivative-only': () => {
    const N = 256,
      x = Float64Array.from({ length: N }, (_, i) => -PI + (2 * PI * (i + 0.5)) / N);
    return [
      { sizes: [1, 32, 32, 1], seed: 1 },
      {
        data: { points: x, columns: { slope: x.map(Math.cos) } },
        loss: ({ u, data }) => mse(u.d(0), data.slope),
        optimizer: { type: 'adam', lr: 5e-3 },
        schedule: { type: 'cosine', minFactor: 0.05 },
        steps: 200,
      },
    ];
  },
  sobolev: () => {
    const rand = lcg(12345),
      points = [],
      value = [],
      dx = [],
      dy = [];
    for (let i = 0; i < 256; i++) {
      const x = rand(),
        y = rand();
      points.push([x, y]);
      value.push(Math.sin(PI * x) * Math.cos(PI * y));
      dx.push(PI * Math.cos(PI * x) * Math.cos(PI * y));
      dy.push(-PI * Math.sin(PI * x) * Math.sin(PI * y));
    }
    return [
      { sizes: [2, 64, 64, 64, 1], seed: 3 },
      {
        data: { points, columns: { value, dx, dy } },
        loss: ({ u, data }) =>
          mse(u, data.value)
            .add(mse(u.d(0), data.dx))
            .add(mse(u.d(1), data.dy)),
        batchSize: 128,
        optimizer: { type: 'adam', lr: 2e-3 },
        schedule: { type: 'cosine', minFactor: 0.02 },
        steps: 200,
      },
    ];
  },
  poisson: () => {
    const n = 16,
      interior = [],
      source = [],
      boundary = [];
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const x = (i + 0.5) / n,
          y = (j + 0.5) / n;
        interior.push([x, y]);
        source.push(2 * PI * PI * Math.sin(PI * x) * Math.sin(PI * y));
      }
    for (let k = 0; k < 2 * n; k++) {
      const s = (k + 0.5) / (2 * n);
      boundary.push([s, 0], [s, 1], [0, s], [1, s]);
    }
    return [
      { sizes: [2, 32, 32, 32, 1], seed: 2 },
      {
        terms: {
          pde: { points: interior, columns: { f: source }, loss: ({ u, data }) => mean(u.laplacian().add(data.f).square()) },
          boundary: { points: boundary, loss: ({ u }) => mean(u.square()), weight: 10 },
        },
        phases: [
          { optimizer: { type: 'adam', lr: 1e-3 }, steps: 100 },
          { optimizer: 'lbfgs', steps: 100 },
        ],
      },
    ];
  },
  'gradient-penalty': () => {
    const onCircle = [],
      nx = [],
      ny = [];
    for (let k = 0; k < 128; k++) {
      const a = (2 * PI * k) / 128;
      onCircle.push([0.5 * Math.cos(a), 0.5 * Math.sin(a)]);
      nx.push(Math.cos(a));
      ny.push(Math.sin(a));
    }
    const rand = lcg(99),
      square = Array.from({ length: 1024 }, () => [rand(), rand()]);
    return [
      { sizes: [2, 64, 64, 1], seed: 4 },
      {
        terms: {
          surface: {
            points: onCircle,
            columns: { nx, ny },
            loss: ({ u, data }) =>
              mse(u)
                .add(mse(u.d(0), data.nx))
                .add(mse(u.d(1), data.ny)),
          },
          eikonal: {
            points: square,
            batchSize: 256,
            weight: 0.1,
            loss: ({ u }) => mean(u.d(0).square().add(u.d(1).square()).sqrt().sub(1).square()),
          },
        },
        optimizer: { type: 'adam', lr: 2e-3 },
        schedule: { type: 'cosine', minFactor: 0.05 },
        steps: 200,
      },
    ];
  },
  burgers: () => {
    const NU = 0.01 / PI,
      rng = new Random(2024);
    const collocation = Array.from({ length: 1000 }, () => [rng.uniformIn(-1, 1), rng.uniform()]);
    const edge = [],
      u0 = [];
    for (let k = 0; k < 50; k++) {
      const x = -1 + (2 * (k + rng.uniform())) / 50;
      edge.push([x, 0]);
      u0.push(-Math.sin(PI * x));
    }
    for (let k = 0; k < 50; k++) {
      edge.push([k % 2 ? 1 : -1, (Math.floor(k / 2) + rng.uniform()) / 25]);
      u0.push(0);
    }
    return [
      { sizes: [2, 20, 20, 20, 20, 20, 20, 20, 20, 1], seed: 7 },
      {
        terms: {
          residual: {
            points: collocation,
            loss: ({ u }) =>
              mean(
                u
                  .d(1)
                  .add(u.mul(u.d(0)))
                  .sub(u.d2(0, 0).mul(NU))
                  .square(),
              ),
          },
          edges: { points: edge, columns: { u0 }, loss: ({ u, data }) => mse(u, data.u0) },
        },
        phases: [
          {
            optimizer: { type: 'adam', lr: 1e-3 },
            steps: 100,
            batchSize: { residual: 200 },
            schedule: { type: 'exponential', gamma: 0.9995 },
          },
          { optimizer: { type: 'lbfgs', historySize: 50 }, steps: 100 },
        ],
      },
    ];
  },
};
const WORKLOAD_PROBLEMS = Object.fromEntries(
  Object.keys(WORKLOADS).map((id) => [
    id,
    () => [
      { sizes: WORKLOADS[id].sizes, seed: 1 },
      { ...fitOptions(id), optimizer: { type: 'adam', lr: 1e-3 }, steps: 200 },
    ],
  ]),
);
// The optimizers that keep curvature (dense quasi-Newton, Levenberg–Marquardt) and
// residual-based resampling, each after 50 Adam steps: 150 steps of the method.
const poisson1d = (optimizer, resample) => () => [
  { sizes: [1, 12, 12, 1], seed: 5 },
  {
    terms: {
      pde: {
        ...(resample
          ? { points: (n, r) => Array.from({ length: n }, () => [r.uniform()]), count: 40, resample: { every: 50, candidates: 400 } }
          : { points: Array.from({ length: 40 }, (_, i) => [(i + 0.5) / 40]) }),
        loss: ({ u, x }) =>
          mean(
            u
              .d2(0, 0)
              .add(
                x[0]
                  .mul(PI)
                  .sin()
                  .mul(PI * PI),
              )
              .square(),
          ),
      },
      edge: { points: [[0], [1]], loss: ({ u }) => mean(u.square()), weight: 5 },
    },
    phases: [
      { optimizer: { type: 'adam', lr: 1e-2 }, steps: 50 },
      { optimizer, steps: 150 },
    ],
  },
];
const OPTIMIZER_PROBLEMS = {
  'bfgs-poisson1d': poisson1d('bfgs', false),
  'ssbfgs-poisson1d': poisson1d('ssbfgs', false),
  'ssbroyden-rad-poisson1d': poisson1d('ssbroyden', true),
  'lm-poisson1d': poisson1d('lm', false),
};
export const PROBLEMS = { ...EXAMPLES, ...WORKLOAD_PROBLEMS, ...OPTIMIZER_PROBLEMS };

/** sha256 of the trained parameters' bytes (getParams order, the network's dtype). */
export async function trainedHash(name, dtype) {
  const [net, options] = PROBLEMS[name]();
  const m = new Mlp({ ...net, activation: 'tanh', dtype });
  await fit(m, { ...options, progress: false });
  const hash = createHash('sha256');
  for (const { W, b } of m.getParams()) {
    hash.update(new Uint8Array(W.buffer, W.byteOffset, W.byteLength));
    hash.update(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  }
  m.dispose();
  return hash.digest('hex');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [build, dtype, names] = process.argv.slice(2);
  await init(await readFile(new URL(`../../dist/${build === 'relaxed' ? 'jetfit-relaxed.wasm' : 'jetfit.wasm'}`, import.meta.url)));
  const out = {};
  for (const name of names ? names.split(',') : Object.keys(PROBLEMS)) out[name] = await trainedHash(name, dtype);
  console.log(JSON.stringify(out));
}
