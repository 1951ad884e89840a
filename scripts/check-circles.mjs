#!/usr/bin/env node
// Fails when the modules under src/ import each other in a circle (type-only
// imports included: a circle of types still means two files that cannot be
// read apart), and when a module imports a layer above its own.
// Usage: node scripts/check-circles.mjs [root=src]
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'src');

// The layers, lowest first; a module may import its own layer or any below it.
// Modules outside these folders (the entry points in src/) may import anything.
const layers = [['base', 'data'], ['runtime'], ['engine'], ['fields'], ['geometry', 'optimizers', 'parallel'], ['train'], ['pde', 'plot']];
const rank = new Map(layers.flatMap((names, i) => names.map((n) => [n, i])));

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return /\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name) ? [p] : [];
  });
}

const importPattern = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
const graph = new Map();
for (const file of files(root)) {
  const text = readFileSync(file, 'utf8');
  const targets = new Set();
  for (const m of text.matchAll(importPattern)) {
    const spec = m[1] ?? m[2];
    if (!/\.(js|ts)$/.test(spec)) continue; // assets such as the .wasm
    targets.add(resolve(dirname(file), spec).replace(/\.js$/, '.ts'));
  }
  graph.set(
    file,
    [...targets].filter((t) => t !== file),
  );
}

const name = (f) => relative(root, f);
const layerOf = (f) => rank.get(name(f).split('/')[0]);
const problems = [];

for (const [file, targets] of graph) {
  for (const t of targets) {
    if (!graph.has(t)) problems.push(`${name(file)} imports ${name(t)}, which does not exist`);
    const from = layerOf(file);
    const to = layerOf(t);
    if (from !== undefined && (to === undefined || to > from)) {
      problems.push(
        `${name(file)} imports ${name(t)}: a layer above its own (layers, lowest first: ${layers.map((l) => l.join('+')).join(' < ')})`,
      );
    }
  }
}

// Tarjan's strongly connected components: every component of more than one module is a circle.
let index = 0;
const stack = [];
const info = new Map();
function connect(v) {
  const node = { index, low: index, onStack: true };
  index++;
  info.set(v, node);
  stack.push(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    const seen = info.get(w);
    if (!seen) {
      connect(w);
      node.low = Math.min(node.low, info.get(w).low);
    } else if (seen.onStack) node.low = Math.min(node.low, seen.index);
  }
  if (node.low === node.index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      info.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) problems.push(`import circle: ${component.map(name).sort().join(', ')}`);
  }
}
for (const v of graph.keys()) if (!info.has(v)) connect(v);

if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`${problems.length} import problem(s) in ${graph.size} modules`);
  process.exit(1);
}
console.log(`imports: ${graph.size} modules, no circle, no import from a layer above`);
