// The benchmark must keep running (tiny sizes, one repeat); its timings are not checked.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

// Installs bench/peers (TensorFlow.js, jax-js) on first use: needs the npm registry once.
it('bench/peers.mjs runs jetfit and the peers, checks agreement and writes its results', async () => {
  const script = fileURLToPath(new URL('../../bench/peers.mjs', import.meta.url));
  const out = mkdtempSync(join(tmpdir(), 'jetfit-peers-'));
  try {
    const { stdout } = await run(process.execPath, [script, '--quick', '--out', out], { maxBuffer: 1 << 24 });
    expect(stdout).toMatch(/'TF\.js wasm'/);
    expect(stdout).toMatch(/'jax-js'/);
    expect(stdout).toMatch(/'TF\.js cpu'/);
    const json = JSON.parse(readFileSync(join(out, 'peers-quick.json'), 'utf8'));
    const w1 = json.results[0];
    expect(w1.workload).toBe('W1');
    // every peer computed the same loss and parameter gradient as jetfit (float32 rounding)
    for (const system of ['jetfit float32', 'TF.js wasm', 'jax-js', 'TF.js cpu']) {
      expect(w1.agreement[system].loss).toBeLessThan(1e-4);
      expect(w1.agreement[system].gradient).toBeLessThan(1e-4);
      expect(w1.agreement[system].agrees).toBe(true);
    }
    // and TF.js's own tanh is wrong at second order, which is why the peer rebuilds it
    expect(w1.agreement['TF.js built-in tf.tanh'].gradient).toBeGreaterThan(1e-2);
    for (const system of ['jetfit float32', 'jetfit float64', 'TF.js wasm', 'jax-js']) expect(w1.timing[system].median).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'peers-quick.md'), 'utf8')).toMatch(/\| TF\.js wasm \|/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 600_000);
