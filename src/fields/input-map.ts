// Input maps written in the field language: `inputMap(({ x }) => [x[0].mul(2).sub(1), ...])`
// (affine scaling, periodic features cos/sin, random Fourier features) is recorded once as
// expressions of the coordinates. For each pass the map's jets along the pass's directions
// — values, first derivatives, the pairs' second derivatives, the Laplacian — are computed by
// a tape (planned once per pass shape) and written as the network's input blocks; the engine
// pushes them through the first layer like any layer's input, so every derivative the
// network gives is with respect to x, exact through the map. `toJSON` saves it as data.
import { checkInteger, checkKeys, checkObject, checkSeed, describe, show } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { Real } from '../base/dtype.js';
import { Random } from '../base/random.js';
import { registerInputTransform, type InputTransform } from '../engine/input-transform.js';
import type { JetSpec } from '../engine/jet-spec.js';
import { networkFields, strictArguments } from './context.js';
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
  /** the input count of the networks it serves, once bound: its tapes are planned for it */
  private bound: number | null = null;

  /**
   * @param covers how many coordinates the map is made for (scaleInputs', fourierFeatures'), or null for any
   * @param label names the map in messages
   */
  constructor(
    private readonly build: ((fields: InputMapArguments) => Field[]) | FieldNode[],
    private readonly covers: number | null = null,
    private readonly label = 'inputMap',
  ) {
    if (Array.isArray(build)) this.nodes = build;
    else if (typeof build !== 'function')
      throw new JetfitError(`inputMap(map): expected a function ({ x }) => [features], got ${describe(build)}`);
  }

  bind(inputs: number, float32 = false): number {
    if (this.bound !== null && this.bound !== inputs)
      throw new JetfitError(
        `${this.label}: this map is already used by a network of ${this.bound} inputs; a network of ${inputs} inputs needs a map of its own (make another)`,
      );
    if (this.covers !== null && this.covers !== inputs)
      throw new JetfitError(
        `${this.label}: the map covers ${this.covers} coordinate${this.covers === 1 ? '' : 's'}, the network has ${inputs} inputs; ` +
          'give every coordinate its own range (or build the map with inputMap(...) for a part of them)',
      );
    if (typeof this.build === 'function') {
      const { x } = networkFields(inputs, 0, 'inputMap');
      const r: unknown = this.build(strictArguments({ x }, this.label));
      if (!Array.isArray(r) || r.length === 0 || !r.every((f) => f instanceof Field)) {
        throw new JetfitError(`${this.label}: the map must return an array of fields (the features), got ${describe(r)}`);
      }
      this.nodes = (r as Field[]).map((f) => f.node);
    }
    for (const n of this.nodes!) check(n, inputs, 0, this.label, float32);
    this.inputs = inputs;
    this.bound = inputs;
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

/** Maps each coordinate from [lower_i, upper_i] to [−1, 1]; one range per input of the network. */
export function scaleInputs(lower: readonly number[], upper: readonly number[]): InputMap {
  if (!Array.isArray(lower) || !Array.isArray(upper) || lower.length === 0 || lower.length !== upper.length)
    throw new JetfitError(
      `scaleInputs(lower, upper): expected two corners with the same number of coordinates (≥ 1), got ${show(lower)} and ${show(upper)}`,
    );
  lower.forEach((lo, i) => {
    const hi = upper[i];
    if (
      !(
        typeof lo === 'number' &&
        typeof hi === 'number' &&
        Number.isFinite(lo) &&
        Number.isFinite(hi) &&
        lo < hi &&
        Number.isFinite(hi - lo)
      )
    )
      throw new JetfitError(
        `scaleInputs(lower, upper): coordinate ${i} needs finite lower < upper (with a finite span), got ${show(lo)} and ${show(hi)}`,
      );
  });
  const [lo, hi] = [[...lower], [...upper]];
  return new InputMap(
    ({ x }) =>
      lo.map((l, i) =>
        x[i]!.sub(l)
          .mul(2 / (hi[i]! - l))
          .sub(1),
      ),
    lo.length,
    'scaleInputs',
  );
}

/** The options of fourierFeatures. */
export interface FourierFeatureOptions {
  /** the network's input count (every coordinate enters each feature) */
  inputs: number;
  /** how many frequencies: 2·count features */
  count: number;
  /** the frequencies' standard deviation, one for all inputs or one per input (> 0) */
  scale: number | readonly number[];
  /** the generator's seed (default 0) */
  seed?: number;
}

/**
 * Random Fourier features (Tancik et al. 2020): [cos 2π Bx, sin 2π Bx] with B a count × inputs
 * matrix of normal numbers of standard deviation `scale` (per input, or one for all), drawn
 * from `seed`; 2·count features.
 */
export function fourierFeatures(options: FourierFeatureOptions): InputMap {
  const o = checkObject<FourierFeatureOptions>(options, 'fourierFeatures(options)', '{ inputs: 2, count: 64, scale: 1 }');
  checkKeys(o, ['inputs', 'count', 'scale', 'seed'], 'fourierFeatures(options)');
  const inputs = checkInteger(o.inputs, 'fourierFeatures: inputs', 1);
  const count = checkInteger(o.count, 'fourierFeatures: count', 1, 1e6);
  const scale = o.scale;
  const scales = typeof scale === 'number' ? new Array<number>(inputs).fill(scale) : scale;
  if (!Array.isArray(scales) || scales.length !== inputs || !scales.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) {
    throw new JetfitError(`fourierFeatures: scale: expected a finite number > 0, or one per input (${inputs}), got ${show(scale)}`);
  }
  const random = new Random(o.seed === undefined ? 0 : checkSeed(o.seed, 'fourierFeatures: seed'));
  const B = Array.from({ length: count }, () => scales.map((sd) => 2 * Math.PI * sd * random.normal()));
  return new InputMap(
    ({ x }) => {
      const phases = B.map((row) => row.map((w, i) => x[i]!.mul(w)).reduce((s, f) => s.add(f)));
      return [...phases.map((p) => p.cos()), ...phases.map((p) => p.sin())];
    },
    inputs,
    'fourierFeatures',
  );
}

registerInputTransform('fields', (saved, what) => {
  const features = (saved as { features?: unknown }).features;
  if (!Array.isArray(features)) throw new JetfitError(`${what}: expected { kind: 'fields', features: [...] }`);
  return new InputMap(Array.from(features, (f) => loadNested(f, what)));
});
