// Where a plan keeps each jet component of each output: the only mapping from a component
// to (buffer, element offset, stride between points), in both modes (docs/memory-layout.md).
//   forward mode: blocks [K][B][mP] (K = 1 + dirs + pairs (+ 1 Laplacian), block 0 the
//     value, 1 + d the direction dirs[d], 1 + dirs + q the pair q, the last the Laplacian),
//     output k of point p at block·B·mP + p·mP + k; cotangents in g0 with the same layout.
//   reverse mode: the value in out [B][mP] (its cotangent in ybar), the Jacobian
//     [m][B][inP0] in jac (its cotangent in g0): ∂y_k/∂x_i of point p at (k·B + p)·inP0 + i.
// Reading jets out, writing cotangents in, and fit's per-component access all go through it.
import { JetfitError } from '../base/errors.js';
import type { Component } from './component.js';
import type { Real } from '../base/dtype.js';
import { pairIndex, type Cotangents, type JetSpec } from './jet-spec.js';
import type { Plan } from './plan.js';

/** A strided run of B values: element offset of point 0 and the step between points. */
export interface Strided {
  readonly at: number;
  readonly stride: number;
}

/** Jets of the outputs as evaluate returns them (flat, row-major, the network's dtype). */
export interface Jets {
  /** number of points B */
  readonly batch: number;
  /** outputs [B][m] */
  readonly y: Real;
  /** dy/dx [B][m][n] (when asked for) */
  readonly jacobian?: Real;
  /** Laplacian of each output [B][m] (when asked for) */
  readonly laplacian?: Real;
  /** d²y/dx_i² [B][m][n] (hessian: 'diag') */
  readonly hessianDiag?: Real;
  /** d²y/dx_i dx_j [B][m][n][n] (hessian: 'full') */
  readonly hessian?: Real;
}

/**
 * Refuses jets with a value that is not finite, naming the quantity, the point and the
 * output: parameters and points are checked finite, so such a value is an overflow (float32's
 * range ends near 3.4e38), and returning it would pass Infinity on as if it were a result.
 */
export function checkJetsFinite(jets: Jets, outputs: number, dtype: string, what: string, mapped = false): void {
  for (const name of ['y', 'jacobian', 'laplacian', 'hessianDiag', 'hessian'] as const) {
    const a = jets[name];
    if (!a) continue;
    let check = 0;
    for (let i = 0; i < a.length; i++) check += a[i]! * 0;
    if (check === 0) continue;
    const per = a.length / jets.batch;
    let i = 0;
    while (Number.isFinite(a[i]!)) i++;
    const point = Math.floor(i / per),
      output = Math.floor((i % per) / (per / outputs));
    const where = `${what}: ${name === 'y' ? 'the value' : `the ${name}`} of output ${output} at point ${point} is ${a[i]}`;
    if (mapped && Number.isNaN(a[i]!))
      throw new JetfitError(
        `${where}: the output map is not defined there (a function outside its domain, such as pow(0.5) or log of a negative value?)`,
      );
    throw new JetfitError(
      `${where}: beyond the range of ${dtype}` +
        (dtype === 'float32' ? " (about 3.4e38); use dtype 'float64', or scale the outputs" : '; scale the outputs'),
    );
  }
}

/** The jet layout of one network: element size, padded input and output widths, outputs. */
export class JetLayout {
  constructor(
    private readonly S: number,
    private readonly inP0: number,
    private readonly mP: number,
    private readonly inputs: number,
    private readonly outputs: number,
  ) {}

  /** Where component c of output k lives in `plan` (its cotangent when `cotangent`). */
  locate(plan: Plan, k: number, c: Component, cotangent: boolean): Strided {
    const B = plan.batch,
      S = this.S;
    if (plan.mode === 'reverse') {
      if (c.kind === 'value') return { at: (cotangent ? plan.ybar : plan.out) / S + k, stride: this.mP };
      if (c.kind !== 'd') throw new Error(`reverse mode carries values and first derivatives only, not ${c.kind}`);
      return { at: (cotangent ? plan.g0 : plan.jac) / S + k * B * this.inP0 + c.i, stride: this.inP0 };
    }
    const spec = plan.spec;
    const block =
      c.kind === 'value'
        ? 0
        : c.kind === 'laplacian'
          ? plan.blocks - 1
          : c.kind === 'd'
            ? 1 + spec.dirs.indexOf(c.i)
            : 1 + spec.dirs.length + pairIndex(spec, c.i, c.j);
    return { at: (cotangent ? plan.g0 : plan.out) / S + block * B * this.mP + k, stride: this.mP };
  }

  /** dst[p·ds + do] = component c of output k at point p, for every point. */
  read(view: Real, plan: Plan, k: number, c: Component, dst: Real | Float64Array, ds = 1, dOffset = 0): void {
    const { at, stride } = this.locate(plan, k, c, false);
    for (let p = 0; p < plan.batch; p++) dst[p * ds + dOffset] = view[at + p * stride]!;
  }

