// Argument checks shared by every entry point. Each failure is a JetfitError whose
// message names the argument, shows the value as it was given, and says what was expected.
import { JetfitError } from './errors.js';

/** The largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** A value as a message shows it: numbers and strings as written, other things by kind. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `${JSON.stringify(v)} (a string)`;
  if (typeof v === 'bigint') return `${v}n (a bigint)`;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  const name = (v as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/**
 * A value as written, for messages: numbers as JavaScript prints them (NaN, Infinity and -0
 * stay visible, where JSON would print null or 0), arrays and small objects by their entries
 * (the first 8), anything else described by kind.
 */
export function show(v: unknown, depth = 0): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  const list = Array.isArray(v) || v instanceof Float32Array || v instanceof Float64Array;
  if (list && depth < 3) {
    const a = v as ArrayLike<unknown>;
    const items = Array.from({ length: Math.min(a.length, 8) }, (_, i) => show(a[i], depth + 1));
    return `[${items.join(', ')}${a.length > 8 ? `, ... (${a.length} entries)` : ''}]`;
  }
  if (typeof v === 'object' && v !== null && !list && depth < 3 && Object.getPrototypeOf(v) === Object.prototype) {
    const keys = Object.keys(v);
    const items = keys
      .slice(0, 6)
      .map((k) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${show((v as Record<string, unknown>)[k], depth + 1)}`);
    return `{ ${items.join(', ')}${keys.length > 6 ? ', ...' : ''} }`;
  }
  return describe(v);
}

function editDistance(a: string, b: string): number {
  const x = a.toLowerCase(),
    y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[y.length]!;
}

/** The known name closest to `key`, if it is close enough to be a likely misspelling. */
export function closest(key: string, known: readonly string[]): string | null {
  let best: string | null = null,
    bestD = Infinity;
  for (const k of known) {
    const d = editDistance(key, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(best.length / 3)) ? best : null;
}

/** Known mistakes with a better hint than the closest name. */
const HINTS: Record<string, string> = {
  lr: "the learning rate goes in the optimizer: optimizer: { type: 'adam', lr }",
  learningRate: "the learning rate goes in the optimizer: optimizer: { type: 'adam', lr }",
};

/**
 * Refuses any own key of `options` not in `known`, naming it and the closest known key.
 * `what` names the options object (e.g. "fit(net, options)"); `of` says whose options
 * they are where the known keys depend on it (e.g. "'adam'").
 */
export function checkKeys(
  options: object,
  known: readonly string[],
  what: string,
  extra: { hints?: Record<string, string>; of?: string } = {},
): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const hint = (extra.hints ?? HINTS)[key];
    const near = closest(key, known);
    throw new JetfitError(
      `${what}: unknown option ${JSON.stringify(key)}${extra.of ? ` for ${extra.of}` : ''}; ` +
        (hint ? hint : near ? `did you mean ${JSON.stringify(near)}?` : `expected one of ${known.join(', ')}`),
    );
  }
}

/** An options object (or undefined, read as {}), else an error. */
export function checkObject<T extends object>(v: unknown, what: string, example: string): T {
  if (v === undefined) return {} as T;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new JetfitError(`${what}: expected an options object like ${example}, got ${describe(v)}`);
  }
  return v as T;
}

/** A whole number in [min, max]. */
export function checkInteger(v: unknown, what: string, min: number, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new JetfitError(`${what}: expected a whole number ${max === Infinity ? `≥ ${min}` : `in [${min}, ${max}]`}, got ${describe(v)}`);
  }
  return v;
}

/** A seed: a whole number in [0, 2³² − 1]. */
export function checkSeed(v: unknown, what: string): number {
  return checkInteger(v, what, 0, 2 ** 32 - 1);
}

/** true or false (undefined allowed, read as false). */
export function checkBoolean(v: unknown, what: string): boolean {
  if (v === undefined) return false;
  if (v !== true && v !== false) throw new JetfitError(`${what}: expected true or false, got ${describe(v)}`);
  return v;
}

/**
 * Why `v` cannot be stored in the dtype, or null: not a number, not finite, or (float32)
 * beyond float32's range, where it would be stored as ±Infinity.
 */
export function badValue(v: unknown, float32: boolean): string | null {
  if (typeof v !== 'number') return `${describe(v)}`;
  if (!Number.isFinite(v)) return String(v);
  if (float32 && Math.abs(v) > FLOAT32_MAX && !Number.isFinite(Math.fround(v))) return `${v}, beyond the range of float32`;
  return null;
}

/**
 * Checks that `a` is an array-like of `length` numbers, each finite (and within float32's
 * range when `float32`): "name: entry i is X; every value must be a finite number".
 */
export function checkNumbers(a: unknown, length: number, what: string, shape: string, float32: boolean): void {
  if (a === null || typeof a !== 'object' || typeof (a as ArrayLike<number>).length !== 'number') {
    throw new JetfitError(`${what}: expected an array of ${length} numbers (${shape}), got ${describe(a)}`);
  }
  const arr = a as ArrayLike<number>;
  if (arr.length !== length) throw new JetfitError(`${what}: expected ${length} numbers (${shape}), got ${arr.length}`);
  for (let i = 0; i < length; i++) {
    const bad = badValue(arr[i], float32);
    if (bad !== null)
      throw new JetfitError(
        `${what}: entry ${i} is ${bad}; every value must be a finite number${float32 ? " within float32's range" : ''}`,
      );
  }
}

/** A name as a message shows it: a string in quotes, anything else described by kind. */
export function quoted(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : describe(v);
}

/** Checks a number option: finite and within [min, max) or [min, max]. */
export function checkOption(
  value: unknown,
  name: string,
  fallback: number,
  min: number,
  max = Infinity,
  openMin = false,
  openMax = false,
): number {
  const v = value === undefined ? fallback : value;
  const ok = typeof v === 'number' && Number.isFinite(v) && (openMin ? v > min : v >= min) && (openMax ? v < max : v <= max);
  if (!ok) {
    throw new JetfitError(
      `${name}: expected a number in ${openMin ? '(' : '['}${min}, ${max === Infinity ? '∞' : max}${openMax || max === Infinity ? ')' : ']'}, got ${describe(v)}`,
    );
  }
  return v as number;
}
