// init's argument: a core source as before, or { source, threads }.
import { checkKeys, describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { CoreSource } from './load.js';

/** Options of init. */
export interface InitOptions {
  /** where to load the core from (see init) */
  source?: CoreSource;
  /**
   * threads a fit uses by default: a whole number ≥ 1; default every core (at most 8)
   * where the runtime can share memory with workers; 1 runs everything on this thread
   */
  threads?: number;
}

/** A plain object (not a Response, URL, Module or buffer): init's options. */
function isOptions(x: unknown): x is InitOptions {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Splits init's argument into the source and the thread count, checking both. */
export function readInit(arg: CoreSource | InitOptions | undefined): { source: CoreSource | undefined; threads: number | undefined } {
  if (!isOptions(arg)) return { source: arg, threads: undefined };
  checkKeys(arg, ['source', 'threads'], 'init');
  const t = arg.threads;
  if (t !== undefined && (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > 256)) {
    throw new JetfitError(`init: threads must be a whole number from 1 to 256, got ${describe(t)}`);
  }
  return { source: arg.source, threads: t };
}
