// Reverse-mode autodiff over arrays (micrograd's idea, one array per node instead of one
// number): a loss expression is lowered once into a tape of elementwise primitives over
// the points of a batch; every training step replays it forward, then backward to get
// the cotangents of the network's jets. Each primitive is one typed-array loop; a scalar
// node (length 1) broadcasts against vectors. The primitives are one table
// (tape-primitives.ts).
//
// A tape can also run over one chunk of a larger batch (threads.md in docs/): its point
// side (everything up to and including the reductions) gives the chunk's share of each
// reduction; the shares, summed in chunk order, are the batch's reductions; its scalar
// side (arithmetic on reductions) then runs once, and its backward pass gives each
// reduction's adjoint, with which every chunk pulls its gradients back.
import type { UnaryFunction } from './functions.js';
import { PRIMITIVES, type Op, type Primitive, type Reducing } from './tape-primitives.js';
import { TapeNode } from './tape-node.js';

export { TapeNode } from './tape-node.js';

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
    this.reducing.count = B;
    for (const n of this.nodes) {
      const len = n.scalar ? 1 : B;
      n.value = new Float64Array(len);
      n.grad = new Float64Array(len);
    }
    for (const op of this.ops) if (op.kind === 'fn') op.scratch = new Float64Array(op.a.scalar ? 1 : B);
    for (const [n, x] of this.constants) n.value[0] = x;
  }

  /**
   * Makes this tape (sized for one chunk) a chunk of a batch of `count` points, the first
   * chunk when `first` (reductions of scalars are counted once, there); null: a whole batch.
   */
  chunkOf(count: number | null, first = true): void {
    this.reducing.count = count ?? this.size;
    this.reducing.scalars = first;
  }

  /** Replays the primitives in order. */
  forward(): void {
    this.replay(this.ops);
  }

  /**
   * Pulls d root / d node back to every node, `seed` being d loss / d root. For a per-point
   * root (a residual field) every point is seeded: each node's gradient at p is then
   * d(seed · root[p]) / d(its value at p), exact per point for the nodes the engine feeds
   * (every primitive but the reductions is elementwise; scalar nodes get the sum).
   */
  backward(root: TapeNode, seed: number): void {
    for (const n of this.nodes) n.grad.fill(0);
    root.grad.fill(seed);
    this.pullBack(this.ops);
  }

  // ---- a chunk of a batch: the point side, then the scalar side once per batch ----

  /** the reductions' output nodes, in tape order */
  get reductions(): readonly TapeNode[] {
    return this.split().reductions;
  }

  /** Runs the point side: the reductions get this chunk's share. */
  forwardPoints(): void {
    this.replay(this.split().points);
  }

  /** Sets the reductions to `values` (the batch's) and runs the scalar side; returns root's value. */
  forwardScalars(root: TapeNode, values: ArrayLike<number>): number {
    const s = this.split();
    s.reductions.forEach((n, k) => {
      n.value[0] = values[k]!;
    });
    this.replay(s.scalars);
    return root.value[0]!;
  }

  /** d(seed · root)/d(each reduction) into `out`, through the scalar side (run forwardScalars first). */
  adjoints(root: TapeNode, seed: number, out: Float64Array): void {
    const s = this.split();
    for (const n of this.nodes) if (n.scalar) n.grad.fill(0);
    root.grad[0] = seed;
    this.pullBack(s.scalars);
    s.reductions.forEach((n, k) => {
      out[k] = n.grad[0]!;
    });
  }

  /** Pulls the reductions' adjoints back through the point side (after forwardPoints). */
  backwardPoints(adjoints: ArrayLike<number>): void {
    const s = this.split();
    for (const n of this.nodes) n.grad.fill(0);
    s.reductions.forEach((n, k) => {
      n.grad[0] = adjoints[k]!;
    });
    this.pullBack(s.points);
  }

  private readonly reducing: Reducing = { count: 0, scalars: true };
  private sides: { points: Op[]; scalars: Op[]; reductions: TapeNode[] } | null = null;

  /** The ops on the point side (not depending on a reduction) and on the scalar side. */
  private split(): { points: Op[]; scalars: Op[]; reductions: TapeNode[] } {
    if (this.sides) return this.sides;
    const afterReduction = new Set<TapeNode>();
    const points: Op[] = [],
      scalars: Op[] = [],
      reductions: TapeNode[] = [];
    for (const op of this.ops) {
      const args = 'b' in op ? [op.a, op.b] : [op.a];
      if (op.kind === 'sum' || op.kind === 'mean') {
        points.push(op);
        reductions.push(op.out);
        afterReduction.add(op.out);
      } else if (args.some((a) => afterReduction.has(a))) {
        scalars.push(op);
        afterReduction.add(op.out);
      } else points.push(op);
    }
    this.sides = { points, scalars, reductions };
    return this.sides;
  }

  private replay(ops: readonly Op[]): void {
    const B = this.size,
      r = this.reducing;
    for (const op of ops) (PRIMITIVES[op.kind] as Primitive<Op>).forward(op, op.out.scalar ? 1 : B, B, r);
  }

  private pullBack(ops: readonly Op[]): void {
    const B = this.size,
      r = this.reducing;
    for (let k = ops.length - 1; k >= 0; k--) {
      const op = ops[k]!;
      (PRIMITIVES[op.kind] as Primitive<Op>).backward(op, op.out.scalar ? 1 : B, B, r);
    }
  }
}
