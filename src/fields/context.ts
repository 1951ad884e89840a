// The fields an expression is written in: the network's outputs and the input coordinates
// of one set of points (a loss term's, or the points of evaluateField).
import { JetfitError } from '../base/errors.js';
import { Field, type FieldContext } from './field.js';

/**
 * A read-only array whose out-of-range reads are errors naming the index (x[5] on a
 * network with two inputs), instead of undefined surfacing later as "got undefined".
 */
export function indexed<T>(items: T[], name: string, why: string): readonly T[] {
  return new Proxy(Object.freeze(items), {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^-?\d+$/.test(key) && !(key in target)) {
        throw new JetfitError(`${name}[${key}]: ${why}, so ${name} has indices 0..${target.length - 1}`);
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

/**
 * The argument of a user's function (a loss, a PDE, a map) that refuses a name it does not
 * have, with the names it has: `({ u, v, p }) => ...` would otherwise get undefined for v and
 * fail inside the user's code with a bare TypeError.
 */
export function strictArguments<T extends object>(args: T, what: string): T {
  return new Proxy(args, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !(key in target)) {
        const several =
          'outputs' in target ? "; a network's several outputs are outputs[0], outputs[1], ... (const [u, v, p] = outputs)" : '';
        throw new JetfitError(`${what}: its argument has no '${key}'; it has ${Object.keys(target).join(', ')}${several}`);
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

/** The output and coordinate fields of a network with `inputs` inputs and `outputs` outputs, labelled for messages. */
export function networkFields(
  inputs: number,
  outputs: number,
  label: string,
  sets: readonly string[] = [],
): { context: FieldContext; u: Field; outputs: readonly Field[]; x: readonly Field[] } {
  const context: FieldContext = { inputs, term: label, sets };
  const out = Array.from({ length: outputs }, (_, k) => new Field(context, { kind: 'output', index: k }));
  const x = Array.from({ length: inputs }, (_, i) => new Field(context, { kind: 'coordinate', index: i }));
  return {
    context,
    u: out[0]!,
    outputs: indexed(out, 'outputs', `the network has ${outputs} output${outputs === 1 ? '' : 's'}`),
    x: indexed(x, 'x', `the network has ${inputs} input${inputs === 1 ? '' : 's'}`),
  };
}
