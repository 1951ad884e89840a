// The benchmark must keep running (tiny sizes, one repeat); its timings are not checked.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

it('bench/engine.mjs runs and prints its tables', async () => {
  const script = fileURLToPath(new URL('../../bench/engine.mjs', import.meta.url));
  const { stdout } = await run(process.execPath, [script, '--quick']);
  expect(stdout).toMatch(/GEMM kernel, single thread/);
  expect(stdout).toMatch(/256³/);
  expect(stdout).toMatch(/'W1'\s+│ 'float32'/);
  expect(stdout).toMatch(/'W1'\s+│ 'float64'/);
});

it('bench/fit.mjs runs and prints its table', async () => {
  const script = fileURLToPath(new URL('../../bench/fit.mjs', import.meta.url));
  const { stdout } = await run(process.execPath, [script, '--quick']);
  expect(stdout).toMatch(/fit against the engine alone/);
  expect(stdout).toMatch(/'W1'\s+│ 'float64'/);
});
