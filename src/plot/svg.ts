// What the SVG plots share: escaping, axis ticks (powers of ten on a log scale, round
// steps on a linear one) and their labels, and the palette.

/** Series colours, in order. */
export const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

/** Text for SVG: &, <, > and " escaped. */
export function esc(s: unknown): string {
  return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The ticks of an axis from lo to hi: powers of ten (log), or about five round steps. */
export function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++) out.push(10 ** e);
    return out;
  }
  const raw = (hi - lo) / 5,
    mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) out.push(Math.abs(v) < 1e-12 * step ? 0 : v);
  return out;
}

/** A tick's label: 1e-3 style on a log axis, a short number otherwise. */
export function tickLabel(v: number, log: boolean): string {
  return log ? `1e${Math.round(Math.log10(v))}` : Number(v.toPrecision(3)).toString();
}

/** The SVG document around its parts. */
export function svgDocument(width: number, height: number, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">\n<rect width="${width}" height="${height}" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
}
