// What fit checks at every step, and the messages that say what went wrong. A step is
// accepted only when its loss, its gradient and the parameters after its update are all
// finite; otherwise fit puts back the last good parameters and stops with the cause:
// which term's loss or gradient, the schedule, or the update itself.
import { FLOAT32_MAX, describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { Mlp } from '../engine/mlp.js';
import type { Term } from './term.js';
import type { Trainables } from './trainables.js';

const KEEP = 'training stopped and the network keeps the parameters of the last good step';

/** The schedule's factor at a step, or an error: it must be finite and ≥ 0 (a negative one would climb the loss). */
export function checkFactor(factor: unknown, step: number, where: string): number {
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 0) {
    throw new JetfitError(
      `${where}.schedule: the learning-rate factor at step ${step} is ${describe(factor)}; expected a finite number ≥ 0. ${KEEP}`,
    );
  }
  return factor;
}

/** A loss that is not finite: names the first term whose value is not. */
export function lossError(names: readonly string[], values: Readonly<Record<string, number>>, step: number): JetfitError {
  const bad = names.find((k) => !Number.isFinite(values[k])) ?? names[0]!;
  return new JetfitError(
    `fit: the loss became ${values[bad]} at step ${step} in term '${bad}'; ${KEEP}. ` +
      `Lower the learning rate, clip gradients (clipNorm), or check the data of '${bad}'`,
  );
}

/**
 * After a step whose gradient or update was not finite (and whose parameters were put
 * back): runs each term alone on its current batch to find the first whose gradient is
 * not finite, and says so; if every term's gradient is finite, the update is to blame.
 */
export function gradientOrUpdateError(net: Mlp, terms: readonly Term[], t: Trainables, step: number, update: string): JetfitError {
  for (const term of terms) {
    t.grads.fill(0);
    net.gradientView().fill(0);
    term.run(true, false, t.grads);
    const g = t.gradientMaxAbs();
    if (!Number.isFinite(g)) {
      const value = firstNonFinite(t);
      return new JetfitError(
        `fit: the gradient became ${value} at step ${step} in term '${term.name}' (its loss was ` +
          `${term.value}); ${KEEP}. A function without a finite derivative where it is evaluated (sqrt or abs at 0, log at 0) ` +
          `or a float32 overflow gives this: check the loss of '${term.name}', or use dtype 'float64'`,
      );
    }
  }
  return new JetfitError(
    `fit: the update at step ${step} made the parameters non-finite (${update}); ${KEEP}. ` +
      'Lower the learning rate or clip gradients (clipNorm)',
  );
}

function firstNonFinite(t: Trainables): number {
  for (const seg of t.segments()) for (const v of seg.grads) if (!Number.isFinite(v)) return v;
  return NaN;
}

/**
 * float32 Adam squares the gradient into its second moment: past √(float32 max) ≈ 1.8e19
 * the square is Infinity and the update silently becomes zero. Refused with the remedy.
 */
export function adamOverflowError(t: Trainables, step: number): JetfitError | null {
  const g = t.gradientMaxAbs();
  // a non-finite gradient is the update check's to report (it names the term)
  if (!Number.isFinite(g) || !(g * g > FLOAT32_MAX)) return null;
  return new JetfitError(
    `fit: Adam's second moment overflows float32 at step ${step}: the gradient reaches |g| = ${g.toExponential(2)}, ` +
      `whose square is beyond float32's range (${FLOAT32_MAX.toExponential(2)}), so the update would silently stop; ${KEEP}. ` +
      "Clip the gradient (clipNorm), scale the loss down, or use dtype 'float64'",
  );
}
