// The state `fit` saves in history.state and takes back as `resume`: where the run is,
// the optimizer's buffers, the samplers' positions, the parameters. A state comes from
// outside (a file, a message), so it is checked field by field against this call's
// options before anything is written; every vector is in compact form (the network's
// real parameters in getParams() order, then the trainable scalars), never padding.
import { checkInteger, checkKeys, checkNumbers, describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { SamplerState } from '../data/dataset.js';
import type { Phase } from './fit-options.js';
import type { ResampleState } from './resample.js';
import type { OptimizerState } from './optimizers.js';
import type { Term } from './term.js';
import type { Trainables } from './trainables.js';

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

function checkVector(v: unknown, length: number, what: string, float32: boolean, nonNegative = false): void {
  checkNumbers(v, length, what, 'compact form', float32);
  const a = v as ArrayLike<number>;
  for (let i = 0; nonNegative && i < length; i++) {
    if (a[i]! < 0) throw new JetfitError(`${what}: entry ${i} is ${a[i]}; expected ≥ 0 (a second moment)`);
  }
}

/**
 * Checks a resume state in full against this call: the network (parameter count, dtype),
 * the terms (their points) and the phases (their optimizers and lengths). Every message
 * names the field. Nothing is written.
 */
export function checkResume(r: unknown, t: Trainables, terms: readonly Term[], phases: readonly Phase[]): asserts r is TrainingState {
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
  checkOptimizerState(s.optimizer, phase, phaseStep, ph, t);
}

/** The quasi-Newton iterate: x, g and [loss, last step] (quasi-newton.ts's baseState). */
function checkIterate(b: unknown[], n: number, what: string, f32: boolean): void {
  checkVector(b[0], n, `${what}.buffers[0]`, f32);
  checkVector(b[1], n, `${what}.buffers[1]`, false);
  const ls = b[2];
  const num = (v: unknown): boolean => v === null || (typeof v === 'number' && (Number.isFinite(v) || Number.isNaN(v)));
  if (!Array.isArray(ls) || ls.length !== 2 || !num(ls[0]) || !(typeof ls[1] === 'number' && Number.isFinite(ls[1]))) {
    throw new JetfitError(`${what}.buffers[2]: expected [loss, last step], got ${JSON.stringify(ls) ?? describe(ls)}`);
  }
}

function checkOptimizerState(o: unknown, phase: number, phaseStep: number, ph: Phase, t: Trainables): void {
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
  const n = t.compactSize,
    f32 = t.net.dtype === 'float32';
  const count = (k: number): void => {
    if (b.length !== k) throw new JetfitError(`${what}.buffers: expected ${k} buffers for '${ph.opt.type}', got ${b.length}`);
  };
  switch (ph.opt.type) {
    case 'sgd':
      count(1);
      checkVector(b[0], n, `${what}.buffers[0]`, f32);
      break;
    case 'adam':
    case 'adamw':
      count(2);
      checkVector(b[0], n, `${what}.buffers[0]`, f32);
      checkVector(b[1], n, `${what}.buffers[1]`, f32, true);
      break;
    case 'lbfgs': {
      const k = (b.length - 3) / 2;
      if (!Number.isInteger(k) || k < 0 || k > ph.opt.historySize) {
        throw new JetfitError(
          `${what}.buffers: expected x, g, [loss, step] and up to ${ph.opt.historySize} curvature pairs (s, y), got ${b.length} buffers`,
        );
      }
      checkIterate(b, n, what, f32);
      for (let i = 3; i < b.length; i++) checkVector(b[i], n, `${what}.buffers[${i}]`, false);
      for (let i = 0; i < k; i++) {
        const sv = b[3 + i] as number[],
          yv = b[3 + k + i] as number[];
        let ys = 0;
        for (let j = 0; j < n; j++) ys += sv[j]! * yv[j]!;
        if (!(ys > 0) || !Number.isFinite(1 / ys)) {
          throw new JetfitError(`${what}.buffers[${3 + i}], [${3 + k + i}]: a curvature pair with yᵀs = ${ys}; expected yᵀs > 0`);
        }
      }
      break;
    }
    case 'lm': {
      count(1);
      const d = b[0];
      const mu = Array.isArray(d) ? d[0] : undefined,
        nu = Array.isArray(d) ? d[1] : undefined;
      const muOk = mu === null || (typeof mu === 'number' && (Number.isNaN(mu) || (mu > 0 && Number.isFinite(mu))));
      if (!Array.isArray(d) || d.length !== 2 || !muOk || !(typeof nu === 'number' && nu >= 2 && Number.isFinite(nu))) {
        throw new JetfitError(
          `${what}.buffers[0]: expected [damping μ (> 0, or null before the first step), its growth factor ν (≥ 2)], got ${JSON.stringify(d) ?? describe(d)}`,
        );
      }
      break;
    }
    case 'bfgs':
    case 'ssbfgs':
    case 'ssbroyden': {
      count(5);
      checkIterate(b, n, what, f32);
      const flags = b[3];
      const reset = ph.opt.historyReset;
      if (
        !Array.isArray(flags) ||
        flags.length !== 2 ||
        (flags[0] !== 0 && flags[0] !== 1) ||
        !Number.isInteger(flags[1]) ||
        flags[1] < 0 ||
        (reset > 0 && flags[1] >= reset)
      ) {
        throw new JetfitError(
          `${what}.buffers[3]: expected [fresh (0 or 1), updates since the last reset${reset > 0 ? ` (< ${reset})` : ''}], got ${JSON.stringify(flags) ?? describe(flags)}`,
        );
      }
      checkNumbers(b[4], (n * (n + 1)) / 2, `${what}.buffers[4]`, `the upper triangle of the ${n}×${n} matrix, row by row`, false);
      const upper = b[4] as number[];
      for (let i = 0, o = 0; i < n; o += n - i, i++) {
        if (!(upper[o]! > 0)) {
          throw new JetfitError(
            `${what}.buffers[4]: diagonal entry ${i} of the matrix is ${upper[o]}; expected > 0 (the matrix is positive definite)`,
          );
        }
      }
      break;
    }
  }
}
