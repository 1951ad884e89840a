// Heat maps as SVG text: a field sampled on a regular grid (x across, y — or t — up), one
// rectangle per cell coloured on a perceptual scale, with axes and a colour bar.
import { describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import { esc, svgDocument, tickLabel, ticks } from './svg.js';

/** A field on an nx × ny grid over [x0, x1] × [y0, y1]. */
export interface HeatMapData {
  /** nx·ny values, x fastest: values[j·nx + i] at (x_i, y_j) */
  values: ArrayLike<number>;
  nx: number;
  ny: number;
  x: readonly [number, number];
  y: readonly [number, number];
  title?: string;
  /** axis labels (default 'x' and 'y') */
  xLabel?: string;
  yLabel?: string;
}

// viridis at 0, 1/4, 1/2, 3/4, 1, interpolated in RGB
const STOPS = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** The colour of t ∈ [0, 1]. */
export function colorAt(t: number): string {
  const u = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(u)),
    f = u - i;
  const c = STOPS[i]!.map((a, k) => Math.round(a + f * (STOPS[i + 1]![k]! - a)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** An SVG heat map of a gridded field (non-finite cells are left blank). */
export function heatMap(data: HeatMapData, size: { width?: number; height?: number } = {}): string {
  if (typeof data !== 'object' || data === null) throw new JetfitError(`heatMap: expected { values, nx, ny, x, y }, got ${describe(data)}`);
  const { values, nx, ny } = data;
  if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx < 1 || ny < 1)
    throw new JetfitError(`heatMap: nx and ny must be whole numbers ≥ 1, got ${nx} and ${ny}`);
  if (!values || values.length !== nx * ny)
    throw new JetfitError(`heatMap: values: expected nx·ny = ${nx * ny} numbers, got ${values?.length}`);
  for (const [name, r] of [
    ['x', data.x],
    ['y', data.y],
  ] as const) {
    if (!Array.isArray(r) || r.length !== 2 || !(r[0] < r[1]))
      throw new JetfitError(`heatMap: ${name}: expected [low, high] with low < high, got ${describe(r)}`);
  }
  const W = size.width ?? 420,
    H = size.height ?? 320;
  const M = { left: 56, right: 80, top: 28, bottom: 40 };
  let lo = Infinity,
    hi = -Infinity;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  }
  if (!(lo <= hi)) [lo, hi] = [0, 1];
  const span = hi > lo ? hi - lo : 1;
  const pw = W - M.left - M.right,
    ph = H - M.top - M.bottom;
  const cw = pw / nx,
    ch = ph / ny;
  const parts: string[] = [];
  if (data.title) parts.push(`<text x="${M.left + pw / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(data.title)}</text>`);
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const v = values[j * nx + i]!;
      if (!Number.isFinite(v)) continue;
      const x = M.left + i * cw,
        y = M.top + (ny - 1 - j) * ch;
      parts.push(
        `<rect x="${x.toFixed(2)}" y="${y.toFixed(2)}" width="${(cw + 0.3).toFixed(2)}" height="${(ch + 0.3).toFixed(2)}" fill="${colorAt((v - lo) / span)}"/>`,
      );
    }
  parts.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  const [x0, x1] = data.x,
    [y0, y1] = data.y;
  for (const t of ticks(x0, x1, false))
    parts.push(
      `<text x="${M.left + ((t - x0) / (x1 - x0)) * pw}" y="${H - M.bottom + 14}" text-anchor="middle">${tickLabel(t, false)}</text>`,
    );
  for (const t of ticks(y0, y1, false))
    parts.push(
      `<text x="${M.left - 4}" y="${M.top + ph - ((t - y0) / (y1 - y0)) * ph + 4}" text-anchor="end">${tickLabel(t, false)}</text>`,
    );
  parts.push(`<text x="${M.left + pw / 2}" y="${H - 8}" text-anchor="middle">${esc(data.xLabel ?? 'x')}</text>`);
  parts.push(`<text transform="translate(14 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(data.yLabel ?? 'y')}</text>`);
  // the colour bar, low at the bottom
  const bx = W - M.right + 16;
  for (let k = 0; k < 32; k++)
    parts.push(
      `<rect x="${bx}" y="${(M.top + ph - ((k + 1) * ph) / 32).toFixed(2)}" width="14" height="${(ph / 32 + 0.3).toFixed(2)}" fill="${colorAt((k + 0.5) / 32)}"/>`,
    );
  parts.push(`<text x="${bx + 18}" y="${M.top + ph}">${esc(lo.toPrecision(3))}</text>`);
  parts.push(`<text x="${bx + 18}" y="${M.top + 10}">${esc(hi.toPrecision(3))}</text>`);
  return svgDocument(W, H, parts);
}
