// Everything an optimizer updates: the network's flat parameter buffer (a live view
// into WebAssembly memory, with its gradient) and the trainable scalars.
import type { Real } from '../engine/dtype.js';
import type { Mlp } from '../engine/mlp.js';
import type { Parameter } from '../fields/field.js';

/** A parameter array and its gradient. */
export interface Segment {
  params: Real;
  grads: Real;
}

/** The network's parameters plus the trainable scalars. */
export class Trainables {
  readonly values: Float64Array;
  readonly grads: Float64Array;
  readonly size: number;

  constructor(readonly net: Mlp, readonly scalars: readonly Parameter[]) {
    this.values = Float64Array.from(scalars, (p) => p.value);
    this.grads = new Float64Array(scalars.length);
    this.size = net.parameterView().length + scalars.length;
  }

  private readonly list: Segment[] = [];

  /** Views of every parameter array with its gradient (refreshed: memory may have grown). */
  segments(): Segment[] {
    const list = this.list;
    if (list.length === 0) {
      list.push({ params: this.net.parameterView(), grads: this.net.gradientView() });
      if (this.scalars.length) list.push({ params: this.values, grads: this.grads });
    } else {
      list[0]!.params = this.net.parameterView();
      list[0]!.grads = this.net.gradientView();
    }
    return list;
  }

  /** After an update: scalars back into their Parameter objects; stored passes become stale. */
  commit(): void {
    this.scalars.forEach((p, i) => { p.value = this.values[i]!; });
    this.net.parametersChanged();
  }

  /** Copies all parameters into dst (length size). */
  save(dst: Float64Array): void {
    let o = 0;
    for (const s of this.segments()) { dst.set(s.params, o); o += s.params.length; }
  }

  /** Writes all parameters from src. */
  load(src: Float64Array): void {
    let o = 0;
    for (const s of this.segments()) { s.params.set(src.subarray(o, o + s.params.length)); o += s.params.length; }
    this.commit();
  }

  /** Copies the gradient into dst. */
  saveGradient(dst: Float64Array): void {
    let o = 0;
    for (const s of this.segments()) { dst.set(s.grads, o); o += s.grads.length; }
  }

  /** ‖gradient‖₂ */
  gradientNorm(): number {
    let s = 0;
    for (const seg of this.segments()) { const g = seg.grads; for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!; }
    return Math.sqrt(s);
  }

  /** gradient *= c */
  scaleGradient(c: number): void {
    for (const seg of this.segments()) { const g = seg.grads; for (let i = 0; i < g.length; i++) g[i] = g[i]! * c; }
  }
}
