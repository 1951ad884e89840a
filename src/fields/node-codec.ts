// Field expressions as plain data, one rule per node kind: how it is written and, right
// under it, how it is read back. Two containers use the rules: a nested form for the
// saved output and input maps (`['mul', ['x', 0], ['u', 0]]`, constants as bare numbers,
// functions by name: the format of saved documents), and a table for the saved loss that
// the threads rebuild (saved-loss.ts: each node one entry, its children by entry index, so
// a shared sub-expression stays shared). The table is typed by FieldNode's kinds, so a
// kind without a rule does not compile.
import { show } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { FieldNode, Parameter } from './field.js';
import { functionNamed } from './functions.js';

/** A saved field expression (or, in a table, one entry). */
export type Saved = number | string | Saved[];

/** What writing a node needs from its container. */
export interface Encoder {
  /** a child node's saved form (nested: the node itself; table: its entry index) */
  child(n: FieldNode): Saved;
  /** a trainable scalar's index (only the saved loss holds them) */
  parameter(p: Parameter): number;
}

/** What reading a node needs from its container. */
export interface Decoder {
  /** a child from its saved form */
  child(s: unknown): FieldNode;
  /** the trainable scalar of an index */
  parameter(k: number): Parameter;
  /** names the document in messages */
  readonly what: string;
}

type NodeOf<K extends FieldNode['kind']> = Extract<FieldNode, { kind: K }>;

interface Rule<K extends FieldNode['kind']> {
  /** the saved form's tag; null when the form carries none of its own (constants, functions) */
  readonly tag: string | null;
  encode(n: NodeOf<K>, e: Encoder): Saved;
  /** the node from its saved form's fields after the tag */
  decode(args: readonly unknown[], d: Decoder): NodeOf<K>;
}

function index(v: unknown, d: Decoder): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new JetfitError(`${d.what}: bad index ${show(v)}`);
  return v;
}

function binary<K extends 'add' | 'sub' | 'mul'>(kind: K): Rule<K> {
  return {
    tag: kind,
    encode: (n, e) => {
      const { a, b } = n as NodeOf<'add' | 'sub' | 'mul'>;
      return [kind, e.child(a), e.child(b)];
    },
    decode: ([a, b], d) => ({ kind, a: d.child(a), b: d.child(b) }) as NodeOf<K>,
  };
}

const RULES: { [K in FieldNode['kind']]: Rule<K> } = {
  output: {
    tag: 'u',
    encode: (n) => (n.at === undefined ? ['u', n.index] : ['u', n.index, n.at]),
    decode: ([i, at], d) =>
      at === undefined ? { kind: 'output', index: index(i, d) } : { kind: 'output', index: index(i, d), at: index(at, d) },
  },
  coordinate: {
    tag: 'x',
    encode: (n) => ['x', n.index],
    decode: ([i], d) => ({ kind: 'coordinate', index: index(i, d) }),
  },
  column: {
    tag: 'column',
    encode: (n) => ['column', n.name],
    decode: ([name], d) => {
      if (typeof name !== 'string') throw new JetfitError(`${d.what}: a data column's name must be a string, got ${show(name)}`);
      return { kind: 'column', name };
    },
  },
  parameter: {
    tag: 'parameter',
    encode: (n, e) => ['parameter', e.parameter(n.param)],
    decode: ([k], d) => ({ kind: 'parameter', param: d.parameter(index(k, d)) }),
  },
  constant: {
    tag: null,
    encode: (n) => n.value,
    decode: ([v]) => ({ kind: 'constant', value: v as number }),
  },
  unary: {
    tag: null,
    encode: (n, e) => [n.f.name, e.child(n.a)],
    decode: ([name, a], d) => ({ kind: 'unary', f: functionNamed(String(name), d.what), a: d.child(a) }),
  },
  d: {
    tag: 'd',
    encode: (n, e) => ['d', n.i, e.child(n.a)],
    decode: ([i, a], d) => ({ kind: 'd', i: index(i, d), a: d.child(a) }),
  },
  d2: {
    tag: 'd2',
    encode: (n, e) => ['d2', n.i, n.j, e.child(n.a)],
    decode: ([i, j, a], d) => ({ kind: 'd2', i: index(i, d), j: index(j, d), a: d.child(a) }),
  },
  laplacian: {
    tag: 'laplacian',
    encode: (n, e) => ['laplacian', e.child(n.a)],
    decode: ([a], d) => ({ kind: 'laplacian', a: d.child(a) }),
  },
  add: binary('add'),
  sub: binary('sub'),
  mul: binary('mul'),
};

const BY_TAG = new Map<string, Rule<FieldNode['kind']>>(
  Object.values(RULES)
    .filter((r) => r.tag !== null)
    .map((r) => [r.tag!, r as Rule<FieldNode['kind']>]),
);

/** One node written, its children through the encoder. */
export function encodeNode(n: FieldNode, e: Encoder): Saved {
  return (RULES[n.kind] as Rule<FieldNode['kind']>).encode(n, e);
}

/** One node read: a bare number is a constant, a tagged array its kind, any other name a function. */
export function decodeNode(s: unknown, d: Decoder): FieldNode {
  if (typeof s === 'number') {
    if (!Number.isFinite(s)) throw new JetfitError(`${d.what}: a constant must be finite, got ${s}`);
    return RULES.constant.decode([s], d);
  }
  if (!Array.isArray(s) || typeof s[0] !== 'string') throw new JetfitError(`${d.what}: unreadable node ${show(s)}`);
  const [tag, ...args] = s as [string, ...unknown[]];
  const rule = BY_TAG.get(tag);
  const node = rule ? rule.decode(args, d) : RULES.unary.decode([tag, ...args], d);
  // a node with fields its kind does not have would load as something other than what is written
  const fields = (encodeNode(node, SHAPE) as unknown[]).length;
  if (s.length !== fields) throw new JetfitError(`${d.what}: the node ${show(s)} has ${s.length} entries; a '${tag}' node has ${fields}`);
  return node;
}

/** An encoder that writes a node's own entries only (children as 0): its saved form's length. */
const SHAPE: Encoder = { child: () => 0, parameter: () => 0 };

/** How deep a saved nested expression may go (deeper documents are refused, not read into a stack overflow). */
export const MAX_NESTING = 1000;

/** A field expression as nested data (the saved maps' format); refuses trainable scalars. */
export function saveNested(n: FieldNode): Saved {
  return encodeNode(n, {
    child: saveNested,
    parameter: (p) => {
      throw new JetfitError(`a saved map cannot hold the trainable scalar '${p.name}'`);
    },
  });
}

/** A field expression back from nested data; `what` names the document in messages. */
export function loadNested(s: unknown, what: string): FieldNode {
  const read = (v: unknown, depth: number): FieldNode => {
    if (depth > MAX_NESTING) throw new JetfitError(`${what}: the expression is nested more than ${MAX_NESTING} deep`);
    return decodeNode(v, {
      what,
      child: (c) => read(c, depth + 1),
      parameter: () => {
        throw new JetfitError(`${what}: a saved map cannot hold trainable scalars`);
      },
    });
  };
  return read(s, 0);
}
