// Every optimizer fit knows, one definition each. Adding an optimizer is one file with
// its definition and one line here: the types of fit's `optimizer` option, the checks of
// its options and of a saved state, and the stepper all come from the definition.
import { checkKeys, describe, quoted } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import { adam, adamw } from './adam.js';
import { bfgs, ssbfgs, ssbroyden } from './dense-quasi-newton.js';
import type { OptimizerDefinition, OptionsOf, ResolvedOf, ResolvedOptions } from './definition.js';
import { lbfgs } from './lbfgs.js';
import { lm } from './levenberg-marquardt.js';
import { sgd } from './sgd.js';

const OPTIMIZERS = { sgd, adam, adamw, lbfgs, bfgs, ssbfgs, ssbroyden, lm };

type Registry = typeof OPTIMIZERS;
/** The name of an optimizer. */
export type OptimizerType = keyof Registry;
/** Options of any optimizer. */
export type OptimizerOptions = OptionsOf<Registry[OptimizerType]>;
/** An optimizer: a name with defaults, or options. */
export type OptimizerSpec = OptimizerType | OptimizerOptions;
/** Checked options of any optimizer. */
export type ResolvedOptimizer = ResolvedOf<Registry[OptimizerType]>;

// Each entry's key is a type its options accept: a definition filed under the wrong name does not compile.
type KeyMatchesType = { [K in OptimizerType]: K extends OptionsOf<Registry[K]>['type'] ? K : never }[OptimizerType];
const everyKeyMatches: OptimizerType extends KeyMatchesType ? true : never = true;
void everyKeyMatches;

const TYPES = Object.keys(OPTIMIZERS) as OptimizerType[];
const HINTS: Record<string, string> = {
  learningRate: 'did you mean "lr"?',
  learning_rate: 'did you mean "lr"?',
  rate: 'did you mean "lr"?',
  beta_1: 'did you mean "beta1"?',
  beta_2: 'did you mean "beta2"?',
  epsilon: 'did you mean "eps"?',
  weight_decay: 'did you mean "weightDecay"?',
  decay: 'did you mean "weightDecay"?',
};

/** Any optimizer's definition, for code that handles every optimizer alike. */
export type AnyDefinition = OptimizerDefinition<{ type: string }, ResolvedOptions>;

/** The definition of an optimizer type. */
export function definitionOf(type: OptimizerType): AnyDefinition {
  return OPTIMIZERS[type] as unknown as AnyDefinition;
}

/** Checks an optimizer spec in full and fills in the defaults. */
export function resolveOptimizer(spec: OptimizerSpec | undefined, where: string): ResolvedOptimizer {
  const s: unknown = spec ?? 'adam';
  const known = (v: unknown): v is OptimizerType => typeof v === 'string' && Object.hasOwn(OPTIMIZERS, v);
  let o: Record<string, unknown>;
  if (typeof s === 'string') {
    if (!known(s)) throw new JetfitError(`${where}: unknown optimizer ${quoted(s)}; expected ${TYPES.map((t) => `'${t}'`).join(', ')}`);
    o = { type: s };
  } else if (typeof s === 'object' && s !== null && !Array.isArray(s) && known((s as { type?: unknown }).type)) {
    o = s as Record<string, unknown>;
  } else {
    throw new JetfitError(
      `${where}: expected ${TYPES.map((t) => `'${t}'`).join(', ')} or options like { type: 'adam', lr: 1e-3 }, got ` +
        (typeof s === 'object' && s !== null && 'type' in s ? `type ${quoted((s as { type: unknown }).type)}` : describe(s)),
    );
  }
  const type = o.type as OptimizerType;
  const definition = definitionOf(type);
  checkKeys(o, definition.keys, where, { hints: HINTS, of: `'${type}'` });
  return definition.resolve(o as Partial<{ type: string }>, where) as ResolvedOptimizer;
}
