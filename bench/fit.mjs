// npm run bench:fit — what fit adds on top of the engine: for each standard workload,
// ms per step of the engine alone (forward jets + parameter gradients with fixed
// cotangents) against a full fit step (batching, the loss expression's tape forward and
// backward, the engine, and the Adam update). Target: at most 15% more.
//   node --experimental-wasm-relaxed-simd bench/fit.mjs [--quick] [--only W3]
import { init, fit, mean, mse, Mlp } from 'jetfit';
import { benchArgs, prepare, WORKLOADS } from './workloads.mjs';

const { quick, runs } = benchArgs();
await init();

/** fit options for a workload: the same loss as prepare()'s step, written as fields */
function fitOptions(id, w) {
  const spec = WORKLOADS[id];
  if (spec.jets === 'jacobian') return { data: { points: w.x, columns: w.columns }, loss: ({ u, data }) => mse(u.d(0), data.c) };
  if (spec.jets === 'sobolev') {
    return { data: { points: w.x, columns: w.columns }, loss: ({ u, data }) => mse(u, data.g).add(mse(u.d(0), data.gx)).add(mse(u.d(1), data.gy)) };
  }
  const terms = { pde: { points: w.x, columns: w.columns, loss: ({ u, data }) => mean(u.laplacian().add(data.f).square()) } };
  if (w.boundaryX) terms.boundary = { points: w.boundaryX, loss: ({ u }) => mean(u.square()) };
  return { terms };
}

async function best(fn, repeats) {
  let b = Infinity;
  for (let r = 0; r < repeats; r++) b = Math.min(b, await fn());
  return b;
}

const rows = [];
for (const [id, dtype] of runs) {
  const w = prepare(id, dtype);
  const steps = quick ? 3 : Math.max(10, Math.round(300 / (WORKLOADS[id].batch * WORKLOADS[id].sizes[1] / 20000)));
  const engineMs = await best(async () => {
    for (let i = 0; i < 3; i++) w.engineStep();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) w.engineStep();
    return (performance.now() - t0) / steps;
  }, quick ? 1 : 5);
  const net = new Mlp({ sizes: WORKLOADS[id].sizes, dtype, seed: 1 });
  const options = { ...fitOptions(id, w), optimizer: { type: 'adam', lr: 1e-4 }, progress: false };
  const fitMs = await best(async () => {
    const h = await fit(net, { ...options, steps: steps + 3 });
    return (h.time.at(-1) - h.time[2]) * 1000 / steps;
  }, quick ? 1 : 5);
  rows.push({ workload: id, dtype, 'engine ms/step': engineMs.toFixed(3), 'fit ms/step': fitMs.toFixed(3), 'fit overhead': `${((fitMs / engineMs - 1) * 100).toFixed(1)}%` });
  net.dispose();
  w.net.dispose();
}
console.log('fit against the engine alone (best of repeats, single thread)');
console.table(rows);
