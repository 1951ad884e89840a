#!/usr/bin/env node
// Biome over assembly/. AssemblyScript puts decorators on functions (`@inline`), which
// TypeScript's grammar, and so Biome's parser, refuses; this script checks a copy in
// which each such decorator is a comment, with the project's own Biome settings, and
// with --write brings the fixes back (the decorators restored).
// Usage: node scripts/lint-assembly.mjs [--write [--unsafe]]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const write = process.argv.includes('--write');
const source = 'assembly';
const root = mkdtempSync(join(tmpdir(), 'jetfit-lint-assembly-'));
const copy = join(root, 'assembly'); // the configuration beside it, not among the checked files
const decorator = /^(\s*)@(inline)\b/gm;
const masked = /^(\s*)\/\*@@(inline)\*\//gm;

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const config = JSON.parse(readFileSync('biome.json', 'utf8'));
delete config.$schema;
config.vcs = { enabled: false };
config.files = { includes: ['**/*.ts'] };
config.overrides = [
  // AssemblyScript's decorators on top-level functions need @ts-ignore for TypeScript tooling
  { includes: ['**'], linter: { rules: { suspicious: { noTsIgnore: 'off' } } } },
  // the polynomial tables keep their coefficients as published (each still parses to the nearest double)
  {
    includes: ['**/vmath.ts'],
    linter: { rules: { correctness: { noPrecisionLoss: 'off' }, suspicious: { noApproximativeNumericConstant: 'off' } } },
  },
];
writeFileSync(join(root, 'biome.json'), JSON.stringify(config));
const all = files(source);
for (const f of all) {
  const target = join(copy, relative(source, f));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, readFileSync(f, 'utf8').replace(decorator, '$1/*@@$2*/'));
}
let status = 0;
try {
  const biome = join(process.cwd(), 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
  execFileSync(
    process.execPath,
    [
      biome,
      'check',
      ...(write ? ['--write'] : []),
      ...(process.argv.includes('--unsafe') ? ['--unsafe'] : []),
      '--config-path',
      root,
      copy,
    ],
    { stdio: 'inherit' },
  );
} catch {
  status = 1;
}
if (write) {
  for (const f of all) {
    const fixed = readFileSync(join(copy, relative(source, f)), 'utf8').replace(masked, '$1@$2');
    if (fixed !== readFileSync(f, 'utf8')) writeFileSync(f, fixed);
  }
}
rmSync(root, { recursive: true, force: true });
process.exit(status);
