// npm run bench: the engine on the standard workload shapes, and the GEMM kernel.
// Prints points/s of evaluate (the jets each workload needs), ms and steps/s of one
// gradient step (forward jets + loss + parameter gradients), GFLOP/s of the jet GEMMs,
// and the GEMM kernel at 256³ and at the workloads' skinny shapes next to plain
// JavaScript in the same run. Optional: --torch results.json adds PyTorch's ms/step
// (from a PyTorch run of the same workloads) and the ratio. The threads columns time fit's
// whole training step (Adam) on one thread and on every thread init gave, alternating.
//   node --experimental-wasm-relaxed-simd bench/engine.mjs [--quick] [--torch file.json] [--only W3,W6]
import { Bench } from 'tinybench';
import { fit, init, Mlp } from 'jetfit';
import { hasRelaxedSimd } from '../dist/runtime/load.js';
import { gemmCase, rawCore } from './gemm.mjs';
import { readTorch } from './torch.mjs';
import { benchArgs, fitOptions, prepare, WORKLOADS } from './workloads.mjs';

const { quick, opt, runs } = benchArgs();
const torchFile = opt('--torch');
const time = quick ? 20 : 2500;

const info = await init();
console.log(`jetfit core: ${info.build} build; Node ${process.version}; ${quick ? 'quick run (numbers meaningless)' : ''}`);

// docs/workloads.md timing: warm up, then 5 repeats; each repeat's median latency (tinybench
// p50), and the median and the best of the repeats. On a shared machine the best is the
// steadier figure; both are printed for the workloads.
async function measureRepeats(name, fn) {
  const repeats = quick ? 1 : 5;
  const out = [];
  for (let r = 0; r < repeats; r++) {
    const bench = new Bench({
      time: time / repeats,
      iterations: quick ? 1 : 5,
      warmupTime: quick || r > 0 ? 0 : 300,
      warmupIterations: quick || r > 0 ? 0 : 20,
    });
    bench.add(name, fn);
    await bench.run();
    const res = bench.tasks[0].result;
    if (!res || res.state === 'errored' || !res.latency) throw res?.error ?? new Error(`${name} did not run`);
    out.push(res.latency.p50 ?? res.latency.mean);
  }
  out.sort((a, b) => a - b);
  return { median: out[out.length >> 1], best: out[0] };
}
async function measure(name, fn) {
  return (await measureRepeats(name, fn)).best;
}

// ---- GEMM kernel ----
function jsGemm(a, b, c, M, N, K) {
  for (let i = 0; i < M; i++) {
    const ci = i * N;
    for (let j = 0; j < N; j++) c[ci + j] = 0;
    for (let k = 0; k < K; k++) {
      const aik = a[i * K + k],
        bk = k * N;
      for (let j = 0; j < N; j++) c[ci + j] += aik * b[bk + j];
    }
  }
}

