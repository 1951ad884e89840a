// Input maps written in the field language: `inputMap(({ x }) => [x[0].mul(2).sub(1), ...])`
// (affine scaling, periodic features cos/sin, random Fourier features) is recorded once as
// expressions of the coordinates. For each pass the map's jets along the pass's directions
// — values, first derivatives, the pairs' second derivatives, the Laplacian — are computed by
// a tape (planned once per pass shape) and written as the network's input blocks; the engine
// pushes them through the first layer like any layer's input, so every derivative the
// network gives is with respect to x, exact through the map. `toJSON` saves it as data.
import { describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { Real } from '../base/dtype.js';
import { Random } from '../base/random.js';
import { registerInputTransform, type InputTransform } from '../engine/input-transform.js';
import type { JetSpec } from '../engine/jet-spec.js';
import { networkFields } from './context.js';
import { Field, type FieldNode } from './field.js';
import { lower, type LoweredLoss } from './lower.js';
import { check } from './output-map.js';
import { loadNested, saveNested, type Saved } from './node-codec.js';
import type { TapeNode } from './tape.js';

/** What an input map receives: the coordinates. */
export interface InputMapArguments {
  readonly x: readonly Field[];
}

interface Pass {
  lowered: LoweredLoss;
  /** per block, per feature: the tape node (or constant) of that component */
  blocks: (TapeNode | number)[][];
}

/** A recorded input map. */
export class InputMap implements InputTransform {
  readonly kind = 'fields';
  private nodes: FieldNode[] | null = null;
  private inputs = 0;
  private readonly passes = new Map<string, Pass>();

  constructor(private readonly build: ((fields: InputMapArguments) => Field[]) | FieldNode[]) {
    if (Array.isArray(build)) this.nodes = build;
    else if (typeof build !== 'function')
      throw new JetfitError(`inputMap(map): expected a function ({ x }) => [features], got ${describe(build)}`);
  }

  bind(inputs: number): number {
    if (typeof this.build === 'function') {
      const { x } = networkFields(inputs, 0, 'inputMap');
      const r: unknown = this.build({ x });
      if (!Array.isArray(r) || r.length === 0 || !r.every((f) => f instanceof Field)) {
        throw new JetfitError(`inputMap: the map must return an array of fields (the features), got ${describe(r)}`);
      }
      this.nodes = (r as Field[]).map((f) => f.node);
    }
    for (const n of this.nodes!) check(n, inputs, 0);
    this.inputs = inputs;
    return this.nodes!.length;
  }

  /** The tape of one pass shape: every component of every feature the spec's blocks need. */
  private pass(spec: JetSpec, B: number): Pass {
    const key = `${B}|${spec.dirs.join(',')}|${spec.pairs.map((p) => p.join(':')).join(',')}|${spec.laplacian}`;
    let p = this.passes.get(key);
    if (p) return p;
    const { context } = networkFields(this.inputs, 0, 'inputMap');
    const features = this.nodes!.map((n) => new Field(context, n));
    const blocks: Field[][] = [features];
    for (const d of spec.dirs) blocks.push(features.map((f) => f.d(d)));
    for (const [a, c] of spec.pairs) blocks.push(features.map((f) => f.d2(spec.dirs[a]!, spec.dirs[c]!)));
    if (spec.laplacian) blocks.push(features.map((f) => f.laplacian()));
    const lowered = lower(
      blocks
        .flat()
        .map((f) => f.mean())
        .reduce((s, l) => s.add(l)),
      'inputMap',
      this.inputs,
    );
    lowered.tape.resize(B);
    p = { lowered, blocks: blocks.map((fs) => fs.map((f) => lowered.valueOf(f.node)!)) };
    this.passes.set(key, p);
    return p;
  }

  writeJets(x: Float64Array, B: number, spec: JetSpec, dst: Real, at: number, inP: number): void {
    const p = this.pass(spec, B);
    const L = p.lowered,
      n = this.inputs;
    for (const c of L.coordinates) {
      const v = c.node.value;
      for (let b = 0; b < B; b++) v[b] = x[b * n + c.index]!;
    }
    L.tape.forward();
    const m = this.nodes!.length;
    p.blocks.forEach((block, k) => {
      const base = at + k * B * inP;
      for (let b = 0; b < B; b++) {
        const row = base + b * inP;
        for (let f = 0; f < m; f++) {
          const v = block[f]!;
          dst[row + f] = typeof v === 'number' ? v : v.value[b]!;
        }
        for (let f = m; f < inP; f++) dst[row + f] = 0;
      }
    });
  }

  toJSON(): { kind: 'fields'; features: Saved[] } {
    return { kind: 'fields', features: this.nodes!.map(saveNested) };
  }
}

/** An input map for `new Mlp({ sizes: [n, ...], input: inputMap(({ x }) => [features]) })`: the first layer sees the features. */
export function inputMap(map: (fields: InputMapArguments) => Field[]): InputMap {
  return new InputMap(map);
}

/** Maps each coordinate from [lower_i, upper_i] to [−1, 1]. */
export function scaleInputs(lower: readonly number[], upper: readonly number[]): InputMap {
  if (!Array.isArray(lower) || !Array.isArray(upper) || lower.length !== upper.length || lower.some((v, i) => !(v < upper[i]!))) {
    throw new JetfitError(
      `scaleInputs(lower, upper): expected two corners with lower < upper in every coordinate, got ${JSON.stringify(lower)}, ${JSON.stringify(upper)}`,
    );
  }
  return inputMap(({ x }) =>
    lower.map((lo, i) =>
      x[i]!.sub(lo)
        .mul(2 / (upper[i]! - lo))
        .sub(1),
    ),
  );
}

/**
 * Random Fourier features (Tancik et al. 2020): [cos 2π Bx, sin 2π Bx] with B a count × inputs
 * matrix of normal numbers of standard deviation `scale` (per input, or one for all), drawn
 * from `seed`; 2·count features.
 */
export function fourierFeatures(o: { inputs: number; count: number; scale: number | readonly number[]; seed?: number }): InputMap {
  const { inputs, count, scale } = o ?? {};
  if (!Number.isInteger(inputs) || inputs < 1 || !Number.isInteger(count) || count < 1) {
    throw new JetfitError(`fourierFeatures: inputs and count must be whole numbers ≥ 1, got ${describe(inputs)} and ${describe(count)}`);
  }
  const scales = typeof scale === 'number' ? new Array<number>(inputs).fill(scale) : scale;
  if (!Array.isArray(scales) || scales.length !== inputs || !scales.every((v) => Number.isFinite(v) && v > 0)) {
    throw new JetfitError(`fourierFeatures: scale must be a number > 0 or one per input, got ${describe(scale)}`);
  }
  const random = new Random(o.seed ?? 0);
  const B = Array.from({ length: count }, () => scales.map((sd) => 2 * Math.PI * sd * random.normal()));
  return inputMap(({ x }) => {
    const phases = B.map((row) => row.map((w, i) => x[i]!.mul(w)).reduce((s, f) => s.add(f)));
    return [...phases.map((p) => p.cos()), ...phases.map((p) => p.sin())];
  });
}

registerInputTransform('fields', (saved, what) => {
  const features = (saved as { features?: unknown }).features;
  if (!Array.isArray(features)) throw new JetfitError(`${what}: expected { kind: 'fields', features: [...] }`);
  return new InputMap(features.map((f) => loadNested(f, what)));
});
