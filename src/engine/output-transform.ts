// A map applied to the network's outputs that belongs to the model: `evaluate` returns the
// mapped outputs and their derivatives, `fit` trains through it, `toJSON` saves it. The
// engine knows only this interface; the field language implements it (fields/output-map.ts)
// and registers a reader for saved documents, so that no layer imports the one above it.
import { savedReaders, type SavedReader } from './saved-readers.js';
import type { Points } from '../base/points.js';
import type { JetRequest } from './jet-spec.js';
import type { Jets } from './jet-layout.js';
import type { DType } from '../base/dtype.js';

/**
 * The network a transform is evaluated on, as the engine names it here: the field
 * language's implementation takes the whole `Mlp` (a method's parameter may be narrower
 * in the implementation), and this file need not import mlp.ts, which imports it.
 */
export interface TransformedNetwork {
  readonly inputs: number;
  readonly outputs: number;
  readonly dtype: DType;
}

/** A map of the outputs (see fields/output-map.ts's `outputMap`). */
export interface OutputTransform {
  /** the key of its saved form's reader */
  readonly kind: string;
  /** checks it against a network of these sizes (before the network allocates anything) */
  bind(inputs: number, outputs: number, float32: boolean): void;
  /** the mapped outputs' jets at checked points */
  evaluate(net: TransformedNetwork, x: Points, request: JetRequest | undefined): Jets;
  /** its saved form (plain JSON data) */
  toJSON(): unknown;
}

const readers = savedReaders<OutputTransform>('output map');

/** Registers how a kind of transform is read back from its saved form. */
export function registerOutputTransform(kind: string, reader: SavedReader<OutputTransform>): void {
  readers.register(kind, reader);
}

/** Reads a saved transform ({ kind, ... }) back. */
export function readOutputTransform(saved: unknown, what: string): OutputTransform {
  return readers.read(saved, what);
}

/** Whether a value is an output transform. */
export function isOutputTransform(t: unknown): t is OutputTransform {
  return (
    typeof t === 'object' &&
    t !== null &&
    typeof (t as OutputTransform).evaluate === 'function' &&
    typeof (t as OutputTransform).bind === 'function'
  );
}
