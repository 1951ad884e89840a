// The opening question: "how do I put d(model)/d(input) into my loss?"
// Learn f on [-pi, pi] from samples of its derivative alone (f' = cos), then fix the
// constant with one anchor value and compare with the exact f = sin.
//
// This version writes the training loop by hand on the engine's forward/backward pass
// (Adam on the parameters); the loss is mean((df/dx - cos x)^2).
import { init, Mlp } from 'jetfit';

await init();
const net = new Mlp({ sizes: [1, 32, 32, 1], activation: 'tanh', dtype: 'float64', seed: 1 });
const B = 256, steps = Number(process.env.STEPS ?? 3000), lr = 5e-3;
const x = Float64Array.from({ length: B }, (_, i) => -Math.PI + (2 * Math.PI * (i + 0.5)) / B);
const target = x.map(Math.cos);

// Adam state, one moment pair per parameter array.
let params = net.getParams();
const m = params.map(({ W, b }) => ({ W: new Float64Array(W.length), b: new Float64Array(b.length) }));
const v = params.map(({ W, b }) => ({ W: new Float64Array(W.length), b: new Float64Array(b.length) }));
const cotangent = new Float64Array(B);
let loss = 0;
const t0 = performance.now();
for (let step = 1; step <= steps; step++) {
  const pass = net.forward(x, { jacobian: true });      // y and dy/dx at every point
  loss = 0;
  for (let p = 0; p < B; p++) {
    const r = pass.jacobian[p] - target[p];
    loss += (r * r) / B;
    cotangent[p] = (2 * r) / B;                          // d loss / d jacobian
  }
  const grads = pass.backward({ jacobian: cotangent }); // d loss / d every W and b
  const c1 = 1 - 0.9 ** step, c2 = 1 - 0.999 ** step;
  params.forEach((layer, l) => {
    for (const key of ['W', 'b']) {
      const P = layer[key], G = grads[l][key], M = m[l][key], V = v[l][key];
      for (let i = 0; i < P.length; i++) {
        M[i] = 0.9 * M[i] + 0.1 * G[i];
        V[i] = 0.999 * V[i] + 0.001 * G[i] * G[i];
        P[i] -= (lr * M[i]) / c1 / (Math.sqrt(V[i] / c2) + 1e-8);
      }
    }
  });
  net.setParams(params);
  if (step % 500 === 0 || step === steps) console.log(`step ${step}  loss ${loss.toExponential(3)}`);
}
const seconds = (performance.now() - t0) / 1000;

// f is known up to a constant: fix it with the anchor f(0) = sin(0) = 0.
const test = Float64Array.from({ length: 1001 }, (_, i) => -Math.PI + (2 * Math.PI * i) / 1000);
const anchor = net.evaluate([0]).y[0];
const f = net.evaluate(test).y;
let maxErr = 0;
for (let i = 0; i < test.length; i++) maxErr = Math.max(maxErr, Math.abs(f[i] - anchor - Math.sin(test[i])));
console.log(`trained ${steps} steps in ${seconds.toFixed(2)} s (${(steps / seconds).toFixed(0)} steps/s)`);
console.log(`max |f(x) - f(0) - sin(x)| on [-pi, pi]: ${maxErr.toExponential(3)}`);
net.dispose();
if (!(maxErr < 2e-2)) { console.error('the recovered f is further from sin than expected'); process.exit(1); }
