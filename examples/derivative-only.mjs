// The opening question: "how do I put d(model)/d(input) into my loss?"
// Learn f on [-pi, pi] from samples of its derivative alone (f' = cos). The loss never
// sees a value of f, so f is learnt up to a constant; one anchor value fixes it, and the
// result is compared with the exact f = sin.
import { init, Mlp, fit, mse } from 'jetfit';
import { initOptions, saveNetwork } from './environment.mjs';

await init(initOptions());
const net = new Mlp({ sizes: [1, 32, 32, 1], activation: 'tanh', dtype: 'float64', seed: 1 });
const steps = Number(process.env.STEPS ?? 3000);
const N = 256;
const x = Float64Array.from({ length: N }, (_, i) => -Math.PI + (2 * Math.PI * (i + 0.5)) / N);

const history = await fit(net, {
  data: { points: x, columns: { slope: x.map(Math.cos) } },
  loss: ({ u, data }) => mse(u.d(0), data.slope), // mean((df/dx - cos x)^2)
  optimizer: { type: 'adam', lr: 5e-3 },
  schedule: { type: 'cosine', minFactor: 0.05 },
  steps,
});

// f is known up to a constant: fix it with the anchor f(0) = sin(0) = 0.
const test = Float64Array.from({ length: 1001 }, (_, i) => -Math.PI + (2 * Math.PI * i) / 1000);
const anchor = net.evaluate([0]).y[0];
const f = net.evaluate(test).y;
let maxErr = 0;
for (let i = 0; i < test.length; i++) maxErr = Math.max(maxErr, Math.abs(f[i] - anchor - Math.sin(test[i])));
console.log(
  `loss ${history.loss[0].toExponential(3)} -> ${history.loss.at(-1).toExponential(3)} in ${history.steps} steps, ${history.seconds.toFixed(2)} s`,
);
console.log(`max |f(x) - f(0) - sin(x)| on [-pi, pi]: ${maxErr.toExponential(3)}`);
saveNetwork(net);
net.dispose();
const bound = Number(process.env.BOUND ?? 2e-3);
if (!(maxErr < bound)) {
  console.error(`error above ${bound}`);
  process.exit(1);
}