// Both builds are measured: the portable SIMD build every runtime takes, and the
// relaxed-SIMD (fused multiply-add) build init() picks where the runtime validates it.
const builds = [['simd', 'jetfit.wasm']];
if (hasRelaxedSimd()) builds.push(['relaxed-simd', 'jetfit-relaxed.wasm']);
const gemmRows = [];
const shapes = [
  ['256³', 256, 256, 256, false],
  ['W2 forward (B×64×64)', 512, 64, 64, false],
  ['W3 forward (K·B×50×50)', 4 * 1280, 52, 52, false],
  ['W3 weight grad (50×50×K·B)', 52, 52, 4 * 1280, true],
  ['W4 forward (B×256×256)', 1024, 256, 256, false],
  ['W4 weight grad (256×256×B)', 256, 256, 1024, true],
  ['W6 forward (K·B×128×128)', 18 * 512, 128, 128, false],
  ['W6 weight grad (128×128×K·B)', 128, 128, 18 * 512, true],
];
for (const [build, file] of builds) {
  const core = await rawCore(file);
  for (const dtype of ['float32', 'float64']) {
    const T = dtype === 'float64' ? Float64Array : Float32Array;
    for (const [label, M, N, K, transposed] of quick ? shapes.slice(0, 1) : shapes) {
      const gemm = gemmCase(core, dtype, M, N, K, transposed, quick);
      const ms = await measure(label, gemm.run);
      let js = '';
      if (label === '256³' && build === 'simd') {
        const a = new T(M * K).map((_, i) => Math.sin(i)),
          b = new T(K * N).map((_, i) => Math.cos(i)),
          c = new T(M * N);
        const jsMs = await measure('js', () => jsGemm(a, b, c, M, N, K));
        js = ((2 * M * N * K) / jsMs / 1e6).toFixed(2);
      }
      gemmRows.push({
        build,
        dtype,
        shape: label,
        'GFLOP/s': ((2 * M * N * K) / ms / 1e6).toFixed(1),
        ...(js ? { 'plain JS GFLOP/s': js } : {}),
      });
    }
  }
}
console.log('\nGEMM kernel, single thread');
console.table(gemmRows);

/** fit's ms per training step on 1 and on `threads` threads: median of alternating repeats */
async function fitThreads(id, dtype, threads) {
  const net = new Mlp({ sizes: WORKLOADS[id].sizes, dtype, seed: 1 });
  const options = { ...fitOptions(id), optimizer: { type: 'adam', lr: 1e-4 }, progress: false };
  const run = async (t, steps) => {
    const h = await fit(net, { ...options, steps: steps + 1, threads: t });
    return ((h.time.at(-1) - h.time[0]) * 1000) / steps;
  };
  const estimate = await run(1, 3);
  const steps = Math.max(2, Math.round((quick ? 1 : time / 5) / estimate));
  const per = { 1: [], [threads]: [] };
  for (let r = 0; r < (quick ? 1 : 5); r++) for (const t of r % 2 ? [threads, 1] : [1, threads]) per[t].push(await run(t, steps));
  net.dispose();
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  return { one: median(per[1]), many: median(per[threads]) };
}

// ---- engine on the workloads ----
const torch = torchFile ? readTorch(torchFile) : null;
const rows = [];
for (const [id, dtype] of runs) {
  const w = prepare(id, dtype);
  w.step(); // plans the buffers before timing
  const evalMs = await measure(`${id} evaluate`, () => w.evaluate());
  const { median: stepMs, best: stepBest } = await measureRepeats(`${id} step`, () => w.step());
  const t = torch?.[`${id}:${dtype === 'float64' ? 'f64' : 'f32'}`];
  rows.push({
    workload: id,
    dtype,
    loss: WORKLOADS[id].loss,
    'evaluate points/s': Math.round((WORKLOADS[id].batch / evalMs) * 1000),
    'step ms (median)': stepMs.toFixed(3),
    'step ms (best)': stepBest.toFixed(3),
    'gradient points/s': Math.round((WORKLOADS[id].batch / stepMs) * 1000),
    'steps/s': (1000 / stepMs).toFixed(1),
    'GFLOP/s (best)': (w.flops() / stepBest / 1e6).toFixed(1),
    ...(torch ? { 'PyTorch ms': t?.toFixed(2) ?? '-', 'vs PyTorch (median)': t ? `${(t / stepMs).toFixed(2)}x` : '-' } : {}),
  });
  if (info.threads > 1) {
    const { one, many } = await fitThreads(id, dtype, info.threads);
    Object.assign(rows.at(-1), {
      'fit ms, 1 thread': one.toFixed(3),
      [`fit ms, ${info.threads} threads`]: many.toFixed(3),
      'threads speed-up': `${(one / many).toFixed(2)}x`,
    });
  }
  w.net.dispose();
}
console.log(
  `\nEngine: one gradient step = forward jets + loss cotangents + parameter gradients (single thread); fit's training step on 1 and ${info.threads} threads`,
);
console.table(rows);
