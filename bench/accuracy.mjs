// npm run bench:accuracy — accuracy per minute of training: the relative L2 error of the
// solution against wall time, for each optimizer recipe on each standard problem (float64,
// one thread):
//   burgers   Raissi's set-up (2-20x8-1 tanh, 10000 fixed collocation points, 100 initial
//             and boundary points, inputs scaled to [-1, 1]): examples/burgers.mjs
//   kiyani    Kiyani et al.'s Burgers set-up (4x20 tanh, 8000 interior points resampled by
//             RAD every 500 steps from 50000 candidates, 500 initial and 500 boundary
//             points with weight 5, Adam 1000 steps then SSBroyden)
//   poisson   -Δu = 2π² sin(πx) sin(πy) on the unit square, u = 0 on the boundary, a
//             2-14-14-1 tanh network (267 parameters), 900 interior and 120 boundary points
// Results are merged into bench/results/accuracy.json (so that runs can be split), and the
// table (accuracy.md) and plot (accuracy.svg, error against seconds, log scales) are
// written from all of them.
//   node bench/accuracy.mjs [--only burgers,poisson] [--methods ssbroyden,lm] [--minutes 10] [--every 5]
//   node bench/accuracy.mjs --report      (the table and plot from the saved runs only)
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { init, fit, lineChart, mean, mse, Mlp } from 'jetfit';
import { burgers, relativeError, residualLoss } from '../examples/burgers.mjs';

const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const only = opt('--only')?.split(',');
const methodsWanted = opt('--methods')?.split(',');
const every = Number(opt('--every') ?? 5);
const PI = Math.PI;
const adam = (steps, lr = 1e-3, extra = {}) => ({ optimizer: { type: 'adam', lr, ...extra.optimizer }, steps, ...extra.phase });
const long = 1e7;

/** Kiyani et al. 2025's Burgers set-up (inputs (x, s = 2t - 1)). */
function kiyani() {
  const uniform = (n, r) => Array.from({ length: n }, () => [r.uniformIn(-1, 1), r.uniformIn(-1, 1)]);
  const initial = (n, r) => Array.from({ length: n }, () => [r.uniformIn(-1, 1), -1]);
  const sides = (n, r) => Array.from({ length: n }, (_, k) => [k % 2 ? 1 : -1, r.uniformIn(-1, 1)]);
  const { error } = burgers({ collocation: 1 });
  const terms = {
    residual: {
      points: uniform,
      count: 8000,
      loss: residualLoss,
      resample: { every: 500, candidates: 50000 },
    },
    initial: { points: initial, count: 500, loss: ({ u, x }) => mse(u, x[0].mul(PI).sin().neg()), weight: 5 },
    boundary: { points: sides, count: 500, loss: ({ u }) => mse(u), weight: 5 },
  };
  const first = adam(1000, 5e-3, {
    optimizer: { beta1: 0.99 },
    phase: { schedule: { type: 'exponential', gamma: 0.98 ** (1 / 1000) } },
  });
  return {
    sizes: [2, 20, 20, 20, 20, 1],
    seed: 11,
    terms,
    error,
    methods: { ssbroyden: [first, { optimizer: 'ssbroyden', steps: long }] },
  };
}

function poisson() {
  const n = 30,
    interior = [],
    source = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const x = (i + 0.5) / n,
        y = (j + 0.5) / n;
      interior.push([x, y]);
      source.push(2 * PI * PI * Math.sin(PI * x) * Math.sin(PI * y));
    }
  const boundary = [];
  for (let k = 0; k < 30; k++) {
    const s = (k + 0.5) / 30;
    boundary.push([s, 0], [s, 1], [0, s], [1, s]);
  }
  const grid = [],
    truth = [];
  for (let i = 0; i <= 100; i++)
    for (let j = 0; j <= 100; j++) {
      grid.push([i / 100, j / 100]);
      truth.push(Math.sin((PI * i) / 100) * Math.sin((PI * j) / 100));
    }
  const terms = {
    pde: { points: interior, columns: { f: source }, loss: ({ u, data }) => mean(u.laplacian().add(data.f).square()) },
    boundary: { points: boundary, loss: ({ u }) => mean(u.square()) },
  };
  const first = adam(500, 1e-2);
  return {
    sizes: [2, 14, 14, 1],
    seed: 2,
    terms,
    error: (net) => relativeError(net.evaluate(grid).y, truth),
    methods: {
      lbfgs: [first, { optimizer: { type: 'lbfgs', historySize: 50 }, steps: long }],
      bfgs: [first, { optimizer: 'bfgs', steps: long }],
      ssbroyden: [first, { optimizer: 'ssbroyden', steps: long }],
      lm: [first, { optimizer: 'lm', steps: long }],
    },
    minutes: 5,
  };
}

