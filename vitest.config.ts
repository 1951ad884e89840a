import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Node 20 validates the relaxed-SIMD build only behind this flag: with it, the default
    // init() loads the relaxed build and test/engine/baseline-build.test.ts covers the other.
    execArgv: ['--experimental-wasm-relaxed-simd'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
