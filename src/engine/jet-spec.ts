// Which jet components a pass carries. Blocks, in order: the value, one per first-order
// direction (an input index), one per second-order pair (a, b) of directions, and
// optionally the forward Laplacian (the sum over all directions of d²/dx_d²).
import { checkBoolean, checkKeys, checkNumbers, describe, quoted } from '../base/check.js';
import { JetfitError } from '../base/errors.js';

/** The components a forward pass propagates. */
export interface JetSpec {
  /** input indices of the first-order directions */
  readonly dirs: readonly number[];
  /** second-order pairs, as indices into dirs, a <= b */
  readonly pairs: readonly (readonly [number, number])[];
  /** carry the forward-Laplacian block */
  readonly laplacian: boolean;
}

/** What `evaluate` and `forward` can be asked for. */
export interface JetRequest {
  /** the Jacobian dy/dx, shape [B][m][n] */
  jacobian?: boolean;
  /** second derivatives: 'diag' (Hessian diagonal [B][m][n]), 'full' ([B][m][n][n]) or 'laplacian' ([B][m]) */
  hessian?: 'diag' | 'full' | 'laplacian';
  /** the Laplacian [B][m] (the same as hessian: 'laplacian') */
  laplacian?: boolean;
}

/** Number of blocks (columns per point). */
export function blockCount(spec: JetSpec): number {
  return 1 + spec.dirs.length + spec.pairs.length + (spec.laplacian ? 1 : 0);
}

/** Highest derivative order the spec carries: 0, 1 or 2. */
export function jetOrder(spec: JetSpec): number {
  if (spec.pairs.length > 0 || spec.laplacian) return 2;
  return spec.dirs.length > 0 ? 1 : 0;
}

/** A cache key for plans. */
export function specKey(spec: JetSpec): string {
  return `${spec.dirs.join(',')}|${spec.pairs.map(([a, b]) => `${a}:${b}`).join(',')}|${spec.laplacian ? 1 : 0}`;
}

function all(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function diagPairs(n: number): [number, number][] {
  return all(n).map((i) => [i, i] as [number, number]);
}

function fullPairs(n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) out.push([i, j]);
  return out;
}

/** The index of pair (i, j) (any order) in spec.pairs, or -1. */
export function pairIndex(spec: JetSpec, i: number, j: number): number {
  const a = Math.min(i, j),
    b = Math.max(i, j);
  return spec.pairs.findIndex(([p, q]) => spec.dirs[p] === a && spec.dirs[q] === b);
}

/** Builds a spec from an evaluate/forward request on a network with n inputs. */
export function specFromRequest(n: number, request: JetRequest | undefined, argument: string): JetSpec {
  if (request !== undefined && (typeof request !== 'object' || request === null || Array.isArray(request))) {
    throw new JetfitError(
      `${argument}: expected an options object like { jacobian: true, hessian: 'laplacian' }, got ${describe(request)}`,
    );
  }
  const r = request ?? {};
  checkKeys(r, ['jacobian', 'hessian', 'laplacian'], argument);
  const h = r.hessian;
  if (h !== undefined && h !== 'diag' && h !== 'full' && h !== 'laplacian') {
    throw new JetfitError(`${argument}.hessian: expected 'diag', 'full' or 'laplacian', got ${quoted(h)}`);
  }
  const jacobian = checkBoolean(r.jacobian, `${argument}.jacobian`);
  const lap = h === 'laplacian' || checkBoolean(r.laplacian, `${argument}.laplacian`);
  const first = jacobian || h !== undefined || lap;
  if (!first) return { dirs: [], pairs: [], laplacian: false };
  const pairs = h === 'full' ? fullPairs(n) : h === 'diag' ? diagPairs(n) : [];
  // With Hessian pairs on the diagonal the Laplacian is their sum: no extra block.
  return { dirs: all(n), pairs, laplacian: lap && pairs.length === 0 };
}

/** Cotangents on the output jet components (each flat, row-major; see Mlp.gradients). */
export interface Cotangents {
  /** d loss / d y, [B][m] */
  y?: ArrayLike<number>;
  /** d loss / d jacobian, [B][m][n] */
  jacobian?: ArrayLike<number>;
  /** d loss / d laplacian, [B][m] */
  laplacian?: ArrayLike<number>;
  /** d loss / d hessianDiag, [B][m][n] */
  hessianDiag?: ArrayLike<number>;
  /** d loss / d hessian, [B][m][n][n] */
  hessian?: ArrayLike<number>;
}

