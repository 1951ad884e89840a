// npm run bench:peers — jetfit against the JavaScript peers on the standard workloads
// (W1..W6 of docs/workloads.md), side by side in one process: a full training step each (the
// input derivatives the loss needs, the loss, its gradient with respect to every
// parameter, an Adam step). jetfit is timed through fit(), as a user trains; the peers
// (bench/peers/: TensorFlow.js 4.22 wasm and cpu backends, jax-js 0.1.25 on wasm) are
// installed into bench/peers/node_modules on first use and are not dependencies of jetfit.
//
// Before timing, each peer's loss and parameter gradient at jetfit's initial parameters
// are compared with jetfit's (float64) and the agreement is printed. Then jetfit float32,
// jetfit float64, TF.js wasm and jax-js are timed in turn, repeat after repeat, so that
// drift in the machine's speed reaches all of them alike; TF.js cpu (10-100x slower) is
// timed after them. PyTorch's column comes from bench/results/torch-f32.json and
// torch-f64.json when present (see the README: bench/peers/torch_bench.py).
// Writes bench/results/peers.json and peers.md.
//
//   node --experimental-wasm-relaxed-simd bench/peers.mjs [--quick] [--only W1,W3]
//     [--peers tfjs-wasm,jax-js,tfjs-cpu] [--repeats 5] [--time 600] [--out bench/results]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { fit, init, Mlp } from 'jetfit';
import { gemmCase, rawCore } from './gemm.mjs';
import { readTorch } from './torch.mjs';
import { benchArgs, fitOptions, prepare, problem, WORKLOADS } from './workloads.mjs';

const { quick, opt, runs } = benchArgs();
const ids = [...new Set(runs.map(([id]) => id))];
const peerKeys = (opt('--peers') ?? 'tfjs-wasm,jax-js,tfjs-cpu').split(',').filter(Boolean);
const repeats = Number(opt('--repeats') ?? (quick ? 1 : 5));
const repeatMs = Number(opt('--time') ?? (quick ? 1 : 600));
const outDir = opt('--out') ?? fileURLToPath(new URL('./results', import.meta.url));
const LR = 1e-4;
/** relative difference from jetfit float64 above which a system's loss or gradient is wrong */
const AGREE = 1e-3;

// ---- the peers: bench/peers/package.json, installed on first use ----
const peersDir = fileURLToPath(new URL('./peers/', import.meta.url));
function peersInstalled() {
  const { dependencies } = JSON.parse(readFileSync(`${peersDir}package.json`, 'utf8'));
  return Object.entries(dependencies).every(([name, version]) => {
    try {
      return JSON.parse(readFileSync(`${peersDir}node_modules/${name}/package.json`, 'utf8')).version === version;
    } catch {
      return false;
    }
  });
}
if (peerKeys.length && !peersInstalled()) {
  console.log('Installing the peers into bench/peers/node_modules (first use) ...');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: peersDir, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error(`npm ci in bench/peers failed (exit ${r.status}); the peers need the npm registry once`);
}
const tfjs = peerKeys.some((k) => k.startsWith('tfjs')) ? await import('./peers/tfjs.mjs') : null;
const jax = peerKeys.includes('jax-js') ? await import('./peers/jax.mjs') : null;
for (const k of peerKeys)
  if (!['tfjs-wasm', 'tfjs-cpu', 'jax-js'].includes(k)) throw new Error(`--peers: unknown peer ${k}; expected tfjs-wasm, tfjs-cpu, jax-js`);

