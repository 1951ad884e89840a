// PyTorch's figures from the JSON of bench/peers/torch_bench.py, as { 'W3:f32': ms per step }
// on one thread, and { 'W3:f32:best': ms, 'W3:f32:threads': n } at its best thread count:
// the best variant (autograd or functorch) of each workload.
import { existsSync, readFileSync } from 'node:fs';

/** Reads one or more torch_bench.py JSON files; missing files are skipped. */
export function readTorch(...files) {
  const out = {};
  for (const file of files) {
    if (!file || !existsSync(file)) continue;
    const data = JSON.parse(readFileSync(file, 'utf8'));
    for (const cfg of data.configs ?? [data])
      for (const r of cfg.rows ?? []) {
        const threads = cfg.threads ?? r.threads;
        if (!(r.ms_per_step > 0)) continue;
        const key = `${r.workload}:${r.dtype ?? cfg.dtype}`;
        if (threads === 1) out[key] = Math.min(out[key] ?? Infinity, r.ms_per_step);
        if (r.ms_per_step < (out[`${key}:best`] ?? Infinity)) {
          out[`${key}:best`] = r.ms_per_step;
          out[`${key}:threads`] = threads;
        }
      }
  }
  return out;
}
