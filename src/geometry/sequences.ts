// Point sequences in the unit cube [0, 1)^d that the geometries map onto their interiors and
// boundaries: uniform random (seeded), Latin hypercube, and the low-discrepancy Sobol,
// Halton and Hammersley sequences. Each returns n points as rows.
import { JetfitError } from '../base/errors.js';
import { Random } from '../base/random.js';

/** How points are drawn: `'grid'` is handled by each geometry (it needs the shape). */
export type Sampling = 'uniform' | 'grid' | 'lhs' | 'sobol' | 'halton' | 'hammersley';

export const SAMPLINGS: readonly Sampling[] = ['uniform', 'grid', 'lhs', 'sobol', 'halton', 'hammersley'];

// Sobol direction numbers (Joe & Kuo 2008, new-joe-kuo-6.21201) for dimensions 2..8:
// [degree s, coefficient a, initial m_1..m_s]; dimension 1 is the van der Corput sequence.
const JOE_KUO: [number, number, number[]][] = [
  [1, 0, [1]],
  [2, 1, [1, 3]],
  [3, 1, [1, 3, 1]],
  [3, 2, [1, 1, 1]],
  [4, 1, [1, 1, 3, 3]],
  [4, 4, [1, 3, 5, 13]],
  [5, 2, [1, 1, 5, 5, 17]],
];
const BITS = 30;

/** The direction numbers v_k · 2^BITS of one Sobol dimension (0-based). */
function directions(dim: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dim === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 1 << (BITS - 1 - k);
    return v;
  }
  const [s, a, m] = JOE_KUO[dim - 1]!;
  for (let k = 0; k < s; k++) v[k] = m[k]! << (BITS - 1 - k);
  for (let k = s; k < BITS; k++) {
    let x = v[k - s]! ^ (v[k - s]! >>> s);
    for (let j = 1; j < s; j++) if ((a >>> (s - 1 - j)) & 1) x ^= v[k - j]!;
    v[k] = x;
  }
  return v;
}

/** The first n points of the Sobol sequence in d ≤ 8 dimensions (Gray-code order, starting at 0). */
export function sobol(n: number, d: number): number[][] {
  if (d > JOE_KUO.length + 1) throw new JetfitError(`sampling 'sobol': up to ${JOE_KUO.length + 1} dimensions, got ${d}; use 'halton'`);
  const dirs = Array.from({ length: d }, (_, k) => directions(k));
  const x = new Uint32Array(d);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    out.push(Array.from(x, (v) => v / 2 ** BITS));
    // the next point flips the direction of the lowest zero bit of i
    let c = 0;
    while ((i >>> c) & 1) c++;
    for (let k = 0; k < d; k++) x[k] = x[k]! ^ dirs[k]![c]!;
  }
  return out;
}

const PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53];

/** The radical inverse of i in base b (van der Corput). */
function radicalInverse(i: number, b: number): number {
  let f = 1,
    r = 0;
  while (i > 0) {
    f /= b;
    r += f * (i % b);
    i = Math.floor(i / b);
  }
  return r;
}

/** The Halton sequence from index 1 (the first point is not the origin): bases 2, 3, 5, ... */
export function halton(n: number, d: number): number[][] {
  if (d > PRIMES.length) throw new JetfitError(`sampling 'halton': up to ${PRIMES.length} dimensions, got ${d}`);
  return Array.from({ length: n }, (_, i) => Array.from({ length: d }, (__, k) => radicalInverse(i + 1, PRIMES[k]!)));
}

/** The Hammersley set of n points: i/n, then the Halton coordinates of i. */
export function hammersley(n: number, d: number): number[][] {
  if (d - 1 > PRIMES.length) throw new JetfitError(`sampling 'hammersley': up to ${PRIMES.length + 1} dimensions, got ${d}`);
  return Array.from({ length: n }, (_, i) => [i / n, ...Array.from({ length: d - 1 }, (__, k) => radicalInverse(i, PRIMES[k]!))]);
}

/** Latin hypercube: each coordinate takes one point in each of n equal strata, strata shuffled per coordinate. */
export function latinHypercube(n: number, d: number, random: Random): number[][] {
  const out = Array.from({ length: n }, () => new Array<number>(d));
  for (let k = 0; k < d; k++) {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let i = 0; i < n; i++) out[i]![k] = (order[i]! + random.uniform()) / n;
  }
  return out;
}

/** n points of the unit cube by `kind` ('grid' is not a cube sequence: geometries handle it). */
export function unitCube(kind: Exclude<Sampling, 'grid'>, n: number, d: number, random: Random): number[][] {
  switch (kind) {
    case 'uniform':
      return Array.from({ length: n }, () => Array.from({ length: d }, () => random.uniform()));
    case 'lhs':
      return latinHypercube(n, d, random);
    case 'sobol':
      return sobol(n, d);
    case 'halton':
      return halton(n, d);
    case 'hammersley':
      return hammersley(n, d);
  }
}

/** A seeded generator for a sampling call. */
export function generator(seed: number | undefined): Random {
  return new Random(seed ?? 0);
}
