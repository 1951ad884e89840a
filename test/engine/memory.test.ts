// Buffers are planned once per (batch size, jet kind): repeating a call does not grow
// memory, and dispose gives everything back.
import { beforeAll, expect, it } from 'vitest';
import { init, Mlp } from '../../dist/index.js';
import { getCore } from '../../dist/runtime/core.js';
import { points } from '../helpers.js';

beforeAll(async () => {
  await init();
});

it('repeated passes of the same shape reuse their buffers', () => {
  const heap = getCore('test').heap;
  const net = new Mlp({ sizes: [2, 32, 32, 1], seed: 1 });
  const x = points(100, 2);
  const c = { laplacian: points(100, 1, 2), jacobian: points(200, 1, 3) };
  net.gradients(x, c);
  net.evaluate(x, { jacobian: true });
  const used = heap.used,
    bytes = heap.memory.buffer.byteLength;
  for (let i = 0; i < 50; i++) {
    net.gradients(x, c);
    net.evaluate(x, { jacobian: true });
    net.forward(x, { hessian: 'laplacian' }).backward(c);
  }
  expect(heap.used).toBe(used);
  expect(heap.memory.buffer.byteLength).toBe(bytes);
  net.dispose();
});

it('dispose returns the memory for reuse', () => {
  const heap = getCore('test').heap;
  const before = heap.used;
  for (let i = 0; i < 20; i++) {
    const net = new Mlp({ sizes: [3, 64, 64, 2], seed: i });
    net.evaluate(points(257, 3), { hessian: 'full' });
    net.dispose();
  }
  expect(heap.used).toBe(before);
});

it('the same seed gives the same network, another seed another', () => {
  const a = new Mlp({ sizes: [2, 8, 1], seed: 42 }).getParams();
  const b = new Mlp({ sizes: [2, 8, 1], seed: 42 }).getParams();
  const c = new Mlp({ sizes: [2, 8, 1], seed: 43 }).getParams();
  expect(Array.from(a[0]!.W)).toEqual(Array.from(b[0]!.W));
  expect(Array.from(a[0]!.W)).not.toEqual(Array.from(c[0]!.W));
  expect(Array.from(a[0]!.b).every((v) => v === 0)).toBe(true);
  // Glorot uniform bound sqrt(6 / (fan_in + fan_out))
  const bound = Math.sqrt(6 / 10);
  expect(Math.max(...Array.from(a[0]!.W, Math.abs))).toBeLessThanOrEqual(bound);
  const normal = new Mlp({ sizes: [200, 200, 1], seed: 1, init: 'glorotNormal' }).getParams()[0]!.W;
  const sd = Math.sqrt(Array.from(normal).reduce((s, v) => s + v * v, 0) / normal.length);
  expect(sd).toBeGreaterThan(0.9 * Math.sqrt(2 / 400));
  expect(sd).toBeLessThan(1.1 * Math.sqrt(2 / 400));
});
