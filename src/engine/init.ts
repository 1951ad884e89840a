// Default initialisation: Glorot (Xavier), biases zero, reproducible from a seed.
import { quoted } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import { Random } from '../base/random.js';

/** How weights are initialised: Glorot/Xavier uniform (default) or normal. */
export type Initializer = 'glorotUniform' | 'glorotNormal';

/** Checks an initializer name. */
export function checkInitializer(kind: unknown): Initializer {
  if (kind !== 'glorotUniform' && kind !== 'glorotNormal') {
    throw new JetfitError(`init: unknown initializer ${quoted(kind)}; expected 'glorotUniform' or 'glorotNormal'`);
  }
  return kind;
}

/** A weight drawer for a layer of the given fan-in and fan-out. */
export function initializer(kind: Initializer, seed: number): (fanIn: number, fanOut: number) => number {
  const rng = new Random(seed);
  if (kind === 'glorotNormal') return (i, o) => Math.sqrt(2 / (i + o)) * rng.normal();
  return (i, o) => rng.uniformIn(-1, 1) * Math.sqrt(6 / (i + o));
}
