// The parameters after 200 steps of every golden problem (test/golden/problems.mjs), for
// both builds and both dtypes: bit for bit what test/golden/hashes.json recorded. The four
// runs go in parallel child processes (one core per process).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { goldenHashes } from './run.js';

const recorded = JSON.parse(readFileSync(new URL('./hashes.json', import.meta.url), 'utf8')) as Record<string, Record<string, string>>;
const combos = [
  ['relaxed', 'float32'],
  ['relaxed', 'float64'],
  ['simd', 'float32'],
  ['simd', 'float64'],
] as const;
const results = new Map<string, Record<string, string>>();
beforeAll(async () => {
  const all = await Promise.all(combos.map(([build, dtype]) => goldenHashes(build, dtype)));
  combos.forEach(([build, dtype], i) => {
    results.set(`${build} ${dtype}`, all[i]!);
  });
}, 900_000);

for (const [build, dtype] of combos) {
  describe(`${build} build, ${dtype}`, () => {
    for (const name of Object.keys(recorded[`${build} ${dtype}`]!)) {
      it(name, () => {
        expect(results.get(`${build} ${dtype}`)![name]).toBe(recorded[`${build} ${dtype}`]![name]);
      });
    }
  });
}
