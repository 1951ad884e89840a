// A field expression at given points, without training: a residual to check, a flux, a
// transformed output to plot. The expression is lowered like a loss and run through the
// engine chunk by chunk (probe.ts).
import { describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import { checkPoints, copyPoints, type Points } from '../base/points.js';
import { Mlp } from '../engine/mlp.js';
import { strictArguments } from './context.js';
import { mappedFields } from './output-map.js';
import { Field } from './field.js';
import { Probe } from './probe.js';

/** What the expression of evaluateField receives. */
export interface FieldArguments {
  /** the network's first output */
  readonly u: Field;
  /** every output */
  readonly outputs: readonly Field[];
  /** the input coordinates */
  readonly x: readonly Field[];
}

/**
 * The values of a field expression at the points ([N][n]): `evaluateField(net, points,
 * ({ u, x }) => u.laplacian().add(f))` is the residual of −Δu = f at each point. One value
 * per point, float64, derivatives exact.
 */
export function evaluateField(net: Mlp, points: Points, expression: (fields: FieldArguments) => Field): Float64Array {
  if (!(net instanceof Mlp)) throw new JetfitError(`evaluateField(net, points, expression): expected an Mlp as net, got ${describe(net)}`);
  if (net.disposed) throw new JetfitError('evaluateField: the network was disposed');
  if (typeof expression !== 'function') {
    throw new JetfitError(`evaluateField(net, points, expression): expected a function ({ u, x }) => field, got ${describe(expression)}`);
  }
  const n = net.inputs;
  const N = checkPoints(points, n, 'evaluateField: points', net.dtype === 'float32');
  const { u, outputs, x } = mappedFields(net, 'evaluateField');
  const f: unknown = expression(strictArguments({ u, outputs, x }, 'evaluateField: the expression'));
  if (!(f instanceof Field)) {
    throw new JetfitError(`evaluateField: the expression must return a field (one value per point), got ${describe(f)}`);
  }
  const flat = new Float64Array(N * n);
  copyPoints(points, n, n, flat, 0);
  const probe = new Probe(net, f.mean(), 'evaluateField', N);
  net.checkSecondOrder(probe.lowered.spec, 'evaluateField');
  const v = probe.lowered.valueOf(f.node)!;
  const out = new Float64Array(N);
  if (typeof v === 'number') return out.fill(v);
  probe.run(flat, N, (start, len) => {
    out.set(v.value.subarray(0, len), start);
  });
  return out;
}
