// Input points as users hold them (flat typed arrays, flat number arrays, arrays of rows):
// checked in full first (shape, type, finiteness, the range of the network's dtype), then
// copied into a padded [B][inP] buffer, so that a bad batch never writes anything.
import { badValue, describe, FLOAT32_MAX } from './check.js';
import { JetfitError } from './errors.js';
import type { NumericArray, Real } from './dtype.js';

/** A batch of points: flat row-major [B][n], or one array per point. */
export type Points = NumericArray | readonly (readonly number[] | Float32Array | Float64Array)[];

function isRows(x: Points): x is readonly (readonly number[] | Float32Array | Float64Array)[] {
  if (!Array.isArray(x) || x.length === 0) return false;
  const first: unknown = x[0];
  return Array.isArray(first) || ArrayBuffer.isView(first);
}

/** The batch size of x for n inputs, or an error naming the argument. */
export function batchSize(x: Points, n: number, argument: string): number {
  if (x === null || typeof x !== 'object' || !(Array.isArray(x) || x instanceof Float32Array || x instanceof Float64Array)) {
    throw new JetfitError(
      `${argument}: expected points as a Float32Array, Float64Array, number[] (flat, row-major [B][${n}]) ` +
        `or number[][] ([B] rows of ${n}), got ${describe(x)}`,
    );
  }
  if (isRows(x)) {
    const first = (x[0] as ArrayLike<number>).length;
    if (
      x.length === n &&
      n > 1 &&
      first !== n &&
      x.every((r) => (Array.isArray(r) || ArrayBuffer.isView(r)) && (r as ArrayLike<number>).length === first)
    ) {
      throw new JetfitError(
        `${argument}: got ${n} arrays of ${first} values; expected ${first} rows of ${n} coordinates (one per point). Transposed? ` +
          `Pass the points as rows: xs.map((v, i) => [v, ys[i]])`,
      );
    }
    for (let p = 0; p < x.length; p++) {
      const row: unknown = x[p];
      if (
        !row ||
        typeof row !== 'object' ||
        !(Array.isArray(row) || row instanceof Float32Array || row instanceof Float64Array) ||
        row.length !== n
      ) {
        throw new JetfitError(
          `${argument}: ragged rows: row ${p} has ${Array.isArray(row) || ArrayBuffer.isView(row) ? (row as ArrayLike<number>).length : describe(row)} ` +
            `entries, expected ${n} (the network's input size)`,
        );
      }
    }
    return x.length;
  }
  if (x.length === 0) throw new JetfitError(`${argument}: empty batch; expected at least one point of ${n} inputs`);
  if (x.length % n !== 0) {
    throw new JetfitError(
      `${argument}: length ${x.length} is not a multiple of the input size ${n}; ` + `expected a flat row-major array [B][${n}]`,
    );
  }
  return x.length / n;
}

/**
 * Checks x in full: its shape (returns the batch size) and that every coordinate is a
 * finite number, within float32's range when the network is float32.
 */
export function checkPoints(x: Points, n: number, argument: string, float32: boolean): number {
  const B = batchSize(x, n, argument);
  const rows = isRows(x);
  const flat = x as ArrayLike<unknown>;
  // One pass: v * 0 is 0 for every finite number, so the sum finds any NaN, Infinity or
  // non-number; |v| beyond float32's largest matters only when the values are not float32.
  const limit = float32 && !(x instanceof Float32Array) ? FLOAT32_MAX : Infinity;
  let check = 0,
    big = false;
  for (let p = 0; p < B; p++) {
    const row = rows ? (x as readonly ArrayLike<unknown>[])[p]! : null;
    for (let i = 0; i < n; i++) {
      const v = row ? row[i] : flat[p * n + i];
      if (typeof v !== 'number') check = NaN;
      else {
        check += v * 0;
        if (v > limit || v < -limit) big = true;
      }
    }
  }
  if (check === 0 && !big) return B;
  // Something is wrong: find the first bad coordinate for the message.
  for (let p = 0; p < B; p++)
    for (let i = 0; i < n; i++) {
      const v = rows ? (x as readonly ArrayLike<unknown>[])[p]![i] : flat[p * n + i];
      const bad = badValue(v, float32);
      if (bad !== null) throw new JetfitError(`${argument}: point ${p}, input ${i} is ${bad}; every coordinate must be a finite number`);
    }
  return B;
}

/** Copies checked points x ([B][n]) into dst at element offset `at`, rows padded to nP with zeros. */
export function copyPoints(x: Points, n: number, nP: number, dst: Real | Float64Array, at: number): void {
  const rows = isRows(x);
  const B = rows ? x.length : x.length / n;
  for (let p = 0; p < B; p++) {
    const o = at + p * nP;
    if (rows) {
      const row = (x as readonly ArrayLike<number>[])[p]!;
      for (let i = 0; i < n; i++) dst[o + i] = row[i]!;
    } else {
      const flat = x as ArrayLike<number>;
      for (let i = 0; i < n; i++) dst[o + i] = flat[p * n + i]!;
    }
    for (let i = n; i < nP; i++) dst[o + i] = 0;
  }
}
