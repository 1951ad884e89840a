// Writes test/golden/hashes.json: the sha256 of the parameters after 200 steps of every
// golden problem, for both builds and both dtypes. Run it only when a change of the
// numbers is intended (and say so in the commit):  node test/golden/record.mjs
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./problems.mjs', import.meta.url));
const out = {};
for (const build of ['relaxed', 'simd'])
  for (const dtype of ['float32', 'float64']) {
    out[`${build} ${dtype}`] = JSON.parse(
      execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', script, build, dtype]).toString(),
    );
    console.log(build, dtype, 'done');
  }
writeFileSync(new URL('./hashes.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
