// Activation names and the ids the core knows them by (defined once in runtime/layout.ts).
import { quoted } from '../base/check.js';
import { ACT_GELU, ACT_IDENTITY, ACT_RELU, ACT_SIGMOID, ACT_SILU, ACT_SIN, ACT_SOFTPLUS, ACT_TANH } from '../runtime/layout.js';
import { JetfitError } from '../base/errors.js';

const IDS = {
  identity: ACT_IDENTITY,
  tanh: ACT_TANH,
  sin: ACT_SIN,
  sigmoid: ACT_SIGMOID,
  softplus: ACT_SOFTPLUS,
  silu: ACT_SILU,
  gelu: ACT_GELU,
  relu: ACT_RELU,
} as const;

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

/** Refuses second derivatives for an activation without them, saying why and what to use. */
export function refuseWithoutSecondDerivative(name: Activation, argument: string): void {
  if (hasSecondDerivative(name)) return;
  throw new JetfitError(
    `${argument}: second derivatives were asked for, but the network uses ` +
      `'${name}', whose second derivative is zero everywhere it exists: a Hessian or Laplacian ` +
      "would be identically zero and a loss on it could not train the network. Use a smooth activation such as 'tanh', 'silu' or 'gelu'",
  );
}
