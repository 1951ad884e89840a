// PyTorch's figures from the JSON of bench/peers/torch_bench.py (one thread), as
// { 'W3:f32': ms per step }: the best variant (autograd or functorch) of each workload.
import { existsSync, readFileSync } from 'node:fs';

/** Reads one or more torch_bench.py JSON files; missing files are skipped. */
export function readTorch(...files) {
  const out = {};
  for (const file of files) {
    if (!file || !existsSync(file)) continue;
    const data = JSON.parse(readFileSync(file, 'utf8'));
    for (const cfg of data.configs ?? [data])
      for (const r of cfg.rows ?? []) {
        if ((cfg.threads ?? r.threads) !== 1 || !(r.ms_per_step > 0)) continue;
        const key = `${r.workload}:${r.dtype ?? cfg.dtype}`;
        out[key] = Math.min(out[key] ?? Infinity, r.ms_per_step);
      }
  }
  return out;
}
