// SVG plots: coordinates mapped as the axes say (linear and log), points a log axis cannot
// show left out, heat-map colours at the ends of the scale, the history chart of a real
// fit, and bad input refused by name.
import { describe, expect, it } from 'vitest';
import { fit, heatMap, init, lineChart, mean, Mlp, plotHistory } from '../../dist/index.js';

await init();

const paths = (svg: string) => [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]);

describe('lineChart', () => {
  it('maps points on log axes to the plot area, one path per series, ticks at powers of ten', () => {
    const svg = lineChart(
      {
        title: 'a',
        series: [
          {
            name: 'e',
            points: [
              [1, 1e-3],
              [100, 1e-1],
            ],
          },
        ],
      },
      { x: 'seconds', y: 'error', logX: true, logY: true },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    // the plot area is x 62..348, y 28..238 (a 360 × 280 panel)
    expect(paths(svg)).toEqual(['M62.0,238.0L348.0,28.0']);
    for (const t of ['1e-3', '1e-2', '1e-1', '1e0', '1e2', 'seconds', 'error', '>a<']) expect(svg).toContain(t);
  });
  it('leaves out points a log axis cannot show and non-finite ones; panels side by side', () => {
    const svg = lineChart(
      [
        {
          series: [
            {
              name: 's',
              points: [
                [1, 0],
                [2, 1],
                [3, Number.NaN],
                [4, 10],
              ],
            },
          ],
        },
        {
          series: [
            {
              name: 'a',
              points: [
                [0, 0],
                [1, 1],
              ],
            },
            {
              name: 'b',
              points: [
                [0, 1],
                [1, 0],
              ],
            },
          ],
        },
      ],
      { logY: true },
    );
    const p = paths(svg);
    expect(p.length).toBe(3);
    expect(p[0]!.split('L').length).toBe(2); // (2, 1) and (4, 10) only
    expect(svg).toContain('width="720"');
  });
  it('escapes text and refuses malformed panels', () => {
    expect(lineChart({ title: '<b>&', series: [] })).toContain('&lt;b&gt;&amp;');
    expect(() => lineChart({ series: 3 } as never)).toThrow(/lineChart: panel 0: expected \{ title\?, series/);
    expect(() => lineChart({ series: [{ name: 'x' }] } as never)).toThrow(/panel 0, series 0: expected \{ name, points/);
  });
});

describe('heatMap', () => {
  it('one cell per finite value, the lowest and highest at the ends of the scale', () => {
    const values = [0, 1, 2, 3, Number.NaN, 5];
    const svg = heatMap({ values, nx: 3, ny: 2, x: [0, 1], y: [0, 2], title: 'u' });
    const cells = [...svg.matchAll(/<rect x="[^"]*" y="[^"]*" width="[^"]*" height="[^"]*" fill="(rgb\([^)]*\))"\/>/g)].map((m) => m[1]);
    // 5 finite cells, then the 32 steps of the colour bar
    expect(cells.length).toBe(5 + 32);
    expect(cells[0]).toBe('rgb(68,1,84)');
    expect(cells[4]).toBe('rgb(253,231,37)');
    expect(svg).toContain('>5.00<');
  });
  it('refuses inconsistent data by name', () => {
    expect(() => heatMap({ values: [1, 2, 3], nx: 2, ny: 2, x: [0, 1], y: [0, 1] })).toThrow(/values: expected nx·ny = 4 numbers, got 3/);
    expect(() => heatMap({ values: [1], nx: 1, ny: 1, x: [1, 0], y: [0, 1] })).toThrow(
      /heatMap: x: expected \[low, high\] with low < high/,
    );
    expect(() => heatMap({ values: [], nx: 0, ny: 1, x: [0, 1], y: [0, 1] })).toThrow(/nx and ny must be whole numbers ≥ 1/);
  });
});

it('plotHistory: the loss and each term of a real fit', async () => {
  const net = new Mlp({ sizes: [1, 4, 1], seed: 1 });
  const h = await fit(net, {
    terms: {
      a: { points: [[0], [1]], loss: ({ u }) => mean(u.sub(1).square()) },
      b: { points: [[0.5]], loss: ({ u }) => mean(u.square()) },
    },
    steps: 20,
    progress: false,
  });
  const svg = plotHistory(h);
  expect(paths(svg).length).toBe(3);
  for (const t of ['>loss<', '>a<', '>b<', 'step']) expect(svg).toContain(t);
  net.dispose();
});
