// Runs test/golden/problems.mjs for one build and dtype in a child process (a process has
// one core, so each build needs its own), returning { problem: hash }.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// A function using f32x4.relaxed_madd: validates only where relaxed SIMD is on.
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11,
]);

export async function goldenHashes(build: 'simd' | 'relaxed', dtype: 'float32' | 'float64'): Promise<Record<string, string>> {
  const script = fileURLToPath(new URL('./problems.mjs', import.meta.url));
  // Node 20 validates the relaxed build only behind a flag (vitest's workers get it from
  // vitest.config.ts); the child needs it too
  const flag = '--experimental-wasm-relaxed-simd';
  const flags = process.execArgv.includes(flag) || !WebAssembly.validate(RELAXED_PROBE) ? [flag] : [];
  const { stdout } = await promisify(execFile)(process.execPath, [...flags, script, build, dtype], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Record<string, string>;
}
