// Levenberg–Marquardt's two solvers on one problem: ms per step ('direct': Cholesky of JᵀJ + μI;
// 'cg': conjugate gradients, JᵀJ never formed) and the loss after 6 steps, float64, one thread.
// Steps take seconds, so each is timed by fit's own history rather than by repeated tinybench runs.
//   npm run build && node bench/lm-solvers.mjs [residual rows (3000)] [hidden width (20)]
import { fit, init, mean, Mlp } from '../dist/index.js';

await init({ threads: 1 });
const N = Number(process.argv[2] ?? 3000),
  width = Number(process.argv[3] ?? 20);
// residual points spread over [-1, 1]², a Poisson-type residual
const pts = Array.from({ length: N }, (_, i) => [Math.cos(i * 1.1), Math.sin(i * 0.7)]);
const terms = { pde: { points: pts, loss: ({ u, x }) => mean(u.laplacian().add(x[0].mul(3).sin()).square()) } };
for (const solver of ['direct', 'cg']) {
  const net = new Mlp({ sizes: [2, width, width, width, 1], dtype: 'float64', seed: 1 });
  const h = await fit(net, { terms, optimizer: { type: 'lm', solver, cgIterations: 100, cgTolerance: 1e-6 }, steps: 6, progress: false });
  const t = h.time;
  console.log(
    solver,
    `P=${net.parameterCount} rows=${N}`,
    'ms/step',
    (((t.at(-1) - t[0]) / (t.length - 1)) * 1000).toFixed(0),
    'loss',
    h.loss.at(-1).toExponential(3),
  );
  net.dispose();
}