const info = await init();
const versions = { jetfit: `jetfit (${info.build} build)` };
if (tfjs) versions.tfjs = await tfjs.setup('wasm');
if (jax) versions.jax = await jax.setup();
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`;
console.log(`${machine}\n${Object.values(versions).join('; ')}${quick ? '\nquick run: one step per repeat, numbers meaningless' : ''}\n`);

// ---- GEMM 256³ on the build init() picked: the kernel's own speed, for reference ----
const core = await rawCore(info.build === 'relaxed-simd' ? 'jetfit-relaxed.wasm' : 'jetfit.wasm');
const gemmGflops = {};
for (const dtype of ['float32', 'float64']) {
  const g = gemmCase(core, dtype, 256, 256, 256, false, quick);
  const times = [];
  for (let r = 0; r < (quick ? 1 : 7); r++) {
    const t0 = performance.now(),
      k = quick ? 1 : 40;
    for (let i = 0; i < k; i++) g.run();
    times.push((performance.now() - t0) / k);
  }
  gemmGflops[dtype] = g.flops / Math.min(...times) / 1e6;
}
console.log(
  `GEMM kernel 256³: float32 ${gemmGflops.float32.toFixed(1)} GFLOP/s, float64 ${gemmGflops.float64.toFixed(1)} GFLOP/s (best of 7)\n`,
);

// ---- one system under test: run k training steps, return their ms ----
function rel(a, b) {
  let d = 0,
    s = 0;
  a.forEach((layer, l) => {
    for (const k of ['W', 'b'])
      for (let i = 0; i < layer[k].length; i++) {
        d += (layer[k][i] - b[l][k][i]) ** 2;
        s += b[l][k][i] ** 2;
      }
  });
  return Math.sqrt(d / s);
}
const fmt = (x) => x.toExponential(1);

/** jetfit's systems: each dtype on one thread and, where init gave more, on all of them */
const THREADS = info.threads;
const threaded = (dtype) => `jetfit ${dtype}, ${THREADS} threads`;

function jetfitSystem(id, dtype, params, threads = 1) {
  const net = new Mlp({ sizes: WORKLOADS[id].sizes, dtype, seed: 1 });
  net.setParams(params);
  const options = { ...fitOptions(id), optimizer: { type: 'adam', lr: LR }, progress: false, threads };
  return {
    async steps(k) {
      const h = await fit(net, { ...options, steps: k + 1 });
      if (!Number.isFinite(h.loss.at(-1))) throw new Error(`jetfit ${id} ${dtype}: loss ${h.loss.at(-1)}`);
      // time[0] is the end of the first step (which also plans the buffers)
      return { ms: (h.time.at(-1) - h.time[0]) * 1000, steps: k, firstLoss: h.loss[0] };
    },
    dispose: () => net.dispose(),
  };
}

function peerSystem(peer, P, params, label) {
  const m = peer.build(P, params, { lr: LR });
  return {
    check: () => m.lossAndGradient(),
    async steps(k) {
      const t0 = performance.now();
      for (let i = 0; i < k; i++) {
        const loss = m.step();
        if (!Number.isFinite(loss)) throw new Error(`${label} ${P.id}: loss ${loss}`);
      }
      return { ms: performance.now() - t0, steps: k };
    },
    dispose: () => m.dispose(),
  };
}

/** warm-up (up to 20 steps or ~1.5 s; one step where a step takes seconds) and an estimate of one step's ms */
async function warmUp(system) {
  let done = 0,
    ms = 0;
  while (done < (quick ? 1 : 20) && (done < 2 || ms < 1500) && !(done === 1 && ms > 3000)) {
    const r = await system.steps(1);
    done++;
    ms += r.ms;
  }
  return ms / done;
}

/** median of `repeats` repeats, each at least repeatMs long (at least one step) */
async function timeRepeats(systems, order, repeatCount = repeats) {
  const estimate = {},
    per = Object.fromEntries(order.map((k) => [k, []]));
  for (const k of order) estimate[k] = await warmUp(systems[k]);
  for (let r = 0; r < repeatCount; r++) {
    // rotate the order so that no system always runs first
    const turn = order.map((_, i) => order[(i + r) % order.length]);
    for (const k of turn) {
      const n = Math.max(1, Math.round(repeatMs / estimate[k]));
      const { ms, steps } = await systems[k].steps(n);
      per[k].push(ms / steps);
    }
  }
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const base = per['jetfit float32'];
  return Object.fromEntries(
    order.map((k) => {
      const t = [...per[k]].sort((a, b) => a - b);
      // Each repeat times every system back to back, so the ratio within a repeat sees the
      // same machine; its median is steadier than the ratio of the medians on a host whose
      // speed drifts from minute to minute.
      const paired = base && k !== 'jetfit float32' ? median(per[k].map((ms, r) => ms / base[r])) : undefined;
      return [k, { median: t[t.length >> 1], best: t[0], repeats: per[k], ...(paired ? { pairedRatio: paired } : {}) }];
    }),
  );
}

// ---- the workloads ----
const torchDefault = (d) => `${outDir}/torch-${d}.json`;
const torch = readTorch(opt('--torch') ?? torchDefault('f32'), opt('--torch64') ?? torchDefault('f64'), torchDefault('f32-threads'));
const results = [];
const GEMM = 'GEMM kernel 256³';
for (const id of ids) {
  const P = problem(id);
  // the reference: jetfit float64 at the float32 network's initial parameters
  const w32 = prepare(id, 'float32'),
    ref = prepare(id, 'float64');
  const params = w32.net.getParams();
  ref.net.setParams(params);
  const reference = ref.lossAndGradient();
  const agreement = {};
  // float32 rounding of a second-order gradient stays near 1e-6; a wrong formula (such as
  // TF.js's own tanh) is off by percents
  const compare = (name, { loss, gradient }) => {
    const a = { loss: Math.abs(loss / reference.loss - 1), gradient: rel(gradient, reference.gradient) };
    agreement[name] = a;
    a.agrees = a.loss < AGREE && a.gradient < AGREE;
    if (!a.agrees)
      console.warn(`${name} on ${id} DISAGREES with jetfit float64: loss ${fmt(a.loss)}, gradient ${fmt(a.gradient)} (relative)`);
  };
  compare('jetfit float32', w32.lossAndGradient());
  w32.net.dispose();
  ref.net.dispose();

  const systems = { 'jetfit float32': jetfitSystem(id, 'float32', params), 'jetfit float64': jetfitSystem(id, 'float64', params) };
  if (THREADS > 1) for (const d of ['float32', 'float64']) systems[threaded(d)] = jetfitSystem(id, d, params, THREADS);
  if (tfjs && peerKeys.includes('tfjs-wasm')) systems['TF.js wasm'] = peerSystem(tfjs, P, params, 'TF.js wasm');
  if (jax) systems['jax-js'] = peerSystem(jax, P, params, 'jax-js');
  for (const [k, s] of Object.entries(systems)) if (s.check) compare(k, s.check());
  // fit's loss at the first step is the same loss (written as fields, lowered to jets)
  const first = await systems['jetfit float64'].steps(0);
  agreement['jetfit fit()'] = { loss: Math.abs(first.firstLoss / reference.loss - 1), gradient: NaN };

  // The GEMM kernel at 256³ takes its turn with the rest, so that the step's GFLOP/s is
  // compared with the kernel's on the same machine state.
  const gemm256 = gemmCase(core, 'float32', 256, 256, 256, false, true);
  systems[GEMM] = {
    async steps(k) {
      const t0 = performance.now();
      for (let i = 0; i < k; i++) gemm256.run();
      return { ms: performance.now() - t0, steps: k };
    },
    dispose() {},
  };
  const order = Object.keys(systems);
  const timing = await timeRepeats(systems, order);
  for (const s of Object.values(systems)) s.dispose();

  // TF.js cpu: 10-100x slower than the rest, timed on its own after them
  if (tfjs && peerKeys.includes('tfjs-cpu')) {
    await tfjs.setup('cpu');
    const cpu = peerSystem(tfjs, P, params, 'TF.js cpu');
    compare('TF.js cpu', cpu.check());
    // (three repeats: one W6 step takes ~30 s)
    Object.assign(timing, await timeRepeats({ 'TF.js cpu': cpu }, ['TF.js cpu'], Math.min(repeats, 3)));
    cpu.dispose();
    await tfjs.setup('wasm');
  }
  // TF.js's built-in tanh: how wrong it is where the loss has first derivatives, and that
  // a second derivative through it throws
  if (tfjs) {
    const m = tfjs.build(P, params, { builtinTanh: true });
    try {
      agreement['TF.js built-in tf.tanh'] = { loss: NaN, gradient: rel(m.lossAndGradient().gradient, reference.gradient), untimed: true };
    } catch (e) {
      agreement['TF.js built-in tf.tanh'] = { loss: NaN, gradient: NaN, throws: String(e?.message ?? e).split('.')[0], untimed: true };
    }
    m.dispose();
  }
  const w = prepare(id, 'float32');
  const flops = w.flops(P.loss === 'burgers' ? 4 : undefined); // fit's Burgers jets: u, u_x, u_t, u_xx
  w.net.dispose();
  const g = timing[GEMM];
  delete timing[GEMM];
  const gemm = { gflops: (2 * 256 ** 3) / g.median / 1e6, stepShare: (flops / (2 * 256 ** 3)) * g.pairedRatio };
  const row = {
    workload: id,
    what: WORKLOADS[id].what,
    flops,
    gemm,
    timing,
    agreement,
    torch: {
      f32: torch[`${id}:f32`],
      f64: torch[`${id}:f64`],
      best32: torch[`${id}:f32:best`],
      best32threads: torch[`${id}:f32:threads`],
    },
  };
  results.push(row);
  printWorkload(row);
}

function printWorkload({ workload, what, timing, agreement, torch: pt, flops, gemm }) {
  const j32 = timing['jetfit float32'].median,
    j64 = timing['jetfit float64'].median;
  const rows = [];
  const add = (system, ms, versus) =>
    rows.push({
      system,
      'ms/step (median)': ms < 10 ? ms.toFixed(3) : ms.toFixed(1),
      'steps/s': (1000 / ms).toFixed(ms > 100 ? 2 : 1),
      'jetfit is': versus === undefined ? '' : `${times(versus)} faster`,
      'loss rel. diff': agreement[system] ? fmt(agreement[system].loss) : '',
      'gradient rel. diff': agreement[system] ? fmt(agreement[system].gradient) : '',
      agrees: agreement[system] ? (agreement[system].agrees === false ? 'NO' : 'yes') : '',
    });
  add('jetfit float32', j32);
  add('jetfit float64', j64);
  for (const k of Object.keys(timing)) if (!k.startsWith('jetfit')) add(k, timing[k].median, speedup(timing, k));
  if (pt.f32) add('PyTorch float32 (JSON)', pt.f32, pt.f32 / j32);
  if (pt.f64) add('PyTorch float64 (JSON) vs jetfit float64', pt.f64, pt.f64 / j64);
  if (THREADS > 1 && pt.best32)
    add(
      `PyTorch float32 at its best, ${pt.best32threads} threads (JSON) vs jetfit float32, ${THREADS} threads`,
      pt.best32,
      pt.best32 / timing[threaded('float32')].median,
    );
  console.log(
    `${workload}: ${what}; jetfit float32 ${(flops / j32 / 1e6).toFixed(1)} GFLOP/s of jet GEMMs, ${(100 * gemm.stepShare).toFixed(0)}% of the GEMM kernel's ${gemm.gflops.toFixed(1)} at 256³ in the same repeats; float64/float32 ${speedup(timing, 'jetfit float64').toFixed(2)}`,
  );
  console.table(rows);
  const untimed = Object.entries(agreement).filter(([, a]) => a.untimed);
  for (const [k, a] of untimed) {
    console.log(
      `  ${k} (not timed; the peer above uses the rebuilt tanh): ${a.throws ? `throws "${a.throws}"` : `gradient rel. diff ${fmt(a.gradient)}`}`,
    );
  }
  if (agreement['jetfit fit()']) console.log(`  jetfit fit(): loss at step 1 rel. diff ${fmt(agreement['jetfit fit()'].loss)}`);
  console.log('');
}

