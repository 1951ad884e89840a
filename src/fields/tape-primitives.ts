// The tape's primitives: one table, each primitive's forward rule right above its
// backward rule (a primitive without both is a compile error). Each is one typed-array
// loop over the n values of its output; a scalar argument (length 1) broadcasts.
// Reductions read `Reducing`: a tape over one chunk of a larger batch gives its share of
// the batch's reduction (docs/threads.md), a whole batch the reduction itself.
import type { UnaryFunction } from './functions.js';
import type { TapeNode } from './tape-node.js';

/** How reductions count: over `count` points; scalar arguments only where `scalars` (the first chunk). */
export interface Reducing {
  count: number;
  scalars: boolean;
}

export type Binary = { a: TapeNode; b: TapeNode; out: TapeNode };
export type Op =
  | ({ kind: 'add' | 'sub' | 'mul' | 'div' } & Binary)
  | { kind: 'scale' | 'shift'; a: TapeNode; c: number; out: TapeNode }
  | { kind: 'fn'; f: UnaryFunction; k: number; a: TapeNode; out: TapeNode; scratch: Float64Array }
  | { kind: 'sum' | 'mean'; a: TapeNode; out: TapeNode };

/** A primitive: out from its arguments (n = out's length), and the arguments' gradients from out's (B points). */
export interface Primitive<O> {
  forward(op: O, n: number, B: number, r: Reducing): void;
  backward(op: O, n: number, B: number, r: Reducing): void;
}

/** Strides of a binary op's arguments: 0 for a scalar (broadcast), 1 for a vector. */
const strides = (op: Binary): [number, number] => [op.a.scalar ? 0 : 1, op.b.scalar ? 0 : 1];

export const PRIMITIVES: { [K in Op['kind']]: Primitive<Op & { kind: K }> } = {
  add: {
    forward(op, n) {
      const o = op.out.value,
        a = op.a.value,
        b = op.b.value,
        [sa, sb] = strides(op);
      for (let i = 0; i < n; i++) o[i] = a[i * sa]! + b[i * sb]!;
    },
    backward(op, n) {
      const g = op.out.grad,
        ga = op.a.grad,
        gb = op.b.grad,
        [sa, sb] = strides(op);
      for (let i = 0; i < n; i++) {
        ga[i * sa]! += g[i]!;
        gb[i * sb]! += g[i]!;
      }
    },
  },
  sub: {
    forward(op, n) {
      const o = op.out.value,
        a = op.a.value,
        b = op.b.value,
        [sa, sb] = strides(op);
      for (let i = 0; i < n; i++) o[i] = a[i * sa]! - b[i * sb]!;
    },
    backward(op, n) {
      const g = op.out.grad,
        ga = op.a.grad,
        gb = op.b.grad,
        [sa, sb] = strides(op);
      for (let i = 0; i < n; i++) {
        ga[i * sa]! += g[i]!;
        gb[i * sb]! -= g[i]!;
      }
    },
  },
  mul: {
    forward(op, n) {
      const o = op.out.value,
        a = op.a.value,
        b = op.b.value,
        [sa, sb] = strides(op);
      for (let i = 0; i < n; i++) o[i] = a[i * sa]! * b[i * sb]!;
    },
    backward(op, n) {
      const g = op.out.grad,
        a = op.a.value,
        b = op.b.value,
        ga = op.a.grad,
        gb = op.b.grad,
        [sa, sb] = strides(op);
      for (let i = 0; i < n; i++) {
        ga[i * sa]! += g[i]! * b[i * sb]!;
        gb[i * sb]! += g[i]! * a[i * sa]!;
      }
    },
  },
  div: {
    forward(op, n) {
      const o = op.out.value,
        a = op.a.value,
        b = op.b.value,
        [sa, sb] = strides(op);
      for (let i = 0; i < n; i++) o[i] = a[i * sa]! / b[i * sb]!;
    },
    backward(op, n) {
      const g = op.out.grad,
        a = op.a.value,
        b = op.b.value,
        ga = op.a.grad,
        gb = op.b.grad,
        [sa, sb] = strides(op);
      for (let i = 0; i < n; i++) {
        const q = g[i]! / b[i * sb]!;
        ga[i * sa]! += q;
        gb[i * sb]! -= (q * a[i * sa]!) / b[i * sb]!;
      }
    },
  },
  scale: {
    forward(op, n) {
      const o = op.out.value,
        a = op.a.value,
        c = op.c;
      for (let i = 0; i < n; i++) o[i] = a[i]! * c;
    },
    backward(op, n) {
      const g = op.out.grad,
        ga = op.a.grad,
        c = op.c;
      for (let i = 0; i < n; i++) ga[i]! += g[i]! * c;
    },
  },
  shift: {
    forward(op, n) {
      const o = op.out.value,
        a = op.a.value,
        c = op.c;
      for (let i = 0; i < n; i++) o[i] = a[i]! + c;
    },
    backward(op, n) {
      const g = op.out.grad,
        ga = op.a.grad;
      for (let i = 0; i < n; i++) ga[i]! += g[i]!;
    },
  },
  // the k-th derivative of f; its backward needs the (k + 1)-th
  fn: {
    forward(op, n) {
      op.f.apply(op.k, op.a.value, op.out.value, n);
    },
    backward(op, n) {
      const g = op.out.grad,
        d = op.scratch,
        ga = op.a.grad;
      op.f.apply(op.k + 1, op.a.value, d, n);
      for (let i = 0; i < n; i++) ga[i]! += g[i]! * d[i]!;
    },
  },
  sum: {
    forward(op, _n, B, r) {
      op.out.value[0] = op.a.scalar && !r.scalars ? 0 : total(op.a, B);
    },
    backward(op, _n, B, r) {
      if (!op.a.scalar || r.scalars) spread(op.a, op.out.grad[0]!, B);
    },
  },
  mean: {
    forward(op, _n, B, r) {
      if (op.a.scalar) op.out.value[0] = r.scalars ? op.a.value[0]! : 0;
      else op.out.value[0] = total(op.a, B) / r.count;
    },
    backward(op, _n, B, r) {
      if (op.a.scalar) {
        if (r.scalars) op.a.grad[0]! += op.out.grad[0]!;
      } else spread(op.a, op.out.grad[0]! / r.count, B);
    },
  },
};

function total(a: TapeNode, B: number): number {
  const v = a.value,
    m = a.scalar ? 1 : B;
  let s = 0;
  for (let i = 0; i < m; i++) s += v[i]!;
  return s;
}

function spread(a: TapeNode, g: number, B: number): void {
  const ga = a.grad,
    m = a.scalar ? 1 : B;
  for (let i = 0; i < m; i++) ga[i]! += g;
}
