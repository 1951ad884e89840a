// Output maps written in the field language: `outputMap(({ u, x }) => x[0].mul(...).mul(u))`
// is recorded once as an expression of the raw outputs and coordinates, then applied
// wherever the network is used — `evaluate` (its jets through probe.ts), `fit` and
// `evaluateField` (the loss's u is the mapped output), `toJSON` (the expression saved as
// data) — with exact derivatives, since the map is lowered like any loss expression.
import { describe, FLOAT32_MAX } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import { allocReal } from '../base/dtype.js';
import { checkPoints, copyPoints, type Points } from '../base/points.js';
import type { Jets } from '../engine/jet-layout.js';
import { specFromRequest, type JetRequest } from '../engine/jet-spec.js';
import type { Mlp } from '../engine/mlp.js';
import { registerOutputTransform, type OutputTransform } from '../engine/output-transform.js';
import { indexed, networkFields, strictArguments } from './context.js';
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
  /** the sizes of the network it serves, once bound: a map belongs to networks of one shape */
  private bound: [number, number] | null = null;

  constructor(private readonly build: ((fields: OutputMapArguments) => Field | Field[]) | FieldNode[]) {
    if (Array.isArray(build)) this.nodes = build;
    else if (typeof build !== 'function')
      throw new JetfitError(`outputMap(map): expected a function ({ u, x }) => field, got ${describe(build)}`);
  }

  /** Records the map for a network with these sizes; one field per output, made of outputs, coordinates, numbers and functions only. */
  bind(inputs: number, outputs: number, float32 = false): void {
    if (this.bound !== null && (this.bound[0] !== inputs || this.bound[1] !== outputs))
      throw new JetfitError(
        `outputMap: this map is already used by a network of ${this.bound[0]} inputs and ${this.bound[1]} outputs; ` +
          `a network of ${inputs} inputs and ${outputs} outputs needs a map of its own (call outputMap(...) again)`,
      );
    if (typeof this.build === 'function') {
      const { u, outputs: out, x } = networkFields(inputs, outputs, 'outputMap');
      const r: unknown = this.build(strictArguments({ u, outputs: out, x }, 'outputMap'));
      const list = Array.isArray(r) ? r : [r];
      if (!list.every((f) => f instanceof Field))
        throw new JetfitError(`outputMap: the map must return a field (or one per output), got ${describe(r)}`);
      this.nodes = (list as Field[]).map((f) => f.node);
    }
    const nodes = this.nodes!;
    if (nodes.length !== outputs)
      throw new JetfitError(`outputMap: the map returns ${nodes.length} fields; the network has ${outputs} outputs`);
    for (const n of nodes) check(n, inputs, outputs, 'outputMap', float32);
    this.bound = [inputs, outputs];
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

/**
 * Checks a map's expression for a network of these sizes (`label` names the map in messages):
 * only outputs that exist, coordinates and derivative directions within the inputs, named
 * functions, and numbers the network's dtype can hold. Iterative, so a deep expression
 * cannot overflow the stack.
 */
export function check(root: FieldNode, inputs: number, outputs: number, label = 'outputMap', float32 = false): void {
  const stack: FieldNode[] = [root];
  const direction = (i: number, what: string): void => {
    if (i >= inputs) throw new JetfitError(`${label}: ${what} is along x[${i}], which does not exist (${inputs} inputs)`);
  };
  while (stack.length > 0) {
    const n = stack.pop()!;
    switch (n.kind) {
      case 'column':
        throw new JetfitError(
          `${label}: the map reads the data column '${n.name}'; it may use only ${outputs > 0 ? 'u, outputs and ' : ''}x`,
        );
      case 'parameter':
        throw new JetfitError(
          `${label}: the map uses the trainable scalar '${n.param.name}'; an ${outputs > 0 ? 'output' : 'input'} map is fixed (use a number)`,
        );
      case 'output':
        if (outputs === 0) throw new JetfitError(`${label}: the map reads the network's output; an input map may use only x`);
        if (n.at !== undefined) throw new JetfitError(`${label}: the map uses u.at(...); it is applied at each point alone`);
        if (n.index >= outputs) throw new JetfitError(`${label}: output ${n.index} does not exist (${outputs} outputs)`);
        break;
      case 'coordinate':
        if (n.index >= inputs) throw new JetfitError(`${label}: x[${n.index}] does not exist (${inputs} inputs)`);
        break;
      case 'constant':
        if (typeof n.value !== 'number' || !Number.isFinite(n.value))
          throw new JetfitError(`${label}: the constant ${describe(n.value)} is not a finite number`);
        if (float32 && Math.abs(n.value) > FLOAT32_MAX)
          throw new JetfitError(`${label}: the constant ${n.value} is beyond float32's range (the network is float32)`);
        break;
      case 'unary':
        functionNamed(n.f.name, label);
        stack.push(n.a);
        break;
      case 'd':
        direction(n.i, `the derivative d(${n.i})`);
        stack.push(n.a);
        break;
      case 'd2':
        direction(Math.max(n.i, n.j), `the second derivative d2(${n.i}, ${n.j})`);
        stack.push(n.a);
        break;
      case 'laplacian':
        stack.push(n.a);
        break;
      default:
        stack.push(n.a, n.b);
    }
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
  return new OutputMap(Array.from(outputs, (o) => loadNested(o, what)));
});
