import { defineConfig } from 'vitest/config';

// A function using f32x4.relaxed_madd: validates only where relaxed SIMD is on.
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11,
]);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Node 20 validates the relaxed-SIMD build only behind this flag: with it, the default
    // init() loads the relaxed build and test/engine/baseline-build.test.ts covers the other.
    execArgv: WebAssembly.validate(RELAXED_PROBE) ? [] : ['--experimental-wasm-relaxed-simd'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
