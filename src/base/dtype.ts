// Element types: float32 (default) and float64.
import { quoted } from './check.js';
import { JetfitError } from './errors.js';

/** The floating-point type of a network's parameters and jets. */
export type DType = 'float32' | 'float64';

/** A typed array of either element type. */
export type Real = Float32Array | Float64Array;

/** Flat numbers as jetfit accepts them. */
export type NumericArray = Float32Array | Float64Array | readonly number[];

/** Bytes per element. */
export function bytesOf(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}

/** SIMD lanes per v128: the padding unit of every feature dimension. */
export function lanesOf(dtype: DType): number {
  return dtype === 'float64' ? 2 : 4;
}

/** A new zeroed typed array of the dtype. */
export function allocReal(dtype: DType, length: number): Real {
  return dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
}

/** Checks a dtype option. */
export function checkDType(dtype: unknown, argument: string): DType {
  if (dtype === 'float32' || dtype === 'float64') return dtype;
  throw new JetfitError(`${argument}: unknown dtype ${quoted(dtype)}; expected 'float32' or 'float64'`);
}

/** Rounds a feature dimension up to whole SIMD vectors. */
export function padded(n: number, dtype: DType): number {
  const L = lanesOf(dtype);
  return Math.ceil(n / L) * L;
}
