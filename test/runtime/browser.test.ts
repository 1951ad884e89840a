// The packed package in Chromium, without a bundler (a page on 127.0.0.1 maps `jetfit` to
// the installed package with an import map; init() fetches the .wasm next to it) and
// bundled by Vite (which must emit the .wasm as an asset, rewrite its URL and bundle the
// worker's script). Both pages train the same tiny problem as the Node tests, with the
// same numbers, and a larger one on one and on two threads: served cross-origin isolated
// (COOP/COEP headers) they train on two threads with the same bits as on one; served
// without those headers they run on one thread and init says why.
// Chromium is Debian's package (.ci/run installs it); without it the test is skipped
// outside CI and fails in CI.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
};
let dir = '';
const servers: Server[] = [];

afterAll(async () => {
  for (const s of servers) s.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it.skipIf(!available && !process.env.CI)('trains in Chromium, without a bundler and bundled by Vite, like in Node', async () => {
  expect(available, `Chromium is needed at ${CHROMIUM} (apt-get install -y chromium)`).toBe(true);
  dir = await mkdtemp(join(tmpdir(), 'jetfit-browser-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--silent'], { cwd: root });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'page', version: '1.0.0', private: true }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--offline', join(dir, stdout.trim().split('\n').pop()!)], { cwd: dir });
  const script = `
    import { init, Mlp, fit, mse } from 'jetfit';
    const info = await init();
    const net = new Mlp({ sizes: [2, 8, 1], dtype: 'float64', seed: 3 });
    const points = [[0, 0], [0.5, 0.1], [0.2, 0.9], [1, 1], [0.7, 0.3]];
    const h = await fit(net, { data: { points, columns: { gx: [1, 1, 1, 1, 1] } }, loss: ({ u, data }) => mse(u.d(0), data.gx).add(mse(u.d(1))), optimizer: { type: 'adam', lr: 0.01 }, steps: 30 });
    const x = Float64Array.from({ length: 2 * 1500 }, (_, i) => 0.5 + 0.5 * Math.sin(i * 1.7));
    const train = async (threads) => {
      const m = new Mlp({ sizes: [2, 32, 32, 1], dtype: 'float64', seed: 3 });
      const r = await fit(m, { data: { points: x }, loss: ({ u, x }) => mse(u.laplacian().add(x[0])), steps: 8, threads, progress: false });
      const params = m.getParams().flatMap(({ W, b }) => [...W, ...b]);
      m.dispose();
      return { threads: r.threads, params };
    };
    const one = await train(1), two = await train(2);
    globalThis.result = {
      build: info.build, first: h.loss[0], last: h.loss.at(-1), y: Array.from(net.evaluate([[0.3, 0.4]]).y),
      info, threads: [one.threads, two.threads], same: one.params.every((v, i) => Object.is(v, two.params[i])),
    };`;
  await writeFile(
    join(dir, 'index.html'),
    `<!doctype html><meta charset="utf-8"><title>jetfit</title>
<script type="importmap">{ "imports": { "jetfit": "/node_modules/jetfit/dist/index.js" } }</script>
<script type="module">${script}</script>`,
  );
  await writeFile(join(dir, 'node.mjs'), `${script}\nconsole.log(JSON.stringify(globalThis.result));`);
  const node = JSON.parse((await run(process.execPath, ['node.mjs'], { cwd: dir })).stdout);

  // the same page bundled by Vite
  await mkdir(join(dir, 'vite'), { recursive: true });
  await writeFile(join(dir, 'vite', 'main.js'), script);
  await writeFile(join(dir, 'vite', 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="./main.js"></script>');
  const { build } = await import('vite');
  await build({ root: join(dir, 'vite'), base: './', logLevel: 'silent', build: { outDir: join(dir, 'vite-dist'), target: 'es2022' } });

  // two servers of the same files: one plain, one with the headers of cross-origin isolation
  const serve = async (isolated: boolean): Promise<number> => {
    const s = createServer(async (req, res) => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
      const headers: Record<string, string> = isolated
        ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
        : {};
      try {
        const body = await readFile(file);
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', ...headers });
        res.end(body);
      } catch {
        res.writeHead(404);
        res.end();
      }
    });
    servers.push(s);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return (s.address() as { port: number }).port;
  };
  const plain = await serve(false),
    isolated = await serve(true);

  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'jetfit-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    for (const [port, path] of [
      [plain, '/'],
      [plain, '/vite-dist/'],
      [isolated, '/'],
      [isolated, '/vite-dist/'],
    ] as const) {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`http://127.0.0.1:${port}${path}`);
      await page
        .waitForFunction(() => (globalThis as { result?: unknown }).result !== undefined, undefined, { timeout: 30_000 })
        .catch(() => {
          throw new Error(`the page ${path} did not finish: ${errors.join('; ')}`);
        });
      type Result = { build: string; first: number; last: number; y: number[] };
      type Threads = { info: { threads: number; threadsOff: string | null }; threads: number[]; same: boolean };
      const result = await page.evaluate(() => (globalThis as unknown as { result: Result & Threads }).result);
      const where = `${port === isolated ? 'isolated' : 'plain'} ${path}`;
      expect(result.same, where).toBe(true);
      if (port === isolated) {
        expect(result.info.threadsOff, where).toBeNull();
        expect(result.threads, where).toEqual([1, 2]);
      } else {
        expect(result.info.threads, where).toBe(1);
        expect(result.info.threadsOff, where).toMatch(/not cross-origin isolated/);
        expect(result.threads, where).toEqual([1, 1]);
      }
      expect(result.build).toBe('relaxed-simd');
      expect(result.last).toBeLessThan(result.first);
      expect(result.first).toBeCloseTo(node.first, 10);
      expect(result.last).toBeCloseTo(node.last, 10);
      expect(result.y[0]!).toBeCloseTo(node.y[0], 8);
      await page.close();
    }
  } finally {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
  }
});
