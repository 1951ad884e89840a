// Lowering a loss expression onto a tape. First the jet components each field node must
// carry are worked out from the top (a reduction needs values; d(i) of a field needs its
// i-th first derivative; a product needs the same components of both factors, ...), so
// the engine is asked for exactly the components the expression uses. Then every node's
// components are written as tape primitives by the product and chain rules, with
// constants folded (the derivative of x_i is 1 or 0 and costs nothing).
//
// Each kind of field node is one entry of RULES: what its components need of its
// children, and how they are computed from them. A node kind without a rule is a compile
// error. Components are the engine's typed union (engine/component.ts).
import { JetfitError } from '../base/errors.js';
import { d, key, LAPLACIAN, pair, VALUE, type Component } from '../engine/component.js';
import type { JetSpec } from '../engine/jet-spec.js';
import type { Field, FieldNode, Loss, LossNode, Parameter } from './field.js';
import type { UnaryFunction } from './functions.js';
import { Tape, type TapeNode } from './tape.js';

/** A component's value: a constant (folded) or a tape node. */
type Comp = number | TapeNode;

/** The lowered loss of one term. */
export interface LoweredLoss {
  readonly tape: Tape;
  readonly root: TapeNode;
  /** network jets the tape reads (and whose cotangents it gives): output index, component */
  readonly outputs: { index: number; component: Component; node: TapeNode; at: number }[]; // at: 0 own points, k the k-th set
  readonly coordinates: { index: number; node: TapeNode }[];
  readonly columns: { name: string; node: TapeNode }[];
  readonly parameters: { param: Parameter; node: TapeNode }[];
  /** what the engine must compute */
  readonly spec: JetSpec;
  /** a field node's per-point values on the tape (a number when folded to a constant), if lowered */
  valueOf(n: FieldNode): TapeNode | number | undefined;
}

function thirdOrder(term: string): JetfitError {
  return new JetfitError(
    `loss of term '${term}': this expression needs third derivatives of the network ` +
      '(a derivative of a second derivative or of a Laplacian); jetfit computes derivatives up to second order',
  );
}

/** Tape arithmetic with constants folded, and the inputs of the tape (made on first use). */
class Builder {
  readonly tape = new Tape();
  readonly outputs: LoweredLoss['outputs'] = [];
  readonly coordinates = new Map<number, TapeNode>();
  readonly columns = new Map<string, TapeNode>();
  readonly parameters = new Map<Parameter, TapeNode>();
  readonly comps = new Map<FieldNode, Map<string, Comp>>();

  constructor(
    readonly all: readonly number[],
    readonly term: string,
  ) {}

  get(m: FieldNode, c: Component): Comp {
    return this.comps.get(m)!.get(key(c))!;
  }
  add(a: Comp, b: Comp): Comp {
    if (typeof a === 'number' && typeof b === 'number') return a + b;
    if (a === 0) return b;
    if (b === 0) return a;
    if (typeof a === 'number') return this.tape.shift(b as TapeNode, a);
    if (typeof b === 'number') return this.tape.shift(a, b);
    return this.tape.add(a, b);
  }
  mul(a: Comp, b: Comp): Comp {
    if (typeof a === 'number' && typeof b === 'number') return a * b;
    if (a === 0 || b === 0) return 0;
    if (a === 1) return b;
    if (b === 1) return a;
    if (typeof a === 'number') return this.tape.scale(b as TapeNode, a);
    if (typeof b === 'number') return this.tape.scale(a, b);
    return this.tape.mul(a, b);
  }
  sub(a: Comp, b: Comp): Comp {
    return this.add(a, this.mul(b, -1));
  }
  fn(f: UnaryFunction, k: number, a: Comp): Comp {
    return typeof a === 'number' ? f.at(k, a) : this.tape.fn(f, k, a);
  }
  /** a tape input read from outside each step, made once per key */
  input<K>(map: Map<K, TapeNode>, k: K, scalar: boolean, label: string): TapeNode {
    let node = map.get(k);
    if (!node) {
      node = this.tape.input(scalar, label);
      map.set(k, node);
    }
    return node;
  }
}

/** What component c of a function of x (g(x), or a product) needs of x: the chain and product rules' inputs. */
function chainNeeds(c: Component, all: readonly number[]): Component[] {
  switch (c.kind) {
    case 'value':
      return [VALUE];
    case 'laplacian':
      return [VALUE, LAPLACIAN, ...all.map(d)];
    case 'd':
      return [VALUE, c];
    case 'pair':
      return [VALUE, d(c.i), d(c.j), c];
  }
}

/** One kind of field node: what component c needs of its children, and how c is computed. */
interface Rule<N extends FieldNode> {
  needs(n: N, c: Component, b: Builder): [FieldNode, Component][];
  lower(n: N, c: Component, b: Builder): Comp;
}

const none = (): [FieldNode, Component][] => [];

