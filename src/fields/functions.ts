// Elementwise functions of the loss language, with their derivatives to third order:
// the jet rules need g' and g'' (a product through g'' of first derivatives), and the
// reverse pass of a g'' node needs g'''. Each is a typed-array loop (no per-point calls).

import { JetfitError } from '../base/errors.js';

/** A unary function family: apply(k, x, out, n) writes the k-th derivative (k = 0..3). */
export interface UnaryFunction {
  readonly name: string;
  apply(k: number, x: Float64Array, out: Float64Array, n: number): void;
  /** the k-th derivative at one number (constant folding) */
  at(k: number, x: number): number;
}

function family(
  name: string,
  at: (k: number, x: number) => number,
  loops?: ((x: Float64Array, out: Float64Array, n: number) => void)[],
): UnaryFunction {
  return {
    name,
    at,
    apply(k, x, out, n) {
      const loop = loops?.[k];
      if (loop) {
        loop(x, out, n);
        return;
      }
      for (let i = 0; i < n; i++) out[i] = at(k, x[i]!);
    },
  };
}

const SIN = [Math.sin, Math.cos, (x: number) => -Math.sin(x), (x: number) => -Math.cos(x)];

function tanhAt(k: number, x: number): number {
  const t = Math.tanh(x);
  const s = 1 - t * t;
  switch (k) {
    case 0:
      return t;
    case 1:
      return s;
    case 2:
      return -2 * t * s;
    default:
      return s * (6 * t * t - 2);
  }
}

/** The functions a Field can be mapped through. */
export const FUNCTIONS = {
  exp: family('exp', (_k, x) => Math.exp(x), [
    (x, o, n) => {
      for (let i = 0; i < n; i++) o[i] = Math.exp(x[i]!);
    },
  ]),
  log: family('log', (k, x) => (k === 0 ? Math.log(x) : k === 1 ? 1 / x : k === 2 ? -1 / (x * x) : 2 / (x * x * x))),
  sin: family('sin', (k, x) => SIN[k]!(x)),
  cos: family('cos', (k, x) => SIN[(k + 1) % 4]!(x)),
  tanh: family('tanh', tanhAt),
  abs: family('abs', (k, x) => (k === 0 ? Math.abs(x) : k === 1 ? Math.sign(x) : 0)),
  square: family('square', (k, x) => (k === 0 ? x * x : k === 1 ? 2 * x : k === 2 ? 2 : 0), [
    (x, o, n) => {
      for (let i = 0; i < n; i++) o[i] = x[i]! * x[i]!;
    },
    (x, o, n) => {
      for (let i = 0; i < n; i++) o[i] = 2 * x[i]!;
    },
  ]),
  recip: family('recip', (k, x) => (k === 0 ? 1 / x : k === 1 ? -1 / (x * x) : k === 2 ? 2 / (x * x * x) : -6 / (x * x * x * x))),
} as const;

/** x^p and its derivatives (sqrt is p = 1/2). */
export function power(p: number): UnaryFunction {
  const c = [1, p, p * (p - 1), p * (p - 1) * (p - 2)];
  return family(`pow(${p})`, (k, x) => (c[k] === 0 ? 0 : c[k]! * Math.pow(x, p - k)));
}

/** Huber's function with threshold delta: quadratic within delta, linear outside. */
export function huberFunction(delta: number): UnaryFunction {
  return family(`huber(${delta})`, (k, x) => {
    const a = Math.abs(x);
    if (a <= delta) return k === 0 ? 0.5 * x * x : k === 1 ? x : k === 2 ? 1 : 0;
    return k === 0 ? delta * (a - 0.5 * delta) : k === 1 ? delta * Math.sign(x) : 0;
  });
}

/** A unary function from its name ('sin', 'pow(0.5)', 'huber(1)'): how saved expressions name them. */
export function functionNamed(name: string, what: string): UnaryFunction {
  if (Object.hasOwn(FUNCTIONS, name)) return FUNCTIONS[name as keyof typeof FUNCTIONS];
  const m = /^(pow|huber)\((.+)\)$/.exec(name);
  const x = m ? Number(m[2]) : NaN;
  if (m && Number.isFinite(x) && (m[1] === 'pow' || x > 0)) return m[1] === 'pow' ? power(x) : huberFunction(x);
  if (m?.[1] === 'huber') throw new JetfitError(`${what}: '${name}': huber's delta must be a finite number > 0`);
  throw new JetfitError(`${what}: the function '${name}' cannot be saved (it is not one of jetfit's named functions)`);
}
