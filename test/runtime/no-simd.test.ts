// A runtime without WebAssembly SIMD gets an error that says what is missing and where it exists.
import { expect, it, vi } from 'vitest';
import { init } from '../../dist/index.js';

it('init() in a runtime without WebAssembly SIMD explains what is needed', async () => {
  const validate = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
  try {
    await expect(init()).rejects.toThrow(/does not support WebAssembly SIMD \(v128\), which jetfit needs; use Node 16.4\+, Chrome/);
  } finally {
    validate.mockRestore();
  }
  // once the runtime can, init() succeeds (a failed init is not cached)
  expect((await init()).build).toMatch(/simd/);
});