// ---- summary and files ----
const systemsSeen = [...new Set(results.flatMap((r) => Object.keys(r.timing)))];
const header = ['', ...results.map((r) => r.workload)];
const line = (cells) => `| ${cells.join(' | ')} |`;
const md = [
  '# jetfit against its peers: one training step (ms, median of repeats)',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}; jetfit on one thread${THREADS > 1 ? ` and on ${THREADS}` : ''}, the peers on one. ${Object.values(versions).join('; ')}.`,
  `GEMM kernel 256³: float32 ${gemmGflops.float32.toFixed(1)} GFLOP/s, float64 ${gemmGflops.float64.toFixed(1)} GFLOP/s.`,
  '',
  line(header),
  line(header.map(() => '---')),
];
for (const s of systemsSeen) md.push(line([s, ...results.map((r) => (r.timing[s] ? fmtMs(r.timing[s].median) : ''))]));
if (results.some((r) => r.torch.f32)) md.push(line(['PyTorch float32', ...results.map((r) => (r.torch.f32 ? fmtMs(r.torch.f32) : ''))]));
if (results.some((r) => r.torch.f64)) md.push(line(['PyTorch float64', ...results.map((r) => (r.torch.f64 ? fmtMs(r.torch.f64) : ''))]));
if (results.some((r) => r.torch.best32))
  md.push(
    line([
      'PyTorch float32, best thread count',
      ...results.map((r) => (r.torch.best32 ? `${fmtMs(r.torch.best32)} (${r.torch.best32threads})` : '')),
    ]),
  );
if (THREADS > 1) {
  md.push(
    '',
    `jetfit on ${THREADS} threads against one (the same bits either way; median over the repeats of the ratio within a repeat):`,
    '',
    line(header),
    line(header.map(() => '---')),
  );
  for (const d of ['float32', 'float64']) {
    const one = `jetfit ${d}`;
    md.push(line([`${d}, ${THREADS} threads / 1`, ...results.map((r) => times(speedup(r.timing, one) / speedup(r.timing, threaded(d))))]));
  }
  if (results.some((r) => r.torch.best32))
    md.push(
      line([
        `jetfit float32 on ${THREADS} threads against PyTorch float32 at its best thread count`,
        ...results.map((r) => (r.torch.best32 ? times(r.torch.best32 / r.timing[threaded('float32')].median) : '')),
      ]),
    );
}
md.push(
  '',
  'jetfit float32 is this many times faster (median over the repeats of the ratio within a repeat; PyTorch: ratio of the medians, from its own run):',
  '',
  line(header),
  line(header.map(() => '---')),
);
for (const s of [...systemsSeen.filter((s) => !s.startsWith('jetfit')), 'PyTorch float32']) {
  const cells = results.map((r) => {
    const ms = s === 'PyTorch float32' ? r.torch.f32 : r.timing[s]?.median;
    return ms ? times(s === 'PyTorch float32' ? ms / r.timing['jetfit float32'].median : speedup(r.timing, s)) : '';
  });
  if (cells.some(Boolean)) md.push(line([s, ...cells]));
}
md.push(line(['jetfit float64 / float32', ...results.map((r) => speedup(r.timing, 'jetfit float64').toFixed(2))]));
md.push(
  line([
    'jetfit float32 GFLOP/s (% of GEMM 256³ in the same repeats)',
    ...results.map((r) => {
      const g = r.flops / r.timing['jetfit float32'].median / 1e6;
      return `${g.toFixed(1)} (${(100 * r.gemm.stepShare).toFixed(0)}%)`;
    }),
  ]),
);
md.push(
  '',
  'Agreement with jetfit float64 at the same parameters (relative difference of the loss / of the whole parameter gradient):',
  '',
  line(header),
  line(header.map(() => '---')),
);
const checked = [...new Set(results.flatMap((r) => Object.keys(r.agreement)))];
for (const s of checked) {
  md.push(
    line([
      s,
      ...results.map((r) => {
        const a = r.agreement[s];
        if (!a) return '';
        if (a.throws) return 'throws';
        return Number.isNaN(a.gradient)
          ? `${fmt(a.loss)} / –`
          : Number.isNaN(a.loss)
            ? `– / ${fmt(a.gradient)}`
            : `${fmt(a.loss)} / ${fmt(a.gradient)}`;
      }),
    ]),
  );
}
/** how many times faster jetfit float32 is than system k: the paired ratio where there is one */
function speedup(timing, k) {
  return timing[k].pairedRatio ?? timing[k].median / timing['jetfit float32'].median;
}
function times(x) {
  return `${x.toFixed(x < 10 ? 2 : 1)}x`;
}
function fmtMs(ms) {
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

console.log(md.slice(4).join('\n'));
mkdirSync(outDir, { recursive: true });
const base = quick ? 'peers-quick' : 'peers';
writeFileSync(
  `${outDir}/${base}.json`,
  JSON.stringify({ date: new Date().toISOString(), machine, versions, gemmGflops, results }, null, 1),
);
writeFileSync(`${outDir}/${base}.md`, `${md.join('\n')}\n`);
console.log(`\nwrote ${outDir}/${base}.json and ${base}.md`);