const RULES: { [K in FieldNode['kind']]: Rule<Extract<FieldNode, { kind: K }>> } = {
  output: {
    needs: none,
    lower(n, c, b) {
      const node = b.tape.input(false, `u${n.index}${n.at ? `@${n.at}` : ''}.${key(c)}`);
      b.outputs.push({ index: n.index, component: c, node, at: n.at ?? 0 });
      return node;
    },
  },
  // ∂x_i/∂x_j = δ_ij: derivatives of a coordinate are constants
  coordinate: {
    needs: none,
    lower: (n, c, b) =>
      c.kind === 'value' ? b.input(b.coordinates, n.index, false, `x${n.index}`) : c.kind === 'd' && c.i === n.index ? 1 : 0,
  },
  // data columns and trainable scalars do not depend on x
  column: { needs: none, lower: (n, c, b) => (c.kind === 'value' ? b.input(b.columns, n.name, false, n.name) : 0) },
  parameter: { needs: none, lower: (n, c, b) => (c.kind === 'value' ? b.input(b.parameters, n.param, true, n.param.name) : 0) },
  constant: { needs: none, lower: (n, c) => (c.kind === 'value' ? n.value : 0) },
  add: {
    needs: (n, c) => [
      [n.a, c],
      [n.b, c],
    ],
    lower: (n, c, b) => b.add(b.get(n.a, c), b.get(n.b, c)),
  },
  sub: {
    needs: (n, c) => [
      [n.a, c],
      [n.b, c],
    ],
    lower: (n, c, b) => b.sub(b.get(n.a, c), b.get(n.b, c)),
  },
  // the product rule, to second order and for the Laplacian
  mul: {
    needs: (n, c, b) =>
      chainNeeds(c, b.all).flatMap((x): [FieldNode, Component][] => [
        [n.a, x],
        [n.b, x],
      ]),
    lower(n, c, b) {
      const x = (k: Component): Comp => b.get(n.a, k),
        y = (k: Component): Comp => b.get(n.b, k);
      switch (c.kind) {
        case 'value':
          return b.mul(x(VALUE), y(VALUE));
        case 'laplacian': {
          let v = b.add(b.mul(x(LAPLACIAN), y(VALUE)), b.mul(x(VALUE), y(LAPLACIAN)));
          for (const i of b.all) v = b.add(v, b.mul(2, b.mul(x(d(i)), y(d(i)))));
          return v;
        }
        case 'd':
          return b.add(b.mul(x(c), y(VALUE)), b.mul(x(VALUE), y(c)));
        case 'pair':
          return b.add(
            b.add(b.mul(x(c), y(VALUE)), b.mul(x(VALUE), y(c))),
            b.add(b.mul(x(d(c.i)), y(d(c.j))), b.mul(x(d(c.j)), y(d(c.i)))),
          );
      }
    },
  },
  // the chain rule through g: g' and g'' of the argument
  unary: {
    needs: (n, c, b) => chainNeeds(c, b.all).map((x): [FieldNode, Component] => [n.a, x]),
    lower(n, c, b) {
      const x = (k: Component): Comp => b.get(n.a, k);
      switch (c.kind) {
        case 'value':
          return b.fn(n.f, 0, x(VALUE));
        case 'laplacian': {
          let sq: Comp = 0;
          for (const i of b.all) sq = b.add(sq, b.mul(x(d(i)), x(d(i))));
          return b.add(b.mul(b.fn(n.f, 2, x(VALUE)), sq), b.mul(b.fn(n.f, 1, x(VALUE)), x(LAPLACIAN)));
        }
        case 'd':
          return b.mul(b.fn(n.f, 1, x(VALUE)), x(c));
        case 'pair':
          return b.add(b.mul(b.fn(n.f, 2, x(VALUE)), b.mul(x(d(c.i)), x(d(c.j)))), b.mul(b.fn(n.f, 1, x(VALUE)), x(c)));
      }
    },
  },
  // derivatives shift components up: the value of ∂_i a is a's d_i, its d_j is a's pair (i, j)
  d: {
    needs(n, c, b) {
      if (c.kind === 'value') return [[n.a, d(n.i)]];
      if (c.kind === 'd') return [[n.a, pair(n.i, c.i)]];
      throw thirdOrder(b.term);
    },
    lower: (n, c, b) => (c.kind === 'value' ? b.get(n.a, d(n.i)) : b.get(n.a, pair(n.i, (c as { i: number }).i))),
  },
  d2: {
    needs(n, c, b) {
      if (c.kind !== 'value') throw thirdOrder(b.term);
      return [[n.a, pair(n.i, n.j)]];
    },
    lower: (n, _c, b) => b.get(n.a, pair(n.i, n.j)),
  },
  laplacian: {
    needs(n, c, b) {
      if (c.kind !== 'value') throw thirdOrder(b.term);
      return [[n.a, LAPLACIAN]];
    },
    lower: (n, _c, b) => b.get(n.a, LAPLACIAN),
  },
};

