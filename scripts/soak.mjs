// Soak run (npm run soak; not part of npm test): long training, many networks and many
// fits in one process, printing the WebAssembly memory and the JavaScript heap every 10 %.
// It fails (exit 1) if the WebAssembly memory keeps growing after the first tenth of a
// stage, if buffers are still in use after every network is disposed, or if the heap
// grows by more than HEAP_SLACK_MB after a garbage collection.
//   SOAK_SCALE=0.1 npm run soak      a tenth of the default counts
import { fit, init, memoryUsage, mse, Mlp } from '../dist/index.js';

const scale = Number(process.env.SOAK_SCALE ?? 1);
const STEPS = Math.max(10, Math.round(100_000 * scale));
const NETWORKS = Math.max(10, Math.round(10_000 * scale));
const FITS = Math.max(10, Math.round(2_000 * scale));
const HEAP_SLACK_MB = Number(process.env.HEAP_SLACK_MB ?? 32);

await init();
const gc = globalThis.gc ?? (() => {});
const mb = (n) => (n / 2 ** 20).toFixed(2);
let failed = false;

function report(stage, done, total, extra = '') {
  gc();
  const m = memoryUsage();
  const heap = process.memoryUsage().heapUsed;
  console.log(
    `${stage.padEnd(9)} ${String(Math.round((100 * done) / total)).padStart(3)} %  ${String(done).padStart(7)}/${total}` +
      `  wasm memory ${mb(m.reserved)} MiB, in use ${mb(m.inUse)} MiB  JS heap ${mb(heap)} MiB${extra}`,
  );
  return { reserved: m.reserved, inUse: m.inUse, heap };
}

/** Runs `total` units in ten slices, checking that nothing grows after the first slice. */
async function stage(name, total, slice) {
  const per = Math.ceil(total / 10);
  let first = null;
  for (let done = 0; done < total; ) {
    const n = Math.min(per, total - done);
    const extra = await slice(done, n);
    done += n;
    const r = report(name, done, total, extra ?? '');
    if (!first) {
      first = r;
      continue;
    }
    if (r.reserved > first.reserved) {
      console.error(`${name}: the WebAssembly memory grew after the first tenth`);
      failed = true;
    }
    if ((r.heap - first.heap) / 2 ** 20 > HEAP_SLACK_MB) {
      console.error(`${name}: the JavaScript heap grew by more than ${HEAP_SLACK_MB} MiB`);
      failed = true;
    }
  }
}

const xs = Float64Array.from({ length: 256 }, (_, i) => -Math.PI + (2 * Math.PI * (i + 0.5)) / 256);
const data = { points: xs, columns: { slope: xs.map(Math.cos) } };
const loss = ({ u, data: d }) => mse(u.d(0), d.slope);
const baseline = memoryUsage().inUse;

// 1. One long training run, continued from its saved state every tenth (minibatches, Adam).
const net = new Mlp({ sizes: [1, 32, 32, 1], dtype: 'float32', seed: 1 });
let state;
await stage('steps', STEPS, async (done, n) => {
  const h = await fit(net, {
    data,
    loss,
    batchSize: 64,
    optimizer: { type: 'adam', lr: 1e-3 },
    steps: done + n,
    progress: false,
    ...(state ? { resume: state } : {}),
  });
  state = h.state;
  return `  loss ${h.loss.at(-1).toExponential(2)}`;
});
net.dispose();

// 2. Networks of many shapes, each planned for a batch, evaluated and disposed.
await stage('networks', NETWORKS, (done, n) => {
  for (let k = done; k < done + n; k++) {
    const width = 1 + (k % 37),
      inputs = 1 + (k % 3);
    const a = new Mlp({
      sizes: [inputs, width, 1 + (k % 2)],
      dtype: k % 2 ? 'float32' : 'float64',
      activation: k % 5 ? 'tanh' : 'silu',
      seed: k,
    });
    a.evaluate(new Float64Array(inputs * (1 + (k % 17))).fill(0.5), { jacobian: true, hessian: k % 3 ? 'laplacian' : 'diag' });
    a.dispose();
  }
});

// 3. Many short fits on fresh networks, with L-BFGS and Adam.
await stage('fits', FITS, async (done, n) => {
  for (let k = done; k < done + n; k++) {
    const a = new Mlp({ sizes: [1, 8, 1], dtype: 'float64', seed: k });
    await fit(a, { data, loss, optimizer: k % 2 ? 'lbfgs' : 'adam', steps: 3, progress: false });
    a.dispose();
  }
});

const left = memoryUsage().inUse - baseline;
console.log(`after every network is disposed: ${mb(left)} MiB of WebAssembly buffers still in use`);
if (left !== 0) {
  console.error('buffers leaked');
  failed = true;
}
if (failed) process.exit(1);
console.log('soak: memory flat');
