// The size limit of one request. A request that would need more memory than the limit (a
// billion sample points, a grid in 16 dimensions, a dense matrix over a million parameters)
// is refused before anything is allocated, with what it would need and what the limit is,
// instead of running until the process dies. The estimate is of the memory the request's
// own results and matrices take, not of the JavaScript engine's overhead around them.
import { describe } from './check.js';
import { JetfitError } from './errors.js';

/** The limits one request is held to. */
export interface Limits {
  /** the most bytes one request may need (default 2 GiB) */
  maxBytes: number;
}

/** The default limit: 2 GiB, below Node's default heap and far below WebAssembly's 4 GiB. */
export const DEFAULT_MAX_BYTES = 2 ** 31;

let current: Limits = { maxBytes: DEFAULT_MAX_BYTES };

/** The limits in force. */
export function limits(): Readonly<Limits> {
  return { ...current };
}

/**
 * Sets the limits (the keys given; the others stay) and returns the previous ones, so that a
 * caller can restore them: `const before = setLimits({ maxBytes: 8 * 2 ** 30 }); ...; setLimits(before)`.
 */
export function setLimits(next: Partial<Limits>): Readonly<Limits> {
  if (typeof next !== 'object' || next === null || Array.isArray(next))
    throw new JetfitError(`setLimits(limits): expected { maxBytes }, got ${describe(next)}`);
  for (const key of Object.keys(next)) {
    if (key !== 'maxBytes') throw new JetfitError(`setLimits(limits): unknown option ${JSON.stringify(key)}; expected maxBytes`);
  }
  const bytes = next.maxBytes;
  if (bytes !== undefined && !(typeof bytes === 'number' && Number.isFinite(bytes) && bytes >= 1))
    throw new JetfitError(`setLimits(limits): maxBytes: expected a finite number of bytes ≥ 1, got ${describe(bytes)}`);
  const before = limits();
  current = { maxBytes: bytes ?? current.maxBytes };
  return before;
}

/** "12.5 MiB" style sizes for error messages. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return 'more bytes than float64 can count';
  if (n >= 2 ** 40) return `${(n / 2 ** 40).toFixed(1)} TiB`;
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** The bytes of `count` points of `dim` coordinates held as arrays of numbers (as the samplers return them). */
export function pointBytes(count: number, dim: number): number {
  return count * (8 * dim + 32);
}

/**
 * Refuses a request that would need more than the limit: "what: would need about 72.0 GiB
 * (1000000000 points of 2 coordinates), above the limit of 2.00 GiB; ...".
 */
export function checkBytes(bytes: number, what: string, detail: string): void {
  if (bytes <= current.maxBytes) return;
  throw new JetfitError(
    `${what}: would need about ${formatBytes(bytes)} (${detail}), above the limit of ${formatBytes(current.maxBytes)}; ` +
      'ask for less, or raise the limit with setLimits({ maxBytes })',
  );
}
