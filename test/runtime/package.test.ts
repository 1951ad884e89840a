// The packed package, installed into a fresh project, trains from Node ESM and from
// CommonJS require() with the same result, within the size budget.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
let dir = '';
let tarball = '';

// A few Adam steps on a loss on the Jacobian; prints the first and last loss and a prediction.
const body = `
  await init();
  const net = new Mlp({ sizes: [2, 8, 1], dtype: 'float64', seed: 3 });
  const points = [[0, 0], [0.5, 0.1], [0.2, 0.9], [1, 1], [0.7, 0.3]];
  const h = await fit(net, {
    data: { points, columns: { gx: [1, 1, 1, 1, 1] } },
    loss: ({ u, data }) => mse(u.d(0), data.gx).add(mse(u.d(1))),
    optimizer: { type: 'adam', lr: 0.01 }, steps: 30, progress: false,
  });
  console.log(JSON.stringify({ first: h.loss[0], last: h.loss.at(-1), y: Array.from(net.evaluate([[0.3, 0.4]]).y) }));
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jetfit-pack-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--silent'], { cwd: root });
  tarball = join(dir, stdout.trim().split('\n').pop()!);
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], { cwd: dir });
  await writeFile(join(dir, 'esm.mjs'), `import { init, Mlp, fit, mse } from 'jetfit';\n${body}`);
  await writeFile(join(dir, 'cjs.cjs'), `const { init, Mlp, fit, mse } = require('jetfit');\n(async () => {${body}})();`);
  await writeFile(join(dir, 'inline.mjs'), `import { init, Mlp, fit, mse } from 'jetfit/inline';\n${body}`);
}, 120_000);

afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

it('the tarball is small and ships the .wasm builds and type declarations', async () => {
  expect((await stat(tarball)).size).toBeLessThan(150 * 1024);
  const files = await readdir(join(dir, 'node_modules', 'jetfit', 'dist'));
  expect(files).toEqual(expect.arrayContaining(['jetfit.wasm', 'jetfit-relaxed.wasm', 'index.js', 'index.d.ts']));
});

it('trains from ESM and from CommonJS, with the same result', async () => {
  const esm = JSON.parse((await run(process.execPath, ['esm.mjs'], { cwd: dir })).stdout);
  const cjs = JSON.parse((await run(process.execPath, ['cjs.cjs'], { cwd: dir })).stdout);
  expect(esm.last).toBeLessThan(esm.first);
  expect(cjs).toEqual(esm);
  // the inline entry embeds the same module: the same numbers
  const inline = JSON.parse((await run(process.execPath, ['inline.mjs'], { cwd: dir })).stdout);
  expect(inline).toEqual(esm);
});

// Deno and Bun (from their npm packages) resolve the package's node entry; they load the
// relaxed-SIMD build (fused multiply-add), so results agree to rounding, not bitwise.
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);
for (const [name, args] of [['deno', ['run', '--allow-read', 'esm.mjs']], ['bun', ['esm.mjs']], ['bun', ['cjs.cjs']]] as const) {
  it(`trains in ${name} ${args[args.length - 1]} like in Node`, async () => {
    const node = JSON.parse((await run(process.execPath, ['esm.mjs'], { cwd: dir })).stdout);
    const other = JSON.parse((await run(bin(name), [...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } })).stdout);
    expect(other.last).toBeLessThan(other.first);
    expect(other.first).toBeCloseTo(node.first, 10);
    expect(other.last).toBeCloseTo(node.last, 10);
    expect(other.y[0]).toBeCloseTo(node.y[0], 8);
  });
}
