// A term's loss expression as plain data, for the threads that run its chunks: a table of
// nodes (each written by node-codec.ts's rules) in which a shared sub-expression stays one entry (lowering shares work by node
// identity, so a copy lowered from the table is the same tape, op for op), functions by
// name, trainable scalars by their index in the term's parameter list. Numbers travel by
// structured clone (postMessage), so every bit of a constant (−0 included) arrives.
import { JetfitError } from '../base/errors.js';
import { Field, Loss, type FieldContext, type Parameter, type FieldNode, type LossNode } from './field.js';
import { decodeNode, encodeNode, type Decoder, type Encoder, type Saved } from './node-codec.js';

type Entry = (string | number)[];

/** A loss expression as data (see saveLoss). */
export interface SavedLoss {
  /** field nodes, children by entry index (node-codec.ts's rules) */
  readonly fields: Saved[];
  readonly losses: Entry[];
  /** how many trainable scalars the expression uses */
  readonly parameters: number;
}

/** The expression's data, and its trainable scalars in the order the data numbers them. */
export function saveLoss(loss: Loss): { saved: SavedLoss; parameters: Parameter[] } {
  const fields: Saved[] = [],
    losses: Entry[] = [],
    parameters: Parameter[] = [];
  const fieldIds = new Map<FieldNode, number>();
  const lossIds = new Map<LossNode, number>();
  const encoder: Encoder = {
    child: (n) => field(n),
    parameter: (p) => {
      const k = parameters.indexOf(p);
      return k < 0 ? parameters.push(p) - 1 : k;
    },
  };
  const field = (n: FieldNode): number => {
    let id = fieldIds.get(n);
    if (id !== undefined) return id;
    const e = encodeNode(n, encoder);
    id = fields.push(e) - 1;
    fieldIds.set(n, id);
    return id;
  };
  const reduce = (n: LossNode): number => {
    let id = lossIds.get(n);
    if (id !== undefined) return id;
    const e: Entry =
      n.kind === 'constant' ? ['constant', n.value] : 'field' in n ? [n.kind, field(n.field.node)] : [n.kind, reduce(n.a), reduce(n.b)];
    id = losses.push(e) - 1;
    lossIds.set(n, id);
    return id;
  };
  reduce(loss.node);
  return { saved: { fields, losses, parameters: parameters.length }, parameters };
}

/** The expression back, on the fields of `context`, its trainable scalars `parameters` (one per saved index). */
export function loadLoss(saved: SavedLoss, context: FieldContext, parameters: readonly Parameter[]): Loss {
  const what = `term '${context.term}'`;
  if (parameters.length !== saved.parameters) throw new JetfitError(`${what}: expected ${saved.parameters} trainable scalars`);
  const nodes: FieldNode[] = [];
  const decoder: Decoder = {
    what,
    child: (id) => nodes[id as number]!,
    parameter: (k) => parameters[k]!,
  };
  for (const e of saved.fields) nodes.push(decodeNode(e, decoder));
  const losses: LossNode[] = [];
  for (const e of saved.losses) {
    const [k, a, b] = e as [string, number, number];
    if (k === 'mean' || k === 'sum') losses.push({ kind: k, field: new Field(context, nodes[a]!) });
    else if (k === 'constant') losses.push({ kind: 'constant', value: a });
    else losses.push({ kind: k as 'add', a: losses[a]!, b: losses[b]! });
  }
  return new Loss(losses[losses.length - 1]!);
}
