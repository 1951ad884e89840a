// The browser demo in Chromium: start training, the loss falls, the heat maps and the loss
// chart are drawn by the library's SVG plots while the page stays responsive; a screenshot goes to test-artifacts/demo.png.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module without declarations
import { serve } from '../../scripts/serve.mjs';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const root = fileURLToPath(new URL('../..', import.meta.url));

it.skipIf(!available && !process.env.CI)('examples/browser trains live, draws its heat maps, and stays responsive', async () => {
  expect(available, `Chromium is needed at ${CHROMIUM} (apt-get install -y chromium)`).toBe(true);
  const { server, url } = (await serve(root)) as { server: import('node:http').Server; url: string };
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'jetfit-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1000, height: 560 },
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
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}examples/browser/`);
    await page.click('#start');
    await page
      .waitForFunction(
        () =>
          Number(document.getElementById('status')!.dataset.step) >= 300 &&
          Number(document.getElementById('status')!.dataset.fields ?? 0) >= 2,
        undefined,
        { timeout: 60_000 },
      )
      .catch(() => {
        throw new Error(`training did not progress: ${errors.join('; ')}`);
      });
    // the main thread answers while the worker trains
    const t0 = Date.now();
    await page.evaluate(() => 1 + 1);
    expect(Date.now() - t0).toBeLessThan(1000);
    const status = await page.evaluate(() => ({ ...document.getElementById('status')!.dataset }));
    // served cross-origin isolated: the page trains on threads and says how many
    const threads = await page.evaluate(() => ({
      text: document.getElementById('threads')!.textContent,
      cores: navigator.hardwareConcurrency,
    }));
    if (threads.cores >= 2) expect(threads.text).toBe(`training on ${Math.min(threads.cores, 8)} threads`);
    else expect(threads.text).toMatch(/^one thread: /);
    expect(Number(status.loss)).toBeLessThan(Number(status.first));
    // the prediction heat map is drawn (jetfit's heatMap SVG) and not uniform
    const spread = await page.evaluate(() => {
      const cells = [...document.querySelectorAll('#prediction svg rect[fill^="rgb"]')].map((r) => r.getAttribute('fill'));
      return new Set(cells).size;
    });
    expect(spread).toBeGreaterThan(50);
    expect(await page.evaluate(() => document.querySelectorAll('#loss svg path').length)).toBe(2);
    await mkdir(join(root, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-artifacts', 'demo.png') });
    await page.click('#start'); // stop
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
    server.close();
    await rm(profile, { recursive: true, force: true });
  }
});
