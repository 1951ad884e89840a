// init() with no argument finds the package's own .wasm and picks the relaxed-SIMD build
// where the runtime validates it (these tests run Node with the flag that enables it).
import { expect, it } from 'vitest';
import { init, Mlp } from '../../dist/index.js';
import { hasRelaxedSimd } from '../../dist/runtime/load.js';

it('loads the shipped module, the faster build where it validates', async () => {
  const info = await init();
  expect(info.build).toBe(hasRelaxedSimd() ? 'relaxed-simd' : 'simd');
  expect(hasRelaxedSimd()).toBe(true);
  const net = new Mlp({ sizes: [2, 3, 1], seed: 1 });
  expect(net.evaluate([[0.1, 0.2]], { jacobian: true }).jacobian!.length).toBe(2);
  net.dispose();
});
