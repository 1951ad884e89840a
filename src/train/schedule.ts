// Learning-rate schedules: a factor on the optimizer's base rate, by step within a phase.
import { checkKeys, describe, quoted } from '../base/check.js';
import { JetfitError } from '../base/errors.js';

/** A schedule: a name or options, or a function of the step giving the factor. */
export type ScheduleSpec =
  | 'constant'
  | { type: 'constant'; warmup?: number }
  | { type: 'step'; every: number; gamma?: number; warmup?: number }
  | { type: 'exponential'; gamma: number; warmup?: number }
  | { type: 'cosine'; minFactor?: number; warmup?: number }
  | ((step: number, totalSteps: number) => number);

/** factor(step) for a phase of totalSteps steps. */
export function schedule(spec: ScheduleSpec | undefined, where: string): (step: number, total: number) => number {
  if (spec === undefined || spec === 'constant') return () => 1;
  if (typeof spec === 'function') return spec;
  if (typeof spec !== 'object' || spec === null)
    throw new JetfitError(`${where}: expected a schedule like { type: 'cosine' }, got ${describe(spec)}`);
  const keys: Record<string, string[]> = {
    constant: ['type', 'warmup'],
    step: ['type', 'every', 'gamma', 'warmup'],
    exponential: ['type', 'gamma', 'warmup'],
    cosine: ['type', 'minFactor', 'warmup'],
  };
  const type = (spec as { type?: unknown }).type;
  if (typeof type === 'string' && Object.hasOwn(keys, type)) checkKeys(spec, keys[type]!, where);
  const warmup = spec.warmup ?? 0;
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new JetfitError(`${where}.warmup: expected a whole number of steps ≥ 0, got ${describe(warmup)}`);
  let decay: (s: number, total: number) => number;
  switch (spec.type) {
    case 'constant':
      decay = () => 1;
      break;
    case 'step': {
      const every = spec.every,
        gamma = spec.gamma ?? 0.1;
      if (!Number.isInteger(every) || every < 1)
        throw new JetfitError(`${where}.every: expected a whole number of steps ≥ 1, got ${describe(every)}`);
      if (typeof gamma !== 'number' || !(gamma > 0) || !Number.isFinite(gamma))
        throw new JetfitError(`${where}.gamma: expected a positive factor, got ${describe(gamma)}`);
      decay = (s) => Math.pow(gamma, Math.floor(s / every));
      break;
    }
    case 'exponential': {
      const gamma = spec.gamma;
      if (typeof gamma !== 'number' || !(gamma > 0 && gamma <= 1))
        throw new JetfitError(`${where}.gamma: expected a factor per step in (0, 1], got ${describe(gamma)}`);
      decay = (s) => Math.pow(gamma, s);
      break;
    }
    case 'cosine': {
      const min = spec.minFactor ?? 0;
      if (typeof min !== 'number' || !(min >= 0 && min <= 1))
        throw new JetfitError(`${where}.minFactor: expected a number in [0, 1], got ${describe(min)}`);
      decay = (s, total) => {
        const span = Math.max(1, total - warmup);
        return min + (1 - min) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, (s - warmup) / span)));
      };
      break;
    }
    default:
      throw new JetfitError(
        `${where}: unknown schedule type ${quoted((spec as { type?: unknown }).type)}; expected constant, step, exponential or cosine`,
      );
  }
  return (s, total) => (s < warmup ? (s + 1) / warmup : decay(s, total));
}
