// Lowering a loss expression onto a tape. First the jet components each field node must
// carry are worked out from the top (a reduction needs values; d(i) of a field needs its
// i-th first derivative; a product needs the same components of both factors, ...),
// so the engine is asked for exactly the components the expression uses. Then every
// node's components are written as tape primitives by the product and chain rules, with
// constants folded (the derivative of x_i is 1 or 0 and costs nothing).
import { JetfitError } from '../base/errors.js';
import type { Component as JetComponent } from '../engine/component.js';
import type { JetSpec } from '../engine/jet-spec.js';
import type { Field, FieldNode, Loss, LossNode, Parameter } from './field.js';
import type { UnaryFunction } from './functions.js';
import { Tape, type TapeNode } from './tape.js';

/** A jet component: 'v' value, 'd3' ∂/∂x_3, 'p1,2' ∂²/∂x_1∂x_2, 'L' Laplacian. */
export type Component = string;
type Comp = number | TapeNode;

const pairKey = (i: number, j: number): Component => `p${Math.min(i, j)},${Math.max(i, j)}`;

/** The lowered loss of one term. */
export interface LoweredLoss {
  readonly tape: Tape;
  readonly root: TapeNode;
  /** network jets the tape reads (and whose cotangents it gives): output index, component */
  readonly outputs: { index: number; component: Component; jet: JetComponent; node: TapeNode }[];
  readonly coordinates: { index: number; node: TapeNode }[];
  readonly columns: { name: string; node: TapeNode }[];
  readonly parameters: { param: Parameter; node: TapeNode }[];
  /** what the engine must compute */
  readonly spec: JetSpec;
}

function thirdOrder(term: string): JetfitError {
  return new JetfitError(
    `loss of term '${term}': this expression needs third derivatives of the network ` +
      '(a derivative of a second derivative or of a Laplacian); jetfit computes derivatives up to second order',
  );
}

