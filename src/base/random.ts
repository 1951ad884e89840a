// Seeded pseudo-random numbers: xoshiro128** seeded through splitmix32, so a seed gives
// the same stream on every runtime (32-bit integer arithmetic only).

import { show } from './check.js';
import { JetfitError } from './errors.js';

/** A reproducible random number generator. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  /** @param seed a whole number; the same seed gives the same stream everywhere */
  constructor(seed: number) {
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
      throw new JetfitError(`Random(seed): expected a whole number, got ${typeof seed === 'number' ? seed : typeof seed}`);
    }
    let s = (Math.trunc(seed) ^ Math.trunc(seed / 2 ** 32)) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5,
      lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniformIn(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** The generator's state (four 32-bit words and the spare normal), for saving. */
  state(): number[] {
    return [this.a, this.b, this.c, this.d, this.spare ?? NaN];
  }

  /** Restores a state from state() (JSON turns the spare's NaN into null). */
  restore(s: readonly (number | null)[]): void {
    [this.a, this.b, this.c, this.d] = [s[0]! | 0, s[1]! | 0, s[2]! | 0, s[3]! | 0];
    const spare = s[4];
    this.spare = spare === undefined || spare === null || Number.isNaN(spare) ? null : spare;
  }

  /** Checks a saved state(): four 32-bit words (not all zero) and a spare normal or NaN/null. */
  static checkState(s: unknown, what: string): void {
    const word = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 32;
    const ok =
      Array.isArray(s) &&
      s.length === 5 &&
      s.slice(0, 4).every(word) &&
      s.slice(0, 4).some((v) => v !== 0) &&
      (s[4] === null || (typeof s[4] === 'number' && (Number.isNaN(s[4]) || Number.isFinite(s[4]))));
    if (!ok) {
      throw new JetfitError(
        `${what}: expected the generator's five numbers (four 32-bit words, not all zero, and a spare normal or null), got ${show(s)}`,
      );
    }
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
