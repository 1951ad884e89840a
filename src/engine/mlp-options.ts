// The checks of `new Mlp(options)` and of a saved network (Mlp.fromJSON), done in full
// before anything is allocated, so that a bad call or document costs no memory.
import { badValue, checkKeys, checkObject, checkSeed, describe, show } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import { activationId, type Activation } from './activation.js';
import { checkDType, type DType } from '../base/dtype.js';
import { checkInitializer, type Initializer } from './init.js';
import { isInputTransform, readInputTransform, type InputTransform } from './input-transform.js';
import { isOutputTransform, readOutputTransform, type OutputTransform } from './output-transform.js';

/** Options of `new Mlp`. */
export interface MlpOptions {
  /** layer sizes [inputs, hidden..., outputs], at least two positive integers */
  sizes: readonly number[];
  /** hidden-layer activation (the output layer is linear); default 'tanh' */
  activation?: Activation;
  /** parameter and jet precision; default 'float32' */
  dtype?: DType;
  /** seed of the initial weights, a whole number in [0, 2³² − 1]; the same seed gives the same network */
  seed?: number;
  /** weight initialisation; default 'glorotUniform' (biases start at zero) */
  init?: Initializer;
  /** a map of the outputs that belongs to the model (outputMap(...)): evaluate, fit and toJSON apply it */
  output?: OutputTransform;
  /** a map of the inputs that belongs to the model (inputMap(...)): the network sees its features */
  input?: InputTransform;
}

/** A saved network (Mlp.toJSON): exact, float64 values round-trip bitwise. */
export interface MlpJSON {
  format: 'jetfit.mlp';
  version: 1;
  sizes: number[];
  activation: Activation;
  dtype: DType;
  params: { W: number[]; b: number[] }[];
  /** the output map, when the network has one */
  output?: unknown;
  /** the input map, when the network has one */
  input?: unknown;
}

/** Checked options with their defaults filled in. */
export interface ResolvedMlpOptions {
  sizes: readonly number[];
  activation: Activation;
  act: number;
  dtype: DType;
  seed: number;
  init: Initializer;
  output: OutputTransform | null;
  input: InputTransform | null;
  /** the layers' widths: sizes, with the input map's feature count first when there is one */
  layerSizes: readonly number[];
}

const KEYS = ['sizes', 'activation', 'dtype', 'seed', 'init', 'output', 'input'];
/** Layer sizes above this are refused: one such layer's weights alone would pass WebAssembly's 4 GiB. */
const MAX_SIZE = 2 ** 24;

/** Checks `new Mlp` options; `what` prefixes the messages of the options object itself. */
export function resolveMlpOptions(options: unknown, what = 'new Mlp(options)'): ResolvedMlpOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new JetfitError(`${what}: expected an options object like { sizes: [2, 50, 1] }, got ${describe(options)}`);
  }
  const o = checkObject<MlpOptions>(options, what, '{ sizes: [2, 50, 1] }');
  checkKeys(o, KEYS, what);
  const sizes = o.sizes;
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new JetfitError(`sizes: expected at least two layer sizes [inputs, ..., outputs], got ${show(sizes)}`);
  }
  sizes.forEach((s: unknown, i) => {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 1 || s > MAX_SIZE) {
      throw new JetfitError(
        `sizes[${i}]: expected a positive integer${typeof s === 'number' && s > MAX_SIZE ? ` up to ${MAX_SIZE}` : ''}, got ${describe(s)}`,
      );
    }
  });
  const activation = o.activation === undefined ? 'tanh' : o.activation;
  const act = activationId(activation, 'activation');
  const dtype = checkDType(o.dtype === undefined ? 'float32' : o.dtype, 'dtype');
  const seed = o.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : checkSeed(o.seed, 'seed');
  const init = checkInitializer(o.init === undefined ? 'glorotUniform' : o.init);
  if (o.output !== undefined && !isOutputTransform(o.output)) {
    throw new JetfitError(`output: expected an output map (outputMap(({ u, x }) => ...)), got ${describe(o.output)}`);
  }
  o.output?.bind(sizes[0] as number, sizes[sizes.length - 1] as number, dtype === 'float32');
  if (o.input !== undefined && !isInputTransform(o.input)) {
    throw new JetfitError(`input: expected an input map (inputMap(({ x }) => [...])), got ${describe(o.input)}`);
  }
  const features = o.input ? o.input.bind(sizes[0] as number, dtype === 'float32') : (sizes[0] as number);
  const layerSizes = Object.freeze([features, ...sizes.slice(1)] as number[]);
  return {
    sizes: Object.freeze([...sizes]),
    activation,
    act,
    dtype,
    seed,
    init,
    output: o.output ?? null,
    input: o.input ?? null,
    layerSizes,
  };
}

