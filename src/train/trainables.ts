// Everything an optimizer updates: the network's flat parameter buffer (a live view
// into WebAssembly memory, with its gradient) and the trainable scalars. Saved states
// hold the compact form (the real parameters in getParams() order, then the scalars),
// never the padding of the flat buffer, so that nothing saved can be read as padding.
import type { DType, Real } from '../base/dtype.js';
import type { Mlp } from '../engine/mlp.js';
import type { ParameterStore } from '../engine/parameter-store.js';
import type { Parameter } from '../fields/field.js';
import type { ParameterVector } from '../optimizers/objective.js';
import { maxAbs } from '../optimizers/vectors.js';

/** A parameter array and its gradient. */
export interface Segment {
  params: Real;
  grads: Real;
}

/** The network's parameters plus the trainable scalars: the vector fit's optimizers move. */
export class Trainables implements ParameterVector {
  readonly values: Float64Array;
  readonly grads: Float64Array;
  /** length of the flat (padded) vectors optimizers work on */
  readonly size: number;
  /** length of the compact form: the network's real parameters, then the scalars */
  readonly compactSize: number;
  /** length of the network's flat (padded) part */
  readonly flat: number;
  private readonly offsets: Int32Array;
  readonly dtype: DType;

  constructor(
    readonly net: Mlp,
    readonly scalars: readonly Parameter[],
  ) {
    this.values = Float64Array.from(scalars, (p) => p.value);
    this.grads = new Float64Array(scalars.length);
    this.flat = net.parameterView().length;
    this.size = this.flat + scalars.length;
    this.offsets = net.parameterStore().parameterOffsets();
    this.compactSize = this.offsets.length + scalars.length;
    this.dtype = net.dtype;
  }

  /** The network's buffers and kernels (refuses a disposed network). */
  store(): ParameterStore {
    return this.net.parameterStore();
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
    this.scalars.forEach((p, i) => {
      p.value = this.values[i]!;
    });
    this.net.parametersChanged();
  }

  /** Copies all parameters into dst (length size). */
  save(dst: Float64Array): void {
    let o = 0;
    for (const s of this.segments()) {
      dst.set(s.params, o);
      o += s.params.length;
    }
  }

  /** Writes all parameters from src. */
  load(src: Float64Array): void {
    let o = 0;
    for (const s of this.segments()) {
      s.params.set(src.subarray(o, o + s.params.length));
      o += s.params.length;
    }
    this.commit();
  }

  /** Copies the gradient into dst. */
  saveGradient(dst: Float64Array): void {
    let o = 0;
    for (const s of this.segments()) {
      dst.set(s.grads, o);
      o += s.grads.length;
    }
  }

  /** ‖gradient‖₂ */
  gradientNorm(): number {
    let s = 0;
    for (const seg of this.segments()) {
      const g = seg.grads;
      for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!;
    }
    return Math.sqrt(s);
  }

  /** max |gradient entry| (the network's part in one WebAssembly pass); NaN or Infinity when one is not finite */
  gradientMaxAbs(): number {
    return Math.max(this.net.parameterStore().maxAbs('grads'), maxAbs(this.grads));
  }

  /** true when every parameter and scalar is finite */
  finite(): boolean {
    return Number.isFinite(this.net.parameterStore().maxAbs('params')) && Number.isFinite(maxAbs(this.values));
  }

  /** gradient *= c */
  scaleGradient(c: number): void {
    for (const seg of this.segments()) {
      const g = seg.grads;
      for (let i = 0; i < g.length; i++) g[i] = g[i]! * c;
    }
  }

  /** The compact form of a network-shaped buffer (flat layout) and a scalar array. */
  pack(net: ArrayLike<number>, scalars: ArrayLike<number>): number[] {
    const out = new Array<number>(this.compactSize);
    const at = this.offsets;
    for (let k = 0; k < at.length; k++) out[k] = net[at[k]!]!;
    for (let k = 0; k < scalars.length; k++) out[at.length + k] = scalars[k]!;
    return out;
  }

  /** Writes a compact form back: the network part into its flat layout (padding zeroed), then the scalars. */
  unpack(values: readonly number[], net: Real, scalars: Float64Array): void {
    const at = this.offsets;
    net.fill(0);
    for (let k = 0; k < at.length; k++) net[at[k]!] = values[k]!;
    for (let k = 0; k < scalars.length; k++) scalars[k] = values[at.length + k]!;
  }

  /** The compact form of a vector over all trainables (length size). */
  packVector(v: Float64Array): number[] {
    return this.pack(v.subarray(0, this.flat), v.subarray(this.flat));
  }

  /** The compact form of a vector over all trainables (length size) into out (length ≥ compactSize). */
  packInto(v: Float64Array, out: Float64Array): void {
    const at = this.offsets,
      k = at.length;
    for (let i = 0; i < k; i++) out[i] = v[at[i]!]!;
    for (let i = 0; i < this.scalars.length; i++) out[k + i] = v[this.flat + i]!;
  }

  /** −1 times a compact vector, written over all trainables (padding zeroed): a direction −H·g. */
  unpackNegated(c: Float64Array, v: Float64Array): void {
    const at = this.offsets,
      k = at.length;
    v.fill(0, 0, this.flat);
    for (let i = 0; i < k; i++) v[at[i]!] = -c[i]!;
    for (let i = 0; i < this.scalars.length; i++) v[this.flat + i] = -c[k + i]!;
  }

  /** A vector over all trainables from its compact form. */
  unpackVector(values: readonly number[], v: Float64Array): void {
    this.unpack(values, v.subarray(0, this.flat), v.subarray(this.flat));
  }
}
