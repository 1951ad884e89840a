// Line charts as SVG text, without dependencies (Node and browsers alike): panels side by
// side, each with its series, linear or log axes, and a legend.
import { describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import { COLORS, esc, svgDocument, ticks, tickLabel } from './svg.js';

/** One line: its name (legend) and its points [x, y]. */
export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
}

/** One panel: a title and its lines. */
export interface Panel {
  title?: string;
  series: readonly Series[];
}

/** Axis labels and scales. */
export interface ChartOptions {
  x?: string;
  y?: string;
  logX?: boolean;
  logY?: boolean;
  /** one panel's size in pixels (default 360 × 280) */
  width?: number;
  height?: number;
}

const M = { left: 62, right: 12, top: 28, bottom: 42 };

/** An SVG line chart of one or more panels (a panel, or an array of them). Points that a log axis cannot show (≤ 0) and non-finite ones are left out. */
export function lineChart(panels: Panel | readonly Panel[], options: ChartOptions = {}): string {
  const list = Array.isArray(panels) ? (panels as readonly Panel[]) : [panels as Panel];
  const W = options.width ?? 360,
    H = options.height ?? 280;
  const parts: string[] = [];
  list.forEach((panel, k) => {
    if (typeof panel !== 'object' || panel === null || !Array.isArray(panel.series)) {
      throw new JetfitError(`lineChart: panel ${k}: expected { title?, series: [{ name, points }] }, got ${describe(panel)}`);
    }
    const ok = ([x, y]: readonly [number, number]): boolean =>
      Number.isFinite(x) && Number.isFinite(y) && (!options.logX || x > 0) && (!options.logY || y > 0);
    panel.series.forEach((s, i) => {
      if (!Array.isArray(s?.points))
        throw new JetfitError(`lineChart: panel ${k}, series ${i}: expected { name, points: [[x, y], ...] }, got ${describe(s)}`);
    });
    const pts = panel.series.flatMap((s) => s.points.filter(ok));
    const ox = k * W;
    if (panel.title) parts.push(`<text x="${ox + W / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(panel.title)}</text>`);
    if (pts.length === 0) return;
    const range = (vals: number[], log: boolean): [number, number] => {
      let lo = Math.min(...vals),
        hi = Math.max(...vals);
      if (log) [lo, hi] = [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi))];
      if (hi === lo) [lo, hi] = log ? [lo / 10, hi * 10] : [lo - 1, hi + 1];
      return [lo, hi];
    };
    const [x0, x1] = range(
      pts.map((p) => p[0]),
      !!options.logX,
    );
    const [y0, y1] = range(
      pts.map((p) => p[1]),
      !!options.logY,
    );
    const f = (v: number, log?: boolean): number => (log ? Math.log10(v) : v);
    const sx = (x: number): number =>
      ox + M.left + ((f(x, options.logX) - f(x0, options.logX)) / (f(x1, options.logX) - f(x0, options.logX))) * (W - M.left - M.right);
    const sy = (y: number): number =>
      H - M.bottom - ((f(y, options.logY) - f(y0, options.logY)) / (f(y1, options.logY) - f(y0, options.logY))) * (H - M.top - M.bottom);
    parts.push(
      `<rect x="${ox + M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#999"/>`,
    );
    for (const t of ticks(x0, x1, !!options.logX)) {
      parts.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#eee"/>`);
      parts.push(`<text x="${sx(t)}" y="${H - M.bottom + 14}" text-anchor="middle">${tickLabel(t, !!options.logX)}</text>`);
    }
    for (const t of ticks(y0, y1, !!options.logY)) {
      parts.push(`<line x1="${ox + M.left}" x2="${ox + W - M.right}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/>`);
      parts.push(`<text x="${ox + M.left - 4}" y="${sy(t) + 4}" text-anchor="end">${tickLabel(t, !!options.logY)}</text>`);
    }
    if (options.x) parts.push(`<text x="${ox + W / 2}" y="${H - 8}" text-anchor="middle">${esc(options.x)}</text>`);
    if (options.y) parts.push(`<text transform="translate(${ox + 14} ${H / 2}) rotate(-90)" text-anchor="middle">${esc(options.y)}</text>`);
    panel.series.forEach((s, i) => {
      const color = COLORS[i % COLORS.length]!;
      const d = s.points
        .filter(ok)
        .map(([x, y]: readonly [number, number], j: number) => `${j ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
        .join('');
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"><title>${esc(s.name)}</title></path>`);
      parts.push(
        `<line x1="${ox + W - 110}" x2="${ox + W - 92}" y1="${M.top + 14 + 14 * i}" y2="${M.top + 14 + 14 * i}" stroke="${color}" stroke-width="2"/>`,
      );
      parts.push(`<text x="${ox + W - 88}" y="${M.top + 18 + 14 * i}">${esc(s.name)}</text>`);
    });
  });
  return svgDocument(W * list.length, H, parts);
}
