// Trains the Poisson problem with fit and reports steps and heat maps to the page.
// Imported from the package build served next to this page (npm run demo serves the repo).
import { init, Mlp, fit, mean } from '../../dist/index.js';

const PI = Math.PI;
let controller = null;

self.onmessage = async ({ data }) => {
  if (data === 'stop') {
    controller?.abort();
    return;
  }
  controller = new AbortController();
  try {
    // threads where the page is cross-origin isolated (npm run demo serves it so)
    const info = await init();
    self.postMessage({ type: 'threads', threads: info.threads, off: info.threadsOff });
    const n = 24,
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
    const grid = 40,
      points = [],
      exact = [];
    for (let i = 0; i < grid; i++)
      for (let j = 0; j < grid; j++) {
        const x = (j + 0.5) / grid,
          y = 1 - (i + 0.5) / grid;
        points.push([x, y]);
        exact.push(Math.sin(PI * x) * Math.sin(PI * y));
      }
    const net = new Mlp({ sizes: [2, ...Array(data.depth).fill(data.width), 1], activation: data.activation, dtype: 'float64', seed: 1 });
    const phases =
      data.optimizer === 'sgd'
        ? [{ optimizer: { type: 'sgd', lr: 2e-3, momentum: 0.9 }, steps: 20000 }]
        : data.optimizer === 'adam-lbfgs'
          ? [
              { optimizer: { type: 'adam', lr: 2e-3 }, steps: 1000 },
              { optimizer: 'lbfgs', steps: 5000 },
            ]
          : [{ optimizer: { type: 'adam', lr: 2e-3 }, steps: 20000 }];
    let lastField = 0;
    const field = () => {
      const u = net.evaluate(points).y;
      const error = Array.from(u, (v, k) => Math.abs(v - exact[k]));
      self.postMessage({ type: 'field', n: grid, u: Array.from(u), error });
    };
    const history = await fit(net, {
      terms: {
        pde: { points: interior, columns: { f: source }, loss: ({ u, data: d }) => mean(u.laplacian().add(d.f).square()) },
        boundary: { points: boundary, loss: ({ u }) => mean(u.square()), weight: 10 },
      },
      phases,
      signal: controller.signal,
      onStep: ({ step, loss, terms, seconds }) => {
        if (step % 10 === 0) self.postMessage({ type: 'step', step, loss, terms: { ...terms }, seconds });
        if (performance.now() - lastField > 250) {
          lastField = performance.now();
          field();
        }
      },
    });
    field();
    const u = net.evaluate(points).y;
    let num = 0,
      den = 0;
    u.forEach((v, k) => {
      num += (v - exact[k]) ** 2;
      den += exact[k] ** 2;
    });
    self.postMessage({ type: 'done', reason: history.stopReason, relError: Math.sqrt(num / den), threads: history.threads });
    net.dispose();
  } catch (e) {
    self.postMessage({ type: 'error', message: e.message });
  }
};
