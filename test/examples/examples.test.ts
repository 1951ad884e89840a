// Every example end to end on a small budget (fewer steps, looser bounds); the full runs
// are the examples themselves. Each example exits non-zero when its error is above BOUND.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, Mlp } from '../../dist/index.js';

// where the examples write their networks (JETFIT_SAVE)
const saves = mkdtempSync(join(tmpdir(), 'jetfit-examples-'));
beforeAll(() => init({ threads: 1 }));

const run = promisify(execFile);

async function example(name: string, env: Record<string, string>): Promise<string> {
  const script = fileURLToPath(new URL(`../../examples/${name}.mjs`, import.meta.url));
  const { stdout } = await run(process.execPath, [script], { env: { ...process.env, ...env } });
  const losses = /loss (\S+) -> (\S+)/.exec(stdout);
  expect(losses, stdout).not.toBeNull();
  expect(Number(losses![2])).toBeLessThan(Number(losses![1]));
  return stdout;
}

const number = (stdout: string, re: RegExp): number => Number(re.exec(stdout)?.[1]);

describe('examples', () => {
  it("derivative-only: f from f' = cos alone", async () => {
    const out = await example('derivative-only', { STEPS: '1500', BOUND: '5e-3' });
    expect(number(out, /sin\(x\)\| on \[-pi, pi\]: (\S+)/)).toBeLessThan(5e-3);
  });
  it('sobolev: values and gradients', async () => {
    const out = await example('sobolev', { STEPS: '800', BOUND: '5e-2' });
    expect(number(out, /value (\S+),/)).toBeLessThan(5e-2);
  });
  it('poisson: Laplacian residual, Adam then L-BFGS; the same run on 1 and 2 threads (JETFIT_THREADS)', async () => {
    const env = { ADAM_STEPS: '500', LBFGS_STEPS: '300', GRID: '16', BOUND: '5e-2' };
    const out = await example('poisson', { ...env, JETFIT_THREADS: '2' });
    expect(number(out, /sin\(pi y\): (\S+)/)).toBeLessThan(5e-2);
    const one = await example('poisson', { ...env, JETFIT_THREADS: '1' });
    const summary = (s: string) => /loss .* steps/.exec(s)?.[0];
    expect(summary(one)).toBeDefined();
    expect(summary(one)).toBe(summary(out));
  });
  it('gradient penalty: a signed distance from the eikonal penalty', async () => {
    const out = await example('gradient-penalty', { STEPS: '800', BOUND: '0.15' });
    expect(number(out, /outside \|x\| < 0.2: (\S+)/)).toBeLessThan(0.15);
  });
  it('burgers: nonlinear time-dependent PDE against Cole-Hopf, Adam then SSBroyden', async () => {
    const path = join(saves, 'burgers.json');
    const out = await example('burgers', { COLLOCATION: '1000', ADAM_STEPS: '200', SECOND_STEPS: '150', BOUND: '0.2', JETFIT_SAVE: path });
    expect(out).toMatch(/then SSBroyden/);
    const printed = number(out, /Cole-Hopf solution: (\S+)/);
    expect(printed).toBeLessThan(0.2);
    // the saved network takes (x, t), the problem's own coordinates: its error on the
    // example's grid, recomputed here, is the one printed
    const { exact } = (await import(fileURLToPath(new URL('../../examples/burgers.mjs', import.meta.url)))) as {
      exact: (x: number, t: number) => number;
    };
    const net = Mlp.fromJSON(readFileSync(path, 'utf8'));
    const grid: number[][] = [],
      truth: number[] = [];
    for (let i = 0; i < 256; i++)
      for (let j = 0; j < 100; j++) {
        const x = -1 + (2 * i) / 255,
          t = j / 99;
        grid.push([x, t]);
        truth.push(exact(x, t));
      }
    const u = net.evaluate(grid).y;
    let num = 0,
      den = 0;
    truth.forEach((v, k) => {
      num += (u[k]! - v) ** 2;
      den += v * v;
    });
    net.dispose();
    expect(Math.abs(Math.sqrt(num / den) - printed) / printed).toBeLessThan(1e-3);
  });
  it('burgers: the 2019 recipe (Adam on minibatches, then L-BFGS)', async () => {
    const out = await example('burgers', { RECIPE: '2019', COLLOCATION: '1000', ADAM_STEPS: '200', SECOND_STEPS: '150', BOUND: '0.8' });
    expect(out).toMatch(/then L-BFGS/);
    expect(number(out, /Cole-Hopf solution: (\S+)/)).toBeLessThan(0.8);
  });
});

// DeepXDE's examples (examples/deepxde/), each on a small budget: it trains, prints its
// error, and writes its plot.
describe('DeepXDE examples', () => {
  const cases: [string, Record<string, string>, RegExp, number][] = [
    ['poisson-1d', { ADAM_STEPS: '300', SECOND_STEPS: '60' }, /poisson-1d: relative L2 error (\S+)/, 1e-3],
    ['poisson-neumann-robin', { ADAM_STEPS: '300', SECOND_STEPS: '60' }, /poisson-robin: relative L2 error (\S+)/, 1e-3],
    ['poisson-periodic', { ADAM_STEPS: '300', SECOND_STEPS: '150' }, /poisson-periodic: relative L2 error (\S+)/, 5e-2],
    ['poisson-lshape', { ADAM_STEPS: '150', SECOND_STEPS: '50' }, /RMS of the residual on 2000 test points (\S+)/, 0.5],
    ['diffusion', { ADAM_STEPS: '300', SECOND_STEPS: '100' }, /diffusion: relative L2 error (\S+)/, 0.1],
    ['diffusion-inverse', { ADAM_STEPS: '300', SECOND_STEPS: '100', C_BOUND: '1' }, /diffusion-inverse: relative L2 error (\S+)/, 0.3],
    ['helmholtz', { ADAM_STEPS: '200', SECOND_STEPS: '100' }, /helmholtz: relative L2 error (\S+)/, 10],
    ['poisson-3d', { ADAM_STEPS: '200', SECOND_STEPS: '60' }, /poisson-3d: relative L2 error (\S+)/, 1],
    ['wave', { ADAM_STEPS: '200', SECOND_STEPS: '100' }, /wave: relative L2 error (\S+)/, 1],
    ['poisson-csg', { ADAM_STEPS: '200', SECOND_STEPS: '40' }, /poisson-csg: relative L2 error (\S+)/, 1e-2],
  ];
  for (const [name, env, re, bound] of cases) {
    it(name, async () => {
      const path = join(saves, `${name}.json`);
      const out = await example(`deepxde/${name}`, { ...env, BOUND: String(bound), JETFIT_SAVE: path });
      expect(number(out, re)).toBeLessThan(bound);
      // the trained network, saved (an example of two networks saves each under its name)
      const files =
        name === 'poisson-neumann-robin' ? ['poisson-neumann', 'poisson-robin'].map((p) => path.replace('.json', `-${p}.json`)) : [path];
      for (const file of files) {
        expect(existsSync(file), file).toBe(true);
        const net = Mlp.fromJSON(readFileSync(file, 'utf8'));
        expect(net.evaluate([[0.5, 0.5, 0.5].slice(0, net.sizes[0])]).y.every(Number.isFinite)).toBe(true);
        net.dispose();
      }
      const plot = fileURLToPath(
        new URL(`../../examples/plots/${name === 'poisson-neumann-robin' ? 'poisson-robin' : name}.svg`, import.meta.url),
      );
      expect(readFileSync(plot, 'utf8').startsWith('<svg')).toBe(true);
    });
  }
});
