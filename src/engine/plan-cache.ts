// A network's plans: one per (batch size, jet kind, mode), at most MAX_PLANS of them, the
// least recently used released first. Lookups by spec object build no strings, so a
// training loop's repeated lookups allocate nothing.
import type { Core } from '../runtime/core.js';
import type { DType } from '../base/dtype.js';
import { specKey, type JetSpec } from './jet-spec.js';
import { Plan, type LayerLayout, type PassMode } from './plan.js';

const MAX_PLANS = 6;

/** The plans of one network. */
export class PlanCache {
  private readonly plans = new Map<string, Plan>();
  private readonly bySpec = new WeakMap<JetSpec, Plan[]>();

  constructor(
    private readonly core: Core,
    private readonly layout: readonly LayerLayout[],
    private readonly outputs: number,
    private readonly dtype: DType,
    /** the network has an input map: its plans take the input's jets */
    private readonly inputJets = false,
  ) {}

  /** The plan for `batch` points of `spec` in `mode` (made, or reused). */
  get(batch: number, spec: JetSpec, mode: PassMode): Plan {
    const known = this.bySpec.get(spec);
    if (known) for (const p of known) if (p.batch === batch && p.mode === mode && !p.disposed) return p;
    const plan = this.byKey(batch, spec, mode);
    if (known) known.push(plan);
    else this.bySpec.set(spec, [plan]);
    return plan;
  }

  private byKey(batch: number, spec: JetSpec, mode: PassMode): Plan {
    const key = `${batch}#${mode}#${specKey(spec)}`;
    let plan = this.plans.get(key);
    if (plan) {
      this.plans.delete(key);
      this.plans.set(key, plan);
      return plan;
    }
    if (this.plans.size >= MAX_PLANS) {
      const [oldKey, old] = this.plans.entries().next().value as [string, Plan];
      old.release();
      this.plans.delete(oldKey);
    }
    plan = new Plan(this.core, this.layout, batch, spec, mode, this.outputs, this.dtype, this.inputJets);
    this.plans.set(key, plan);
    return plan;
  }

  /** Releases every plan (a stored pass on one then refuses to run backward). */
  release(): void {
    for (const p of this.plans.values()) p.release();
    this.plans.clear();
  }
}