  /** Adds src[p·ss + so] to the cotangent of component c of output k (or sets it, when `set`). */
  write(view: Real, plan: Plan, k: number, c: Component, src: ArrayLike<number>, ss = 1, sOffset = 0, set = false): void {
    const { at, stride } = this.locate(plan, k, c, true);
    if (set) for (let p = 0; p < plan.batch; p++) view[at + p * stride] = src[p * ss + sOffset]!;
    else for (let p = 0; p < plan.batch; p++) view[at + p * stride]! += src[p * ss + sOffset]!;
  }

  /** Zeroes every cotangent input of the plan. */
  clear(view: Real, plan: Plan): void {
    const B = plan.batch,
      S = this.S;
    if (plan.mode === 'reverse') {
      view.fill(0, plan.ybar / S, plan.ybar / S + B * this.mP);
      view.fill(0, plan.g0 / S, plan.g0 / S + this.outputs * B * this.inP0);
    } else {
      view.fill(0, plan.g0 / S, plan.g0 / S + plan.blocks * B * this.mP);
    }
  }

  /**
   * The jets a request asked for, copied out of the last pass through `plan`. The
   * Laplacian comes from its own block, or as the sum of the Hessian diagonal's.
   */
  readJets(
    view: Real,
    plan: Plan,
    spec: JetSpec,
    want: { jacobian: boolean; hessian?: 'diag' | 'full' | 'laplacian'; laplacian: boolean },
    alloc: (n: number) => Real,
  ): Jets {
    const B = plan.batch,
      m = this.outputs,
      n = this.inputs;
    const y = alloc(B * m);
    const r: { batch: number; y: Real; jacobian?: Real; laplacian?: Real; hessianDiag?: Real; hessian?: Real } = { batch: B, y };
    for (let k = 0; k < m; k++) this.read(view, plan, k, { kind: 'value' }, y, m, k);
    if (want.jacobian) {
      const J = alloc(B * m * n);
      r.jacobian = J;
      for (let k = 0; k < m; k++) for (let i = 0; i < n; i++) this.read(view, plan, k, { kind: 'd', i }, J, m * n, k * n + i);
    }
    if (want.hessian === 'diag') {
      const H = alloc(B * m * n);
      r.hessianDiag = H;
      for (let k = 0; k < m; k++) for (let i = 0; i < n; i++) this.read(view, plan, k, { kind: 'pair', i, j: i }, H, m * n, k * n + i);
    }
    if (want.hessian === 'full') {
      const H = alloc(B * m * n * n);
      r.hessian = H;
      for (let k = 0; k < m; k++) {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++)
            this.read(view, plan, k, { kind: 'pair', i: Math.min(i, j), j: Math.max(i, j) }, H, m * n * n, (k * n + i) * n + j);
        }
      }
    }
    if (want.hessian === 'laplacian' || want.laplacian) {
      const lap = alloc(B * m);
      r.laplacian = lap;
      if (spec.laplacian) for (let k = 0; k < m; k++) this.read(view, plan, k, { kind: 'laplacian' }, lap, m, k);
      else {
        const t = alloc(B * m);
        for (let i = 0; i < n; i++) {
          for (let k = 0; k < m; k++) this.read(view, plan, k, { kind: 'pair', i, j: i }, t, m, k);
          for (let e = 0; e < t.length; e++) lap[e]! += t[e]!;
        }
      }
    }
    return r;
  }

  /**
   * Writes checked output cotangents (each flat, row-major, like the jet it belongs to) into
   * the plan's cotangent inputs. Reverse mode sets them; forward mode adds them into zeroed
   * blocks (the Hessian's (i, j) and (j, i) share one block, as do a Laplacian given through
   * the Hessian diagonal's blocks).
   */
  writeCotangents(view: Real, plan: Plan, c: Cotangents): void {
    const m = this.outputs,
      n = this.inputs;
    const set = plan.mode === 'reverse';
    this.clear(view, plan);
    if (c.y) for (let k = 0; k < m; k++) this.write(view, plan, k, { kind: 'value' }, c.y, m, k, set);
    if (c.jacobian) {
      for (let k = 0; k < m; k++)
        for (let i = 0; i < n; i++) this.write(view, plan, k, { kind: 'd', i }, c.jacobian, m * n, k * n + i, set);
    }
    if (c.hessianDiag) {
      for (let i = 0; i < n; i++)
        for (let k = 0; k < m; k++) this.write(view, plan, k, { kind: 'pair', i, j: i }, c.hessianDiag, m * n, k * n + i);
    }
    if (c.hessian) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const comp: Component = { kind: 'pair', i: Math.min(i, j), j: Math.max(i, j) };
          for (let k = 0; k < m; k++) this.write(view, plan, k, comp, c.hessian, m * n * n, (k * n + i) * n + j);
        }
      }
    }
    if (c.laplacian) {
      if (plan.spec.laplacian) for (let k = 0; k < m; k++) this.write(view, plan, k, { kind: 'laplacian' }, c.laplacian, m, k);
      else for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) this.write(view, plan, k, { kind: 'pair', i, j: i }, c.laplacian, m, k);
    }
  }
}