/** Checks a saved network's parameters against its sizes and dtype, before any allocation. */
export function checkSavedParams(params: unknown, sizes: readonly number[], dtype: DType, what: string): void {
  const L = sizes.length - 1;
  if (!Array.isArray(params) || params.length !== L) {
    throw new JetfitError(`${what}params: expected an array of ${L} layers ({ W, b } each), got ${describe(params)}`);
  }
  const f32 = dtype === 'float32';
  params.forEach((p: unknown, i) => {
    if (typeof p !== 'object' || p === null) throw new JetfitError(`${what}params[${i}]: expected { W, b }, got ${describe(p)}`);
    const { W, b } = p as { W: unknown; b: unknown };
    const out = sizes[i + 1]!,
      inn = sizes[i]!;
    for (const [name, arr, length] of [
      ['W', W, out * inn],
      ['b', b, out],
    ] as const) {
      if (!Array.isArray(arr) || arr.length !== length) {
        throw new JetfitError(
          `${what}params[${i}].${name}: expected ${length} numbers, got ${Array.isArray(arr) ? arr.length : describe(arr)}`,
        );
      }
      for (let k = 0; k < length; k++) {
        const bad = badValue(arr[k], f32);
        if (bad !== null) throw new JetfitError(`${what}params[${i}].${name}: entry ${k} is ${bad}; every value must be a finite number`);
      }
    }
  });
}

/** A saved network checked in full (every field present and consistent), not yet allocated. */
export interface ReadDocument {
  sizes: readonly number[];
  activation: Activation;
  dtype: DType;
  params: { W: number[]; b: number[] }[];
  output: OutputTransform | null;
  input: InputTransform | null;
}

/**
 * Reads a document saved by toJSON (an object or its JSON string) and checks all of it
 * before anything is allocated: a small document declaring huge sizes costs nothing.
 */
export function readDocument(json: unknown): ReadDocument {
  const what = 'Mlp.fromJSON: ';
  let data: unknown = json;
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json);
    } catch (e) {
      throw new JetfitError(`${what}not valid JSON: ${(e as Error).message}`);
    }
  }
  const d = data as Partial<MlpJSON> | null;
  if (!d || typeof d !== 'object' || d.format !== 'jetfit.mlp' || d.version !== 1) {
    throw new JetfitError(`${what}expected an object saved by net.toJSON() (format 'jetfit.mlp', version 1)`);
  }
  const keys = ['format', 'version', 'sizes', 'activation', 'dtype', 'params'];
  checkKeys(d, [...keys, 'output', 'input'], 'Mlp.fromJSON');
  // A saved network states everything: a missing dtype must not quietly become float32.
  const missing = keys.find((k) => (d as Record<string, unknown>)[k] === undefined);
  if (missing) throw new JetfitError(`${what}${missing}: missing; a document saved by net.toJSON() has ${keys.join(', ')}`);
  const output = d.output === undefined ? undefined : readOutputTransform(d.output, 'Mlp.fromJSON: output');
  const input = d.input === undefined ? undefined : readInputTransform(d.input, 'Mlp.fromJSON: input');
  const o = resolveMlpOptions({ sizes: d.sizes, activation: d.activation, dtype: d.dtype, seed: 0, output, input }, 'Mlp.fromJSON');
  checkSavedParams(d.params, o.layerSizes, o.dtype, what);
  return {
    sizes: o.sizes,
    activation: o.activation,
    dtype: o.dtype,
    params: d.params as ReadDocument['params'],
    output: o.output,
    input: o.input,
  };
}
