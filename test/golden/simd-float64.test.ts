// The parameters after 200 steps of every golden problem, simd build, float64: bit for bit
// what test/golden/hashes.json recorded (see test/golden/problems.mjs).
import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { goldenHashes } from './run.js';

const recorded = JSON.parse(readFileSync(new URL('./hashes.json', import.meta.url), 'utf8'))['simd float64'] as Record<string, string>;
let hashes: Record<string, string>;
beforeAll(async () => { hashes = await goldenHashes('simd', 'float64'); }, 600_000);
for (const name of Object.keys(recorded)) it(name, () => { expect(hashes[name]).toBe(recorded[name]); });
