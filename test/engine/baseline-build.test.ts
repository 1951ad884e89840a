// The portable SIMD build (no relaxed FMA), which Node 20 without flags and Safari run.
import { readFile } from 'node:fs/promises';
import { beforeAll, expect, it } from 'vitest';
import { init } from '../../dist/index.js';
import { jetSuite } from './jet-suite.js';

beforeAll(async () => {
  const info = await init(await readFile(new URL('../../dist/jetfit.wasm', import.meta.url)));
  expect(info.build).toBe('simd');
});
it('loads the baseline build', async () => {
  expect((await init()).build).toBe('simd');
});
jetSuite();