/** Lowers `loss` (built on fields of one term) onto a new tape. */
export function lower(loss: Loss, term: string, inputs: number): LoweredLoss {
  const need = new Map<FieldNode, Set<Component>>();
  const order: FieldNode[] = [];
  const seen = new Set<FieldNode>();
  const all = Array.from({ length: inputs }, (_, i) => i);

  // Topological order of the field nodes (children first).
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
  const want = (n: FieldNode, c: Component): void => {
    let s = need.get(n);
    if (!s) {
      s = new Set();
      need.set(n, s);
    }
    s.add(c);
  };
  for (const f of reductions) want(f.node, 'v');

  // What a component of a product or a function of a field needs from its argument(s).
  const chainNeeds = (c: Component): Component[] => {
    if (c === 'v') return ['v'];
    if (c === 'L') return ['v', 'L', ...all.map((i) => `d${i}`)];
    if (c.startsWith('d')) return ['v', c];
    const [i, j] = c.slice(1).split(',').map(Number) as [number, number];
    return ['v', `d${i}`, `d${j}`, c];
  };
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k]!;
    const req = need.get(n);
    if (!req) continue;
    for (const c of req) {
      switch (n.kind) {
        case 'add':
        case 'sub':
          want(n.a, c);
          want(n.b, c);
          break;
        case 'mul':
          for (const x of chainNeeds(c)) {
            want(n.a, x);
            want(n.b, x);
          }
          break;
        case 'unary':
          for (const x of chainNeeds(c)) want(n.a, x);
          break;
        case 'd':
          if (c === 'v') want(n.a, `d${n.i}`);
          else if (c.startsWith('d')) want(n.a, pairKey(n.i, Number(c.slice(1))));
          else throw thirdOrder(term);
          break;
        case 'd2':
          if (c !== 'v') throw thirdOrder(term);
          want(n.a, pairKey(n.i, n.j));
          break;
        case 'laplacian':
          if (c !== 'v') throw thirdOrder(term);
          want(n.a, 'L');
          break;
        default:
          break;
      }
    }
  }

  // Lowering, children first.
  const tape = new Tape();
  const comps = new Map<FieldNode, Map<Component, Comp>>();
  const outputs: LoweredLoss['outputs'] = [];
  const coordinates = new Map<number, TapeNode>();
  const columns = new Map<string, TapeNode>();
  const parameters = new Map<Parameter, TapeNode>();

  const add = (a: Comp, b: Comp): Comp => {
    if (typeof a === 'number' && typeof b === 'number') return a + b;
    if (a === 0) return b;
    if (b === 0) return a;
    if (typeof a === 'number') return tape.shift(b as TapeNode, a);
    if (typeof b === 'number') return tape.shift(a, b);
    return tape.add(a, b);
  };
  const mul = (a: Comp, b: Comp): Comp => {
    if (typeof a === 'number' && typeof b === 'number') return a * b;
    if (a === 0 || b === 0) return 0;
    if (a === 1) return b;
    if (b === 1) return a;
    if (typeof a === 'number') return tape.scale(b as TapeNode, a);
    if (typeof b === 'number') return tape.scale(a, b);
    return tape.mul(a, b);
  };
  const sub = (a: Comp, b: Comp): Comp => add(a, mul(b, -1));
  const fn = (f: UnaryFunction, k: number, a: Comp): Comp => (typeof a === 'number' ? f.at(k, a) : tape.fn(f, k, a));

  for (const n of order) {
    const req = need.get(n);
    if (!req) continue;
    const out = new Map<Component, Comp>();
    const get = (m: FieldNode, c: Component): Comp => comps.get(m)!.get(c)!;
    for (const c of req) {
      let v: Comp;
      switch (n.kind) {
        case 'output': {
          const node = tape.input(false, `u${n.index}.${c}`);
          outputs.push({ index: n.index, component: c, jet: parse(c), node });
          v = node;
          break;
        }
        case 'coordinate':
          if (c === 'v') {
            let node = coordinates.get(n.index);
            if (!node) {
              node = tape.input(false, `x${n.index}`);
              coordinates.set(n.index, node);
            }
            v = node;
          } else v = c === `d${n.index}` ? 1 : 0;
          break;
        case 'column':
          if (c === 'v') {
            let node = columns.get(n.name);
            if (!node) {
              node = tape.input(false, n.name);
              columns.set(n.name, node);
            }
            v = node;
          } else v = 0;
          break;
        case 'parameter':
          if (c === 'v') {
            let node = parameters.get(n.param);
            if (!node) {
              node = tape.input(true, n.param.name);
              parameters.set(n.param, node);
            }
            v = node;
          } else v = 0;
          break;
        case 'constant':
          v = c === 'v' ? n.value : 0;
          break;
        case 'add':
          v = add(get(n.a, c), get(n.b, c));
          break;
        case 'sub':
          v = sub(get(n.a, c), get(n.b, c));
          break;
        case 'mul': {
          const a = (x: Component): Comp => get(n.a, x),
            b = (x: Component): Comp => get(n.b, x);
          if (c === 'v') v = mul(a('v'), b('v'));
          else if (c === 'L') {
            v = add(mul(a('L'), b('v')), mul(a('v'), b('L')));
            for (const i of all) v = add(v, mul(2, mul(a(`d${i}`), b(`d${i}`))));
          } else if (c.startsWith('d')) v = add(mul(a(c), b('v')), mul(a('v'), b(c)));
          else {
            const [i, j] = c.slice(1).split(',').map(Number) as [number, number];
            v = add(add(mul(a(c), b('v')), mul(a('v'), b(c))), add(mul(a(`d${i}`), b(`d${j}`)), mul(a(`d${j}`), b(`d${i}`))));
          }
          break;
        }
        case 'unary': {
          const x = (k: Component): Comp => get(n.a, k);
          if (c === 'v') v = fn(n.f, 0, x('v'));
          else if (c === 'L') {
            let sq: Comp = 0;
            for (const i of all) sq = add(sq, mul(x(`d${i}`), x(`d${i}`)));
            v = add(mul(fn(n.f, 2, x('v')), sq), mul(fn(n.f, 1, x('v')), x('L')));
          } else if (c.startsWith('d')) v = mul(fn(n.f, 1, x('v')), x(c));
          else {
            const [i, j] = c.slice(1).split(',').map(Number) as [number, number];
            v = add(mul(fn(n.f, 2, x('v')), mul(x(`d${i}`), x(`d${j}`))), mul(fn(n.f, 1, x('v')), x(c)));
          }
          break;
        }
        case 'd':
          v = c === 'v' ? get(n.a, `d${n.i}`) : get(n.a, pairKey(n.i, Number(c.slice(1))));
          break;
        case 'd2':
          v = get(n.a, pairKey(n.i, n.j));
          break;
        case 'laplacian':
          v = get(n.a, 'L');
          break;
      }
      out.set(c, v);
    }
    comps.set(n, out);
  }

  // The scalar part.
  const lowerLoss = (n: LossNode): Comp => {
    switch (n.kind) {
      case 'constant':
        return n.value;
      case 'mean':
      case 'sum': {
        const v = comps.get(n.field.node)!.get('v')!;
        if (typeof v === 'number') {
          if (n.kind === 'mean') return v;
          throw new JetfitError(`loss of term '${term}': the sum of a constant field depends on the batch size; write it as a mean`);
        }
        return n.kind === 'mean' ? tape.mean(v) : tape.sum(v);
      }
      case 'add':
        return add(lowerLoss(n.a), lowerLoss(n.b));
      case 'sub':
        return sub(lowerLoss(n.a), lowerLoss(n.b));
      case 'mul':
        return mul(lowerLoss(n.a), lowerLoss(n.b));
      case 'div': {
        const a = lowerLoss(n.a),
          b = lowerLoss(n.b);
        if (typeof b === 'number') return mul(a, 1 / b);
        return tape.div(typeof a === 'number' ? tape.constant(a) : a, b);
      }
    }
  };
  let root = lowerLoss(loss.node);
  if (typeof root === 'number') root = tape.constant(root);
  const lowered: LoweredLoss = {
    tape,
    root,
    outputs,
    coordinates: [...coordinates].map(([index, node]) => ({ index, node })),
    columns: [...columns].map(([name, node]) => ({ name, node })),
    parameters: [...parameters].map(([param, node]) => ({ param, node })),
    spec: specFor(
      outputs.map((o) => o.component),
      inputs,
    ),
  };
  return lowered;
}

/** The engine request for a set of output components. */
function specFor(components: Component[], n: number): JetSpec {
  const laplacian = components.includes('L');
  const dirSet = new Set<number>();
  const pairs: [number, number][] = [];
  for (const c of components) {
    if (c.startsWith('d')) dirSet.add(Number(c.slice(1)));
    else if (c.startsWith('p')) {
      const [i, j] = c.slice(1).split(',').map(Number) as [number, number];
      dirSet.add(i);
      dirSet.add(j);
      pairs.push([i, j]);
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

/** The engine's form of a component string. */
function parse(c: Component): JetComponent {
  if (c === 'v') return { kind: 'value' };
  if (c === 'L') return { kind: 'laplacian' };
  if (c.startsWith('d')) return { kind: 'd', i: Number(c.slice(1)) };
  const [i, j] = c.slice(1).split(',').map(Number) as [number, number];
  return { kind: 'pair', i, j };
}
