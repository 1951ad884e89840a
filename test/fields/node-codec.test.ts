// The one codec of saved field expressions: every node kind written and read back by both
// containers (the nested form of saved maps, the table of the threads' saved loss), and
// the documents it must refuse.
import { describe, expect, it } from 'vitest';
import { networkFields } from '../../dist/fields/context.js';
import { Field, mean, parameter, type FieldNode } from '../../dist/fields/field.js';
import { huberFunction } from '../../dist/fields/functions.js';
import { loadNested, MAX_NESTING, saveNested } from '../../dist/fields/node-codec.js';
import { loadLoss, saveLoss } from '../../dist/fields/saved-loss.js';

const { context, u, x } = networkFields(2, 2, 'codec');
const a = parameter(0.3, 'a');
// one expression holding every kind a saved map may hold
const mapExpression = u
  .mul(x[0]!)
  .add(u.d(1).sub(u.d2(0, 1)))
  .add(u.laplacian().tanh())
  .add(u.pow(3).map(huberFunction(0.5)))
  .mul(-2.5);
// and what only a saved loss holds: trainable scalars, data columns, moved outputs
const lossOnly = (c: typeof context) => new Field(c, { kind: 'column', name: 'g' });

/** A node tree as plain data (parameters by name) to compare structurally. */
function shape(n: FieldNode): unknown {
  const o: Record<string, unknown> = { ...n };
  if (n.kind === 'unary') o.f = n.f.name;
  if (n.kind === 'parameter') o.param = n.param.name;
  if (n.kind === 'constant') o.value = Object.is(n.value, -0) ? '-0' : n.value;
  for (const k of ['a', 'b'] as const) if (k in n) o[k] = shape((n as unknown as Record<string, FieldNode>)[k]!);
  return o;
}

describe('node codec', () => {
  it('the nested form round-trips every kind a map holds, through JSON, function parameters included', () => {
    const saved = saveNested(mapExpression.node);
    const back = loadNested(JSON.parse(JSON.stringify(saved)), 'doc');
    expect(shape(back)).toEqual(shape(mapExpression.node));
    expect(JSON.stringify(saved)).toContain('"huber(0.5)"');
  });

  it('the table round-trips every kind (−0 included), keeps shared sub-expressions shared and numbers the scalars', () => {
    const shared = u.d(0).mul(a);
    const expression = shared
      .mul(shared)
      .add(lossOnly(context))
      .add(new Field(context, { kind: 'output', index: 1, at: 1 }))
      .mul(new Field(context, { kind: 'constant', value: -0 })); // structured clone keeps −0
    const loss = mean(expression.add(mapExpression)).add(mean(shared));
    const { saved, parameters } = saveLoss(loss);
    expect(parameters).toEqual([a]);
    expect(saved.fields.filter((e) => Array.isArray(e) && e[0] === 'd' && e[1] === 0)).toHaveLength(1);
    const back = loadLoss(structuredClone(saved), context, [a]);
    expect(shape((back.node as unknown as { a: { field: Field } }).a.field.node)).toEqual(shape(expression.add(mapExpression).node));
    expect(saveLoss(back).saved).toEqual(saved);
  });

  it('refuses what a saved map cannot hold, with the document named', () => {
    expect(() => saveNested(a.value === 0.3 ? new Field(context, { kind: 'parameter', param: a }).node : u.node)).toThrow(
      /cannot hold the trainable scalar 'a'/,
    );
    expect(() => loadNested(['parameter', 0], 'doc')).toThrow(/^doc: a saved map cannot hold trainable scalars/);
    expect(() => loadNested(['u', -1], 'doc')).toThrow(/^doc: bad index -1/);
    expect(() => loadNested(['d', 0.5, ['u', 0]], 'doc')).toThrow(/^doc: bad index 0.5/);
    expect(() => loadNested(Infinity, 'doc')).toThrow(/^doc: a constant must be finite/);
    expect(() => loadNested({ kind: 'u' }, 'doc')).toThrow(/^doc: unreadable node/);
    expect(() => loadNested(['nosuch', ['u', 0]], 'doc')).toThrow(/the function 'nosuch' cannot be saved/);
  });

  it(`refuses a document nested deeper than ${MAX_NESTING} instead of overflowing the stack`, () => {
    let deep: unknown = ['u', 0];
    for (let i = 0; i < 5000; i++) deep = ['tanh', deep];
    expect(() => loadNested(deep, 'doc')).toThrow(new RegExp(`^doc: the expression is nested more than ${MAX_NESTING} deep`));
    let fine: unknown = ['u', 0];
    for (let i = 0; i < MAX_NESTING - 1; i++) fine = ['tanh', fine];
    expect(loadNested(fine, 'doc').kind).toBe('unary');
  });
});