function raissi() {
  const { terms, error } = burgers();
  return {
    sizes: [2, 20, 20, 20, 20, 20, 20, 20, 20, 1],
    seed: 7,
    terms,
    error,
    methods: {
      // the 2019 recipe: Adam on minibatches, then L-BFGS
      lbfgs: [
        adam(5000, 1e-3, { phase: { batchSize: { residual: 2000 }, schedule: { type: 'exponential', gamma: 0.9995 } } }),
        { optimizer: { type: 'lbfgs', historySize: 50 }, steps: long },
      ],
      bfgs: [adam(1000), { optimizer: 'bfgs', steps: long }],
      ssbroyden: [adam(1000), { optimizer: 'ssbroyden', steps: long }],
    },
  };
}

const PROBLEMS = { burgers: raissi, kiyani, poisson };

async function run(problem, method) {
  const p = PROBLEMS[problem]();
  const net = new Mlp({ sizes: p.sizes, activation: 'tanh', dtype: 'float64', seed: p.seed });
  const curve = [];
  let next = 0;
  const budget = 60 * (Number(opt('--minutes')) || p.minutes || 10);
  const h = await fit(net, {
    terms: p.terms,
    phases: p.methods[method],
    progress: false,
    onStep: ({ step, loss, seconds }) => {
      if (seconds >= next) {
        curve.push([Number(seconds.toFixed(2)), p.error(net), loss, step]);
        next = seconds + every;
      }
      return seconds < budget;
    },
  });
  curve.push([Number(h.seconds.toFixed(2)), p.error(net), h.loss.at(-1), h.steps]);
  net.dispose();
  const last = curve.at(-1);
  console.log(`${problem} ${method}: error ${last[1].toExponential(2)} after ${last[0].toFixed(0)} s, ${h.steps} steps (${h.stopReason})`);
  return { problem, method, minutes: budget / 60, stopReason: h.stopReason, curve };
}

const RESULTS = new URL('./results/accuracy.json', import.meta.url);
const saved = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : { runs: [] };

await init();
for (const problem of argv.includes('--report') ? [] : Object.keys(PROBLEMS)) {
  if (only && !only.includes(problem)) continue;
  for (const method of Object.keys(PROBLEMS[problem]().methods)) {
    if (methodsWanted && !methodsWanted.includes(method)) continue;
    const r = await run(problem, method);
    r.node = process.version;
    r.date = new Date().toISOString().slice(0, 10);
    // re-read before writing: another process may have added its runs meanwhile
    const now = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : saved;
    now.runs = now.runs.filter((x) => !(x.problem === problem && x.method === method)).concat([r]);
    writeFileSync(RESULTS, `${JSON.stringify(now)}\n`);
  }
}
report(JSON.parse(readFileSync(RESULTS, 'utf8')));

/** The table (error at 1, 2, 5, 10 minutes) and the plot, from every saved run. */
function report({ runs }) {
  const marks = [60, 120, 300, 600];
  // a run that ended by itself (converged, no decrease found) keeps its last error; one
  // stopped by the time budget has no value past it
  const at = (r, s) => {
    const curve = r.curve;
    if (r.stopReason === 'callback' && curve.at(-1)[0] < s - every) return null;
    let e = null;
    for (const [t, err] of curve) if (t <= s) e = err;
    return e;
  };
  const lines = [
    '| problem | recipe | 1 min | 2 min | 5 min | 10 min |',
    '|---|---|---|---|---|---|',
    ...runs.map((r) => {
      const cells = marks.map((s) => at(r, s)).map((e) => (e === null ? '—' : e.toExponential(1)));
      const name = r.method === 'lm' ? 'Adam → LM' : `Adam → ${{ lbfgs: 'L-BFGS', bfgs: 'BFGS', ssbroyden: 'SSBroyden' }[r.method]}`;
      return `| ${r.problem} | ${name} | ${cells.join(' | ')} |`;
    }),
  ];
  const md = `# Accuracy per minute (npm run bench:accuracy)\n\nRelative L2 error of the trained solution against wall time of training (float64, one thread; ${runs[0]?.node ?? ''}). A dash: the run's time budget ended before (runs that converged keep their last error).\n\n${lines.join('\n')}\n`;
  writeFileSync(new URL('./results/accuracy.md', import.meta.url), md);
  const problems = [...new Set(runs.map((r) => r.problem))];
  const svg = lineChart(
    problems.map((problem) => ({
      title: problem,
      series: runs
        .filter((r) => r.problem === problem)
        .map((r) => ({ name: r.method, points: r.curve.map(([t, e]) => [Math.max(t, 1), e]) })),
    })),
    { x: 'seconds', y: 'relative L2 error', logX: true, logY: true },
  );
  writeFileSync(new URL('./results/accuracy.svg', import.meta.url), svg);
  console.log(lines.join('\n'));
}
