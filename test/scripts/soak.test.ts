// The soak script (npm run soak) at a small scale, so that it keeps working: it exits
// non-zero when memory grows or buffers leak.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('soak at 1 % scale: memory stays flat and nothing leaks', async () => {
  const script = fileURLToPath(new URL('../../scripts/soak.mjs', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', script], { env: { ...process.env, SOAK_SCALE: '0.01' } });
  expect(stdout).toMatch(/steps\s+100 %/);
  expect(stdout).toMatch(/networks\s+100 %/);
  expect(stdout).toMatch(/fits\s+100 %/);
  expect(stdout).toMatch(/0\.00 MiB of WebAssembly buffers still in use/);
  expect(stdout).toMatch(/soak: memory flat/);
});
