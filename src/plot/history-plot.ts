// The training history as a chart: the total loss and each term's, per step, on a log scale.
import type { History } from '../train/recorder.js';
import { lineChart } from './line-chart.js';

/** An SVG chart of a fit's loss and per-term losses against the step (log scale). */
export function plotHistory(history: History, options: { title?: string } = {}): string {
  const series = [{ name: 'loss', points: history.loss.map((v, i) => [i + 1, v] as [number, number]) }];
  for (const [name, values] of Object.entries(history.terms)) {
    if (Object.keys(history.terms).length > 1) series.push({ name, points: values.map((v, i) => [i + 1, v] as [number, number]) });
  }
  return lineChart({ title: options.title ?? 'training loss', series }, { x: 'step', y: 'loss', logY: true });
}
