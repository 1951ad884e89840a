// Output maps written in the field language: `outputMap(({ u, x }) => x[0].mul(...).mul(u))`
// is recorded once as an expression of the raw outputs and coordinates, then applied
// wherever the network is used — `evaluate` (its jets through probe.ts), `fit` and
// `evaluateField` (the loss's u is the mapped output), `toJSON` (the expression saved as
// data) — with exact derivatives, since the map is lowered like any loss expression.
import { describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import { allocReal } from '../base/dtype.js';
import { checkPoints, copyPoints, type Points } from '../base/points.js';
import type { Jets } from '../engine/jet-layout.js';
import { specFromRequest, type JetRequest } from '../engine/jet-spec.js';
import type { Mlp } from '../engine/mlp.js';
import { registerOutputTransform, type OutputTransform } from '../engine/output-transform.js';
import { indexed, networkFields } from './context.js';
import { Field, type FieldNode } from './field.js';
import { functionNamed } from './functions.js';
import { loadNested, saveNested, type Saved } from './node-codec.js';
import { Probe } from './probe.js';

/** What an output map receives: the raw network's outputs and the coordinates. */
export interface OutputMapArguments {
  readonly u: Field;
  readonly outputs: readonly Field[];
  readonly x: readonly Field[];
}

/** A recorded output map. */
export class OutputMap implements OutputTransform {
  readonly kind = 'fields';
  private nodes: FieldNode[] | null = null;

  constructor(private readonly build: ((fields: OutputMapArguments) => Field | Field[]) | FieldNode[]) {
    if (Array.isArray(build)) this.nodes = build;
    else if (typeof build !== 'function')
      throw new JetfitError(`outputMap(map): expected a function ({ u, x }) => field, got ${describe(build)}`);
  }

  /** Records the map for a network with these sizes; one field per output, made of outputs, coordinates, numbers and functions only. */
  bind(inputs: number, outputs: number): void {
    if (typeof this.build === 'function') {
      const { u, outputs: out, x } = networkFields(inputs, outputs, 'outputMap');
      const r: unknown = this.build({ u, outputs: out, x });
      const list = Array.isArray(r) ? r : [r];
      if (!list.every((f) => f instanceof Field))
        throw new JetfitError(`outputMap: the map must return a field (or one per output), got ${describe(r)}`);
      this.nodes = (list as Field[]).map((f) => f.node);
    }
    const nodes = this.nodes!;
    if (nodes.length !== outputs)
      throw new JetfitError(`outputMap: the map returns ${nodes.length} fields; the network has ${outputs} outputs`);
    for (const n of nodes) check(n, inputs, outputs);
  }

  /** The mapped outputs as fields of a term (its raw output and coordinate fields substituted). */
  fields(context: Field['context']): Field[] {
    return this.nodes!.map((n) => new Field(context, n));
  }

  evaluate(net: Mlp, x: Points, request: JetRequest | undefined): Jets {
    const n = net.inputs,
      m = net.outputs;
    const spec = specFromRequest(n, request, 'evaluate(x, options)');
    const B = checkPoints(x, n, 'x', net.dtype === 'float32');
    const { context } = networkFields(n, m, 'outputMap');
    const mapped = this.fields(context);
    const wantJacobian = request?.jacobian === true,
      h = request?.hessian,
      wantLaplacian = request?.laplacian === true || h === 'laplacian';
    // every requested quantity as fields, in evaluate's layouts
    const groups: { name: keyof Jets; per: number; fields: Field[] }[] = [{ name: 'y', per: m, fields: mapped }];
    if (wantJacobian) groups.push({ name: 'jacobian', per: m * n, fields: mapped.flatMap((f) => f.grad()) });
    if (wantLaplacian) groups.push({ name: 'laplacian', per: m, fields: mapped.map((f) => f.laplacian()) });
    if (h === 'diag') groups.push({ name: 'hessianDiag', per: m * n, fields: mapped.flatMap((f) => f.grad().map((_, i) => f.d2(i, i))) });
    if (h === 'full')
      groups.push({
        name: 'hessian',
        per: m * n * n,
        fields: mapped.flatMap((f) => f.grad().flatMap((_, i) => f.grad().map((__, j) => f.d2(i, j)))),
      });
    void spec;
    const all = groups.flatMap((g) => g.fields);
    const loss = all.map((f) => f.mean()).reduce((s, l) => s.add(l));
    const probe = new Probe(net, loss, 'outputMap', B);
    net.checkSecondOrder(probe.lowered.spec, 'evaluate(x, options)');
    const flat = new Float64Array(B * n);
    copyPoints(x, n, n, flat, 0);
    const out = groups.map((g) => allocReal(net.dtype, B * g.per));
    const values = groups.map((g) => g.fields.map((f) => probe.lowered.valueOf(f.node)!));
    probe.run(flat, B, (start, len) => {
      groups.forEach((g, k) => {
        values[k]!.forEach((v, q) => {
          for (let p = 0; p < len; p++) out[k]![(start + p) * g.per + q] = typeof v === 'number' ? v : v.value[p]!;
        });
      });
    });
    const jets: Record<string, unknown> = { batch: B };
    groups.forEach((g, k) => {
      jets[g.name] = out[k];
    });
    return jets as unknown as Jets;
  }

  toJSON(): { kind: 'fields'; outputs: Saved[] } {
    return { kind: 'fields', outputs: this.nodes!.map(saveNested) };
  }
}

/** Refuses what a saved map cannot hold: data columns, trainable scalars, moved outputs, functions without a saved name. */
export function check(n: FieldNode, inputs: number, outputs: number): void {
  switch (n.kind) {
    case 'column':
      throw new JetfitError(`outputMap: the map reads the data column '${n.name}'; it may use only u, outputs and x`);
    case 'parameter':
      throw new JetfitError(`outputMap: the map uses the trainable scalar '${n.param.name}'; an output map is fixed (use a number)`);
    case 'output':
      if (n.at !== undefined) throw new JetfitError('outputMap: the map uses u.at(...); it is applied at each point alone');
      if (n.index >= outputs) throw new JetfitError(`outputMap: output ${n.index} does not exist (${outputs} outputs)`);
      return;
    case 'coordinate':
      if (n.index >= inputs) throw new JetfitError(`outputMap: x[${n.index}] does not exist (${inputs} inputs)`);
      return;
    case 'unary':
      functionNamed(n.f.name, 'outputMap');
      check(n.a, inputs, outputs);
      return;
    case 'constant':
      return;
    default:
      check(n.a, inputs, outputs);
      if ('b' in n) check(n.b, inputs, outputs);
  }
}

/**
 * The fields a loss or evaluateField is written in for `net`: with an output map, u and
 * outputs are the mapped outputs (derivatives through the map exact); x the coordinates.
 */
export function mappedFields(net: Mlp, label: string, sets: readonly string[] = []): ReturnType<typeof networkFields> {
  const f = networkFields(net.inputs, net.outputs, label, sets);
  const t = net.outputTransform;
  if (!(t instanceof OutputMap)) return f;
  const mapped = t.fields(f.context);
  return {
    ...f,
    u: mapped[0]!,
    outputs: indexed(mapped, 'outputs', `the network has ${net.outputs} output${net.outputs === 1 ? '' : 's'}`),
  };
}

/** An output map for `new Mlp({ ..., output: outputMap(({ u, x }) => ...) })`: one field per output. */
export function outputMap(map: (fields: OutputMapArguments) => Field | Field[]): OutputMap {
  return new OutputMap(map);
}

registerOutputTransform('fields', (saved, what) => {
  const outputs = (saved as { outputs?: unknown }).outputs;
  if (!Array.isArray(outputs)) throw new JetfitError(`${what}: expected { kind: 'fields', outputs: [...] }`);
  return new OutputMap(outputs.map((o) => loadNested(o, what)));
});
