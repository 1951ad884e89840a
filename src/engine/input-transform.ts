// A map of the inputs that belongs to the model (affine scaling, periodic or Fourier
// features): the network sees ξ = φ(x), and every jet is still with respect to x. The map
// writes the jets of ξ along the pass's x-directions as the input's K blocks, and the first
// layer takes the path of the later layers (assembly/mlp.ts, H_INPUT_JETS). The engine knows
// the map only through this interface; the field language implements it
// (fields/input-map.ts) and registers the reader of saved ones.
import { savedReaders, type SavedReader } from './saved-readers.js';
import type { Real } from '../base/dtype.js';
import { copyPoints, type Points } from '../base/points.js';
import type { JetSpec } from './jet-spec.js';

/** A map of the inputs (see fields/input-map.ts's `inputMap`). */
export interface InputTransform {
  readonly kind: string;
  /** checks it for points of `inputs` coordinates and returns how many features it makes (the first layer's width) */
  bind(inputs: number, float32: boolean): number;
  /**
   * Writes the jets of the features at B checked points (x flat [B][inputs]) into dst from
   * element `at`: K blocks [K][B][inP] in the spec's order (value, directions, pairs,
   * Laplacian), padding features zero.
   */
  writeJets(x: Float64Array, B: number, spec: JetSpec, dst: Real, at: number, inP: number): void;
  toJSON(): unknown;
}

const readers = savedReaders<InputTransform>('input map');

/** Registers how a kind of input map is read back from its saved form. */
export function registerInputTransform(kind: string, reader: SavedReader<InputTransform>): void {
  readers.register(kind, reader);
}

/** Reads a saved input map ({ kind, ... }) back. */
export function readInputTransform(saved: unknown, what: string): InputTransform {
  return readers.read(saved, what);
}

/** Whether a value is an input map. */
export function isInputTransform(t: unknown): t is InputTransform {
  return (
    typeof t === 'object' &&
    t !== null &&
    typeof (t as InputTransform).writeJets === 'function' &&
    typeof (t as InputTransform).bind === 'function'
  );
}

const scratch = new Map<number, Float64Array>();

/** Writes the map's jets at checked points x into a plan's input blocks (a buffer per size of x, reused). */
export function writeInputJets(
  t: InputTransform,
  x: Points,
  n: number,
  B: number,
  spec: JetSpec,
  dst: Real,
  at: number,
  inP: number,
): void {
  let flat = scratch.get(B * n);
  if (!flat) {
    flat = new Float64Array(B * n);
    scratch.set(B * n, flat);
  }
  copyPoints(x, n, n, flat, 0);
  t.writeJets(flat, B, spec, dst, at, inP);
}
