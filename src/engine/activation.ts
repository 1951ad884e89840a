// Activation names and the ids the core knows them by (assembly/activations.ts).
import { quoted } from '../base/check.js';
import { JetfitError } from '../base/errors.js';

const IDS = { identity: 0, tanh: 1, sin: 2, sigmoid: 3, softplus: 4, silu: 5, gelu: 6, relu: 7 } as const;

/** A hidden-layer activation. `gelu` is the tanh form. `relu` has no second derivative. */
export type Activation = keyof typeof IDS;

/** Every activation name, in the order of their ids. */
export const ACTIVATIONS: readonly Activation[] = Object.keys(IDS) as Activation[];

/** The core's id for an activation, or an error naming the argument and the choices. */
export function activationId(name: unknown, argument: string): number {
  if (typeof name === 'string' && Object.hasOwn(IDS, name)) return IDS[name as Activation];
  throw new JetfitError(`${argument}: unknown activation ${quoted(name)}; expected one of ${ACTIVATIONS.join(', ')}`);
}

/** False for activations whose second derivative is zero almost everywhere (relu). */
export function hasSecondDerivative(name: Activation): boolean {
  return name !== 'relu';
}
