// The state `fit` saves in history.state and takes back as `resume`: where the run is,
// the optimizer's buffers, the samplers' positions, the parameters. A state comes from
// outside (a file, a message), so it is checked field by field against this call's
// options before anything is written; every vector is in compact form (the network's
// real parameters in getParams() order, then the trainable scalars), never padding.
import { checkInteger, checkKeys, describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { SamplerState } from '../data/dataset.js';
import { checkVector, type OptimizerState, type ResolvedOptions } from '../optimizers/definition.js';
import type { AnyDefinition } from '../optimizers/registry.js';
import type { ResampleState } from './resample.js';
import type { Term } from './term.js';
import type { Trainables } from './trainables.js';

/** What resume checks of a phase: its length and its optimizer. */
interface PhaseShape {
  readonly steps: number;
  readonly opt: ResolvedOptions;
  readonly definition: AnyDefinition;
}

/** Everything needed to continue a run (JSON-serializable). */
export interface TrainingState {
  version: 2;
  /** steps done over all phases */
  step: number;
  /** the phase the run is in (the last one once it has completed) */
  phase: number;
  /** steps done in that phase */
  phaseStep: number;
  /** that phase's optimizer state, or null before its first step */
  optimizer: OptimizerState | null;
  /** per term, the position of each sampler (one per batch size it has drawn), its own batch size first */
  samplers: SamplerState[][];
  /** the trainable scalars */
  scalars: number[];
  /** the network's parameters, getParams() order (W row-major, then b, layer by layer) */
  params: number[];
  /** per term, its current points and generator when it resamples (else null); absent when no term does */
  resampled?: (ResampleState | null)[];
}

const KEYS = ['version', 'step', 'phase', 'phaseStep', 'optimizer', 'samplers', 'scalars', 'params', 'resampled'];

/**
 * Checks a resume state in full against this call: the network (parameter count, dtype),
 * the terms (their points) and the phases (their optimizers and lengths). Every message
 * names the field. Nothing is written.
 */
export function checkResume(r: unknown, t: Trainables, terms: readonly Term[], phases: readonly PhaseShape[]): asserts r is TrainingState {
  if (typeof r !== 'object' || r === null || Array.isArray(r))
    throw new JetfitError(`resume: expected history.state of an earlier fit, got ${describe(r)}`);
  checkKeys(r, KEYS, 'resume');
  const s = r as Partial<TrainingState>;
  if (s.version !== 2) {
    throw new JetfitError(`resume.version: expected 2 (a state saved by this version of fit), got ${describe(s.version)}`);
  }
  checkInteger(s.step, 'resume.step', 0);
  const phase = checkInteger(s.phase, 'resume.phase', 0, phases.length - 1);
  const phaseStep = checkInteger(s.phaseStep, 'resume.phaseStep', 0);
  const ph = phases[phase]!;
  if (phaseStep > ph.steps) {
    throw new JetfitError(
      `resume.phaseStep: the saved run was at step ${phaseStep} of phase ${phase}, which has ${ph.steps} steps here; ` +
        `ask for at least ${phaseStep} steps in that phase to continue the run`,
    );
  }
  const f32 = t.net.dtype === 'float32';
  checkVector(s.params, t.net.parameterCount, 'resume.params', f32);
  checkVector(s.scalars, t.scalars.length, 'resume.scalars', false);
  if (!Array.isArray(s.samplers) || s.samplers.length !== terms.length) {
    throw new JetfitError(
      `resume.samplers: expected ${terms.length} (one per term), got ${Array.isArray(s.samplers) ? s.samplers.length : describe(s.samplers)}`,
    );
  }
  for (let i = 0; i < terms.length; i++) {
    const term: Term = terms[i]!;
    term.checkSamplerStates(s.samplers[i], `resume.samplers[${i}]`);
  }
  const re = s.resampled;
  if (re !== undefined && (!Array.isArray(re) || re.length !== terms.length)) {
    throw new JetfitError(`resume.resampled: expected ${terms.length} entries (one per term), got ${describe(re)}`);
  }
  terms.forEach((term, i) => {
    term.checkResampleState(re === undefined ? null : re[i], `resume.resampled[${i}]`);
  });
  checkOptimizerState(s.optimizer, phase, phaseStep, ph, t, s.params as number[], s.scalars as number[]);
}

function checkOptimizerState(
  o: unknown,
  phase: number,
  phaseStep: number,
  ph: PhaseShape,
  t: Trainables,
  params: readonly number[],
  scalars: readonly number[],
): void {
  const what = 'resume.optimizer';
  if (o === null && phaseStep === 0) return;
  if (typeof o !== 'object' || o === null)
    throw new JetfitError(`${what}: expected the optimizer state { type, t, buffers } of phase ${phase}, got ${describe(o)}`);
  checkKeys(o, ['type', 't', 'buffers'], what);
  const st = o as Partial<OptimizerState>;
  if (st.type !== ph.opt.type) {
    throw new JetfitError(
      `${what}.type: the saved run's phase ${phase} used ${typeof st.type === 'string' ? `'${st.type}'` : describe(st.type)}, this call's uses '${ph.opt.type}'`,
    );
  }
  checkInteger(st.t, `${what}.t`, 0);
  const b = st.buffers;
  if (!Array.isArray(b)) throw new JetfitError(`${what}.buffers: expected an array of buffers, got ${describe(b)}`);
  ph.definition.checkState(b, ph.opt, { n: t.compactSize, float32: t.net.dtype === 'float32', iterate: [...params, ...scalars] }, what);
}
