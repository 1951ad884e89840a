// The default example end to end, on a small budget: it must train and recover sin.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

it('examples/derivative-only.mjs recovers f = sin from f\' = cos', async () => {
  const script = fileURLToPath(new URL('../../examples/derivative-only.mjs', import.meta.url));
  const { stdout } = await run(process.execPath, [script], { env: { ...process.env, STEPS: '1500' } });
  const err = Number(/max \|f\(x\) - f\(0\) - sin\(x\)\| on \[-pi, pi\]: (\S+)/.exec(stdout)?.[1]);
  expect(err).toBeLessThan(5e-3);
  const losses = [...stdout.matchAll(/loss (\S+)/g)].map((m) => Number(m[1]));
  expect(losses.length).toBeGreaterThan(1);
  expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
});
