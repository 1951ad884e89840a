// npm run bench:fit — what fit adds on top of the engine: for each standard workload,
// ms per step of the engine alone (forward jets + parameter gradients with fixed
// cotangents) against a full fit step (batching, the loss expression's tape forward and
// backward, the engine, and the Adam update). Target: at most 15% more.
//   node --experimental-wasm-relaxed-simd bench/fit.mjs [--quick] [--only W3]
import { init, fit, Mlp } from 'jetfit';
import { benchArgs, fitOptions, prepare, WORKLOADS } from './workloads.mjs';

const { quick, runs } = benchArgs();
await init();

async function best(fn, repeats) {
  let b = Infinity;
  for (let r = 0; r < repeats; r++) b = Math.min(b, await fn());
  return b;
}

const rows = [];
for (const [id, dtype] of runs) {
  const w = prepare(id, dtype);
  const steps = quick ? 3 : Math.max(10, Math.round(300 / ((WORKLOADS[id].batch * WORKLOADS[id].sizes[1]) / 20000)));
  const engineMs = await best(
    async () => {
      for (let i = 0; i < 3; i++) w.engineStep();
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) w.engineStep();
      return (performance.now() - t0) / steps;
    },
    quick ? 1 : 5,
  );
  const net = new Mlp({ sizes: WORKLOADS[id].sizes, dtype, seed: 1 });
  const options = { ...fitOptions(id), optimizer: { type: 'adam', lr: 1e-4 }, progress: false };
  const fitMs = await best(
    async () => {
      const h = await fit(net, { ...options, steps: steps + 3 });
      return ((h.time.at(-1) - h.time[2]) * 1000) / steps;
    },
    quick ? 1 : 5,
  );
  rows.push({
    workload: id,
    dtype,
    'engine ms/step': engineMs.toFixed(3),
    'fit ms/step': fitMs.toFixed(3),
    'fit overhead': `${((fitMs / engineMs - 1) * 100).toFixed(1)}%`,
  });
  net.dispose();
  w.net.dispose();
}
console.log('fit against the engine alone (best of repeats, single thread)');
console.table(rows);
