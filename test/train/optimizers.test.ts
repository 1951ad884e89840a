// Each optimizer on a problem with a known minimum, through fit (trainable scalars).
import { describe, expect, it } from 'vitest';
import { fit, init, mean, Mlp, parameter, type OptimizerSpec } from '../../dist/index.js';
import { lift, rosenbrock } from '../helpers.js';

await init();

describe('first-order optimizers minimise a quadratic', () => {
  const cases: [string, OptimizerSpec, number][] = [
    ['sgd', { type: 'sgd', lr: 0.02 }, 600],
    ['sgd momentum', { type: 'sgd', lr: 0.01, momentum: 0.9 }, 400],
    ['sgd nesterov', { type: 'sgd', lr: 0.01, momentum: 0.9, nesterov: true }, 400],
    ['adam', { type: 'adam', lr: 0.05 }, 1500],
    ['adamw', { type: 'adamw', lr: 0.05, weightDecay: 0 }, 1500],
  ];
  for (const [name, optimizer, steps] of cases) {
    it(name, async () => {
      const net = new Mlp({ sizes: [1, 2, 1], seed: 1 });
      const a = parameter(0, 'a'),
        b = parameter(0, 'b');
      // f = (a - 3)² + 10 (b + 1)², minimum 0 at (3, -1)
      const h = await fit(net, {
        data: { points: [[0]] },
        loss: (c) => mean(lift(c, a).sub(3).square()).add(mean(lift(c, b).add(1).square()).mul(10)),
        optimizer,
        steps,
        progress: false,
      });
      expect(a.value).toBeCloseTo(3, 3);
      expect(b.value).toBeCloseTo(-1, 3);
      expect(h.parameters).toEqual({ a: a.value, b: b.value });
      expect(h.loss.at(-1)!).toBeLessThan(1e-6);
      net.dispose();
    });
  }
});

it('adamw shrinks toward zero by its decoupled weight decay', async () => {
  const net = new Mlp({ sizes: [1, 2, 1], seed: 1 });
  const a = parameter(0, 'a');
  // minimise (a - 3)² with decay λ: the fixed point of AdamW is where the Adam step and lr·λ·a balance, below 3
  await fit(net, {
    data: { points: [[0]] },
    loss: (c) => mean(lift(c, a).sub(3).square()),
    optimizer: { type: 'adamw', lr: 0.01, weightDecay: 0.5 },
    steps: 3000,
    progress: false,
  });
  expect(a.value).toBeLessThan(2.99);
  expect(a.value).toBeGreaterThan(1);
  net.dispose();
});

it('L-BFGS finds the minimum of the Rosenbrock function', async () => {
  const net = new Mlp({ sizes: [1, 2, 1], seed: 1 });
  const a = parameter(-1.2, 'a'),
    b = parameter(1, 'b');
  const h = await fit(net, {
    data: { points: [[0]] },
    loss: (c) => rosenbrock(c, a, b),
    optimizer: 'lbfgs',
    steps: 200,
    progress: false,
  });
  expect(a.value).toBeCloseTo(1, 5);
  expect(b.value).toBeCloseTo(1, 5);
  expect(h.stopReason).toBe('converged');
  expect(h.steps).toBeLessThan(100);
  net.dispose();
});

describe('optimizer options out of range', () => {
  const run = (optimizer: unknown, extra: object = {}) => {
    const net = new Mlp({ sizes: [1, 2, 1], seed: 1 });
    return fit(net, {
      data: { points: [[0], [1]] },
      loss: ({ u }) => mean(u.square()),
      optimizer: optimizer as OptimizerSpec,
      steps: 1,
      progress: false,
      ...extra,
    });
  };
  it('names the option and the range', async () => {
    await expect(run({ type: 'adam', lr: -1 })).rejects.toThrow(/fit.optimizer.lr: expected a number in \(0, ∞\), got -1/);
    await expect(run({ type: 'sgd', momentum: 1.5 })).rejects.toThrow(/momentum: expected a number in \[0, 1\)/);
    await expect(run({ type: 'sgd', nesterov: true })).rejects.toThrow(/Nesterov momentum needs momentum > 0/);
    await expect(run({ type: 'adam', beta2: 1 })).rejects.toThrow(/beta2/);
    await expect(run({ type: 'lbfgs', historySize: 0 })).rejects.toThrow(/historySize: expected a whole number ≥ 1, got 0/);
    await expect(run('rmsprop')).rejects.toThrow(/unknown optimizer "rmsprop"/);
    await expect(run('adam', { clipNorm: 0 })).rejects.toThrow(/clipNorm/);
    await expect(run('adam', { schedule: { type: 'step', every: 0 } })).rejects.toThrow(/schedule.every/);
  });
  it('L-BFGS refuses minibatches', async () => {
    const net = new Mlp({ sizes: [1, 2, 1], seed: 1 });
    await expect(
      fit(net, {
        data: { points: [[0], [1], [2], [3]] },
        batchSize: 2,
        loss: ({ u }) => mean(u.square()),
        optimizer: 'lbfgs',
        steps: 1,
        progress: false,
      }),
    ).rejects.toThrow(/L-BFGS needs full batches, but term 'loss' has batchSize 2 of 4 points/);
  });
});
