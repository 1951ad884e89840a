// A term's loss expression as plain data, for the threads that run its chunks: a table of
// nodes in which a shared sub-expression stays one entry (lowering shares work by node
// identity, so a copy lowered from the table is the same tape, op for op), functions by
// name, trainable scalars by their index in the term's parameter list. Numbers travel by
// structured clone (postMessage), so every bit of a constant (−0 included) arrives.
import { JetfitError } from '../base/errors.js';
import { Field, Loss, type FieldContext, type Parameter, type FieldNode, type LossNode } from './field.js';
import { functionNamed } from './functions.js';

type Entry = (string | number)[];

/** A loss expression as data (see saveLoss). */
export interface SavedLoss {
  readonly fields: Entry[];
  readonly losses: Entry[];
  /** how many trainable scalars the expression uses */
  readonly parameters: number;
}

/** The expression's data, and its trainable scalars in the order the data numbers them. */
export function saveLoss(loss: Loss): { saved: SavedLoss; parameters: Parameter[] } {
  const fields: Entry[] = [],
    losses: Entry[] = [],
    parameters: Parameter[] = [];
  const fieldIds = new Map<FieldNode, number>();
  const lossIds = new Map<LossNode, number>();
  const field = (n: FieldNode): number => {
    let id = fieldIds.get(n);
    if (id !== undefined) return id;
    let e: Entry;
    switch (n.kind) {
      case 'output':
        e = n.at === undefined ? ['u', n.index] : ['u', n.index, n.at];
        break;
      case 'coordinate':
        e = ['x', n.index];
        break;
      case 'column':
        e = ['column', n.name];
        break;
      case 'parameter': {
        let k = parameters.indexOf(n.param);
        if (k < 0) k = parameters.push(n.param) - 1;
        e = ['parameter', k];
        break;
      }
      case 'constant':
        e = ['constant', n.value];
        break;
      case 'unary':
        e = ['unary', n.f.name, field(n.a)];
        break;
      case 'd':
        e = ['d', n.i, field(n.a)];
        break;
      case 'd2':
        e = ['d2', n.i, n.j, field(n.a)];
        break;
      case 'laplacian':
        e = ['laplacian', field(n.a)];
        break;
      default:
        e = [n.kind, field(n.a), field(n.b)];
    }
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
  for (const e of saved.fields) {
    const [k, a, b, c] = e as [string, number, number, number];
    let n: FieldNode;
    switch (k) {
      case 'u':
        n = b === undefined ? { kind: 'output', index: a } : { kind: 'output', index: a, at: b };
        break;
      case 'x':
        n = { kind: 'coordinate', index: a };
        break;
      case 'column':
        n = { kind: 'column', name: String(a) };
        break;
      case 'parameter':
        n = { kind: 'parameter', param: parameters[a]! };
        break;
      case 'constant':
        n = { kind: 'constant', value: a };
        break;
      case 'unary':
        n = { kind: 'unary', f: functionNamed(String(a), what), a: nodes[b]! };
        break;
      case 'd':
        n = { kind: 'd', i: a, a: nodes[b]! };
        break;
      case 'd2':
        n = { kind: 'd2', i: a, j: b, a: nodes[c]! };
        break;
      case 'laplacian':
        n = { kind: 'laplacian', a: nodes[a]! };
        break;
      case 'add':
      case 'sub':
      case 'mul':
        n = { kind: k, a: nodes[a]!, b: nodes[b]! };
        break;
      default:
        throw new JetfitError(`${what}: unreadable saved node '${k}'`);
    }
    nodes.push(n);
  }
  const losses: LossNode[] = [];
  for (const e of saved.losses) {
    const [k, a, b] = e as [string, number, number];
    if (k === 'mean' || k === 'sum') losses.push({ kind: k, field: new Field(context, nodes[a]!) });
    else if (k === 'constant') losses.push({ kind: 'constant', value: a });
    else losses.push({ kind: k as 'add', a: losses[a]!, b: losses[b]! });
  }
  return new Loss(losses[losses.length - 1]!);
}
