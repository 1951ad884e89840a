// Reverse-mode autodiff over arrays (micrograd's idea, one array per node instead of one
// number): a loss expression is lowered once into a tape of elementwise primitives over
// the points of a batch; every training step replays it forward, then backward to get
// the cotangents of the network's jets. Each primitive is one typed-array loop; a scalar
// node (length 1) broadcasts against vectors. The primitives are one table (PRIMITIVES),
// each with its forward rule right above its backward rule; a primitive without both is
// a compile error.
import type { UnaryFunction } from './functions.js';

/** One array of the tape: length B (per point) or 1 (a scalar). */
export class TapeNode {
  value: Float64Array = new Float64Array(0);
  grad: Float64Array = new Float64Array(0);
  constructor(
    readonly id: number,
    readonly scalar: boolean,
    readonly label: string,
  ) {}
}

type Binary = { a: TapeNode; b: TapeNode; out: TapeNode };
type Op =
  | ({ kind: 'add' | 'sub' | 'mul' | 'div' } & Binary)
  | { kind: 'scale' | 'shift'; a: TapeNode; c: number; out: TapeNode }
  | { kind: 'fn'; f: UnaryFunction; k: number; a: TapeNode; out: TapeNode; scratch: Float64Array }
  | { kind: 'sum' | 'mean'; a: TapeNode; out: TapeNode };

/** A primitive: out from its arguments (n = out's length), and the arguments' gradients from out's (B points). */
interface Primitive<O> {
  forward(op: O, n: number, B: number): void;
  backward(op: O, n: number, B: number): void;
}

/** Strides of a binary op's arguments: 0 for a scalar (broadcast), 1 for a vector. */
const strides = (op: Binary): [number, number] => [op.a.scalar ? 0 : 1, op.b.scalar ? 0 : 1];

const PRIMITIVES: { [K in Op['kind']]: Primitive<Op & { kind: K }> } = {
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
    forward(op, _n, B) {
      op.out.value[0] = total(op.a, B);
    },
    backward(op, _n, B) {
      spread(op.a, op.out.grad[0]!, B);
    },
  },
  mean: {
    forward(op, _n, B) {
      const m = op.a.scalar ? 1 : B;
      op.out.value[0] = total(op.a, B) / m;
    },
    backward(op, _n, B) {
      const m = op.a.scalar ? 1 : B;
      spread(op.a, op.out.grad[0]! / m, B);
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

/** A recorded computation over the points of one batch size. */
export class Tape {
  readonly nodes: TapeNode[] = [];
  private readonly ops: Op[] = [];
  private readonly constants: [TapeNode, number][] = [];
  private size = 0;

  private node(scalar: boolean, label: string): TapeNode {
    const n = new TapeNode(this.nodes.length, scalar, label);
    this.nodes.push(n);
    return n;
  }

  /** A scalar node holding a constant (kept through resize). */
  constant(x: number): TapeNode {
    const n = this.node(true, `${x}`);
    this.constants.push([n, x]);
    return n;
  }

  /** A node whose value is written from outside before each forward pass. */
  input(scalar: boolean, label: string): TapeNode {
    return this.node(scalar, label);
  }

  private binary(kind: 'add' | 'sub' | 'mul' | 'div', a: TapeNode, b: TapeNode): TapeNode {
    const out = this.node(a.scalar && b.scalar, kind);
    this.ops.push({ kind, a, b, out });
    return out;
  }

  add(a: TapeNode, b: TapeNode): TapeNode {
    return this.binary('add', a, b);
  }
  sub(a: TapeNode, b: TapeNode): TapeNode {
    return this.binary('sub', a, b);
  }
  mul(a: TapeNode, b: TapeNode): TapeNode {
    return this.binary('mul', a, b);
  }
  div(a: TapeNode, b: TapeNode): TapeNode {
    return this.binary('div', a, b);
  }

  /** a · c for a constant c */
  scale(a: TapeNode, c: number): TapeNode {
    const out = this.node(a.scalar, 'scale');
    this.ops.push({ kind: 'scale', a, c, out });
    return out;
  }

  /** a + c for a constant c */
  shift(a: TapeNode, c: number): TapeNode {
    const out = this.node(a.scalar, 'shift');
    this.ops.push({ kind: 'shift', a, c, out });
    return out;
  }

  /** the k-th derivative of f at a */
  fn(f: UnaryFunction, k: number, a: TapeNode): TapeNode {
    const out = this.node(a.scalar, `${f.name}^(${k})`);
    this.ops.push({ kind: 'fn', f, k, a, out, scratch: new Float64Array(0) });
    return out;
  }

  /** Σ over points (a scalar) */
  sum(a: TapeNode): TapeNode {
    const out = this.node(true, 'sum');
    this.ops.push({ kind: 'sum', a, out });
    return out;
  }

  /** the mean over points (a scalar) */
  mean(a: TapeNode): TapeNode {
    const out = this.node(true, 'mean');
    this.ops.push({ kind: 'mean', a, out });
    return out;
  }

  /** Allocates every array for batches of B points (once per batch size). */
  resize(B: number): void {
    if (B === this.size) return;
    this.size = B;
    for (const n of this.nodes) {
      const len = n.scalar ? 1 : B;
      n.value = new Float64Array(len);
      n.grad = new Float64Array(len);
    }
    for (const op of this.ops) if (op.kind === 'fn') op.scratch = new Float64Array(op.a.scalar ? 1 : B);
    for (const [n, x] of this.constants) n.value[0] = x;
  }

  /** Replays the primitives in order. */
  forward(): void {
    const B = this.size;
    for (const op of this.ops) (PRIMITIVES[op.kind] as Primitive<Op>).forward(op, op.out.scalar ? 1 : B, B);
  }

  /**
   * Pulls d root / d node back to every node, `seed` being d loss / d root. For a per-point
   * root (a residual field) every point is seeded: each node's gradient at p is then
   * d(seed · root[p]) / d(its value at p), exact per point for the nodes the engine feeds
   * (every primitive but the reductions is elementwise; scalar nodes get the sum).
   */
  backward(root: TapeNode, seed: number): void {
    const B = this.size;
    for (const n of this.nodes) n.grad.fill(0);
    root.grad.fill(seed);
    for (let k = this.ops.length - 1; k >= 0; k--) {
      const op = this.ops[k]!;
      (PRIMITIVES[op.kind] as Primitive<Op>).backward(op, op.out.scalar ? 1 : B, B);
    }
  }
}