/** The rule of a node's kind. */
const ruleOf = (n: FieldNode): Rule<FieldNode> => RULES[n.kind] as Rule<FieldNode>;

/** Lowers `loss` (built on fields of one term) onto a new tape. */
export function lower(loss: Loss, term: string, inputs: number): LoweredLoss {
  const b = new Builder(
    Array.from({ length: inputs }, (_, i) => i),
    term,
  );
  // Topological order of the field nodes (children first), and the fields reduced.
  const order: FieldNode[] = [];
  const seen = new Set<FieldNode>();
  const visit = (n: FieldNode): void => {
    if (seen.has(n)) return;
    seen.add(n);
    if ('a' in n) visit(n.a);
    if ('b' in n) visit(n.b);
    order.push(n);
  };
  const reductions: Field[] = [];
  const walkLoss = (n: LossNode): void => {
    switch (n.kind) {
      case 'mean':
      case 'sum':
        reductions.push(n.field);
        visit(n.field.node);
        break;
      case 'constant':
        break;
      default:
        walkLoss(n.a);
        walkLoss(n.b);
    }
  };
  walkLoss(loss.node);

  // What each node must carry, from the top down (insertion order is kept: it is the order of the tape).
  const need = new Map<FieldNode, Map<string, Component>>();
  const want = (n: FieldNode, c: Component): void => {
    let s = need.get(n);
    if (!s) {
      s = new Map();
      need.set(n, s);
    }
    if (!s.has(key(c))) s.set(key(c), c);
  };
  for (const f of reductions) want(f.node, VALUE);
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k]!;
    for (const c of need.get(n)?.values() ?? []) for (const [child, x] of ruleOf(n).needs(n, c, b)) want(child, x);
  }

  // Lowering, children first.
  for (const n of order) {
    const req = need.get(n);
    if (!req) continue;
    const out = new Map<string, Comp>();
    for (const [k, c] of req) out.set(k, ruleOf(n).lower(n, c, b));
    b.comps.set(n, out);
  }

  let root = lowerLoss(loss.node, b);
  if (typeof root === 'number') root = b.tape.constant(root);
  return {
    tape: b.tape,
    root,
    outputs: b.outputs,
    coordinates: [...b.coordinates].map(([index, node]) => ({ index, node })),
    columns: [...b.columns].map(([name, node]) => ({ name, node })),
    parameters: [...b.parameters].map(([param, node]) => ({ param, node })),
    spec: specFor(
      b.outputs.map((o) => o.component),
      inputs,
    ),
    valueOf: (n) => b.comps.get(n)?.get(key(VALUE)),
  };
}

/** The scalar part: reductions of lowered fields, and arithmetic on scalars. */
function lowerLoss(n: LossNode, b: Builder): Comp {
  switch (n.kind) {
    case 'constant':
      return n.value;
    case 'mean':
    case 'sum': {
      const v = b.get(n.field.node, VALUE);
      if (typeof v === 'number') {
        if (n.kind === 'mean') return v;
        throw new JetfitError(`loss of term '${b.term}': the sum of a constant field depends on the batch size; write it as a mean`);
      }
      return n.kind === 'mean' ? b.tape.mean(v) : b.tape.sum(v);
    }
    case 'add':
      return b.add(lowerLoss(n.a, b), lowerLoss(n.b, b));
    case 'sub':
      return b.sub(lowerLoss(n.a, b), lowerLoss(n.b, b));
    case 'mul':
      return b.mul(lowerLoss(n.a, b), lowerLoss(n.b, b));
    case 'div': {
      const x = lowerLoss(n.a, b),
        y = lowerLoss(n.b, b);
      if (typeof y === 'number') return b.mul(x, 1 / y);
      return b.tape.div(typeof x === 'number' ? b.tape.constant(x) : x, y);
    }
  }
}

/** The engine request for a set of output components. */
function specFor(components: Component[], n: number): JetSpec {
  const laplacian = components.some((c) => c.kind === 'laplacian');
  const dirSet = new Set<number>();
  const pairs: [number, number][] = [];
  for (const c of components) {
    if (c.kind === 'd') dirSet.add(c.i);
    else if (c.kind === 'pair') {
      dirSet.add(c.i);
      dirSet.add(c.j);
      pairs.push([c.i, c.j]);
    }
  }
  if (laplacian) for (let i = 0; i < n; i++) dirSet.add(i);
  const dirs = [...dirSet].sort((a, b) => a - b);
  const uniquePairs = [...new Map(pairs.map((p) => [`${p[0]},${p[1]}`, p])).values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return {
    dirs,
    pairs: uniquePairs.map(([i, j]) => [dirs.indexOf(i), dirs.indexOf(j)] as [number, number]),
    laplacian,
  };
}