const COTANGENT_KEYS = ['y', 'jacobian', 'laplacian', 'hessianDiag', 'hessian'] as const;

/** The keys of a cotangent object that are set, after checking there are no unknown ones. */
export function cotangentKeys(c: Cotangents, argument: string): (typeof COTANGENT_KEYS)[number][] {
  if (typeof c !== 'object' || c === null) {
    throw new JetfitError(
      `${argument}: expected an object of cotangents like { y, jacobian, laplacian }, got ${c === null ? 'null' : typeof c}`,
    );
  }
  for (const key of Object.keys(c)) {
    if (!(COTANGENT_KEYS as readonly string[]).includes(key)) {
      throw new JetfitError(`${argument}: unknown cotangent ${JSON.stringify(key)}; expected ${COTANGENT_KEYS.join(', ')}`);
    }
  }
  const keys = COTANGENT_KEYS.filter((k) => c[k] !== undefined);
  if (keys.length === 0) throw new JetfitError(`${argument}: no cotangents given; expected at least one of ${COTANGENT_KEYS.join(', ')}`);
  return keys;
}

/** The smallest spec whose backward pass can take these cotangents. */
export function specFromCotangents(n: number, c: Cotangents, argument: string): JetSpec {
  cotangentKeys(c, argument);
  if (c.hessian !== undefined) return { dirs: all(n), pairs: fullPairs(n), laplacian: false };
  if (c.hessianDiag !== undefined) return { dirs: all(n), pairs: diagPairs(n), laplacian: false };
  if (c.laplacian !== undefined) return { dirs: all(n), pairs: [], laplacian: true };
  if (c.jacobian !== undefined) return { dirs: all(n), pairs: [], laplacian: false };
  return { dirs: [], pairs: [], laplacian: false };
}

/** What the cotangents refer to that a forward pass with `spec` did not compute, and how to ask for it; or null. */
export function missingFor(spec: JetSpec, n: number, c: Cotangents): { what: string; request: string } | null {
  const hasDirs = spec.dirs.length === n;
  const hasDiag = all(n).every((i) => pairIndex(spec, i, i) >= 0);
  const hasFull = hasDiag && spec.pairs.length === (n * (n + 1)) / 2;
  if (c.jacobian !== undefined && !hasDirs) return { what: 'the Jacobian', request: '{ jacobian: true }' };
  if (c.hessian !== undefined && !hasFull) return { what: 'the full Hessian', request: "{ hessian: 'full' }" };
  if (c.hessianDiag !== undefined && !hasDiag) return { what: 'the Hessian diagonal', request: "{ hessian: 'diag' }" };
  if (c.laplacian !== undefined && !spec.laplacian && !hasDiag) return { what: 'the Laplacian', request: "{ hessian: 'laplacian' }" };
  return null;
}

/**
 * Checks cotangents against a pass of `spec` over B points of a network with m outputs and
 * n inputs: known keys, components the pass computed, lengths, finite values (within
 * float32's range for a float32 network). Nothing is written.
 */
export function checkCotangents(spec: JetSpec, B: number, m: number, n: number, c: Cotangents, float32: boolean): void {
  const keys = cotangentKeys(c, 'cotangents');
  const missing = missingFor(spec, n, c);
  if (missing) {
    throw new JetfitError(
      `cotangents: they refer to ${missing.what}, which this forward pass did not compute; forward with ${missing.request}`,
    );
  }
  const lengths: Record<string, [number, string]> = {
    y: [B * m, `[${B}][${m}]`],
    jacobian: [B * m * n, `[${B}][${m}][${n}]`],
    laplacian: [B * m, `[${B}][${m}]`],
    hessianDiag: [B * m * n, `[${B}][${m}][${n}]`],
    hessian: [B * m * n * n, `[${B}][${m}][${n}][${n}]`],
  };
  for (const k of keys) checkNumbers(c[k], lengths[k]![0], `cotangents.${k}`, lengths[k]![1], float32);
}
