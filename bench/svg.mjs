// A dependency-free SVG line chart: panels side by side, each with its series, optional
// log scales (ticks at powers of ten) and a legend. Used for the benchmark plots.

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const W = 360,
  H = 280,
  M = { left: 62, right: 12, top: 28, bottom: 42 };

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** The ticks of an axis: powers of ten (log) or five even steps. */
function ticks(lo, hi, log) {
  if (log) {
    const out = [];
    for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++) out.push(10 ** e);
    return out;
  }
  return Array.from({ length: 6 }, (_, i) => lo + ((hi - lo) * i) / 5);
}

const label = (v, log) => (log ? `1e${Math.round(Math.log10(v))}` : Number(v.toPrecision(3)).toString());

/**
 * panels: [{ title, series: [{ name, points: [[x, y], ...] }] }];
 * axes: { x, y (axis labels), logX, logY }. Returns the SVG document as a string.
 */
export function lineChart(panels, axes) {
  const parts = [];
  panels.forEach((panel, k) => {
    const pts = panel.series
      .flatMap((s) => s.points)
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!axes.logX || x > 0) && (!axes.logY || y > 0));
    if (pts.length === 0) return;
    const f = (v, log) => (log ? Math.log10(v) : v);
    let [x0, x1] = [Math.min(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[0]))];
    let [y0, y1] = [Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[1]))];
    if (axes.logX) [x0, x1] = [10 ** Math.floor(Math.log10(x0)), 10 ** Math.ceil(Math.log10(x1))];
    if (axes.logY) [y0, y1] = [10 ** Math.floor(Math.log10(y0)), 10 ** Math.ceil(Math.log10(y1))];
    if (x1 === x0) x1 = x0 + 1;
    if (y1 === y0) y1 = y0 + 1;
    const ox = k * W;
    const sx = (x) => ox + M.left + ((f(x, axes.logX) - f(x0, axes.logX)) / (f(x1, axes.logX) - f(x0, axes.logX))) * (W - M.left - M.right);
    const sy = (y) =>
      H - M.bottom - ((f(y, axes.logY) - f(y0, axes.logY)) / (f(y1, axes.logY) - f(y0, axes.logY))) * (H - M.top - M.bottom);
    parts.push(
      `<rect x="${ox + M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#999"/>`,
    );
    parts.push(`<text x="${ox + W / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(panel.title)}</text>`);
    for (const t of ticks(x0, x1, axes.logX)) {
      parts.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#eee"/>`);
      parts.push(`<text x="${sx(t)}" y="${H - M.bottom + 14}" text-anchor="middle">${label(t, axes.logX)}</text>`);
    }
    for (const t of ticks(y0, y1, axes.logY)) {
      parts.push(`<line x1="${ox + M.left}" x2="${ox + W - M.right}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/>`);
      parts.push(`<text x="${ox + M.left - 4}" y="${sy(t) + 4}" text-anchor="end">${label(t, axes.logY)}</text>`);
    }
    parts.push(`<text x="${ox + W / 2}" y="${H - 8}" text-anchor="middle">${esc(axes.x)}</text>`);
    parts.push(`<text transform="translate(${ox + 14} ${H / 2}) rotate(-90)" text-anchor="middle">${esc(axes.y)}</text>`);
    panel.series.forEach((s, i) => {
      const color = COLORS[i % COLORS.length];
      const d = s.points
        .filter(([x, y]) => (!axes.logX || x > 0) && (!axes.logY || y > 0))
        .map(([x, y], j) => `${j ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
        .join('');
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"/>`);
      parts.push(
        `<line x1="${ox + W - 110}" x2="${ox + W - 92}" y1="${M.top + 14 + 14 * i}" y2="${M.top + 14 + 14 * i}" stroke="${color}" stroke-width="2"/>`,
      );
      parts.push(`<text x="${ox + W - 88}" y="${M.top + 18 + 14 * i}">${esc(s.name)}</text>`);
    });
  });
  const width = W * panels.length;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}" font-family="sans-serif" font-size="11">\n<rect width="${width}" height="${H}" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
}
