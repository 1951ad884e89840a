// A network's parameters in WebAssembly memory: the padded layout, the flat parameter and
// gradient buffers, and the one routine that copies between them and getParams()'s
// layout. Layout: layer by layer, W [outP][inP] row-major then b [outP], every feature
// dimension padded to whole SIMD vectors with zeros (the kernels rely on the padding
// being zero: docs/memory-layout.md). Optimizers get buffers shaped like the parameters
// from here (allocateFlat); they are freed with the store.
import { checkNumbers, describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { Core } from '../runtime/core.js';
import type { Heap } from '../runtime/heap.js';
import { allocReal, bytesOf, padded, type DType, type Real } from '../base/dtype.js';
import { kernelsFor, type Kernels } from './kernels.js';
import type { LayerLayout } from './plan.js';

/** One layer's parameters: W row-major [out][in], b [out]. */
export interface LayerParams {
  W: Real;
  b: Real;
}

/** A float64 block in WebAssembly memory (ParameterStore.allocateFloat64). */
export interface Float64Block {
  /** byte offset */
  readonly ptr: number;
  /** a live view (re-fetched when memory has grown) */
  view(): Float64Array;
  /** returns it to the heap (idempotent) */
  release(): void;
}

/** Parameters as given to setParams: any flat numbers of the right lengths. */
export interface LayerParamsInput {
  W: ArrayLike<number>;
  b: ArrayLike<number>;
}

/** A buffer shaped like the flat parameters, in WebAssembly memory. */
export interface FlatBuffer {
  /** byte offset */
  readonly ptr: number;
  /** a live view (re-fetched when memory has grown) */
  view(): Real;
  /** returns it to the heap (idempotent; the store frees it on dispose anyway) */
  release(): void;
}

/**
 * A copy of layer parameters in which every value was read exactly once (the array and each
 * layer's W and b read once, each entry once), so that what is checked is what is written.
 * Anything that is not the expected shape is passed through for check() to name.
 */
export function snapshotParams(params: readonly LayerParamsInput[]): LayerParamsInput[] {
  if (!Array.isArray(params)) return params as LayerParamsInput[];
  const copy = (a: unknown): unknown => {
    if (a === null || typeof a !== 'object') return a;
    const length = (a as { length?: unknown }).length;
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || length > 2 ** 31) return a;
    const out = new Array<unknown>(length);
    for (let i = 0; i < length; i++) out[i] = (a as ArrayLike<unknown>)[i];
    return out;
  };
  return Array.from({ length: params.length }, (_, i) => {
    const p: unknown = params[i];
    if (p === null || typeof p !== 'object') return p as LayerParamsInput;
    const { W, b } = p as { W: unknown; b: unknown };
    return { W: copy(W), b: copy(b) } as LayerParamsInput;
  });
}

/** The parameters, gradients and transposed weights of one network. */
export class ParameterStore {
  readonly layout: LayerLayout[] = [];
  /** elements in the flat (padded) buffers */
  readonly flatLength: number;
  /** real parameters (weights and biases, no padding) */
  readonly parameterCount: number;
  /** bytes per element */
  readonly S: number;
  readonly kernels: Kernels;
  readonly params: number;
  readonly grads: number;
  private readonly wt: number;
  private readonly heap: Heap;
  private readonly owned = new Set<number>();
  private offsets: Int32Array | null = null;

  /** Allocates (zeroed) for sizes [n, ..., m]; hidden layers use activation id `act`, the last is linear. */
  constructor(
    core: Core,
    sizes: readonly number[],
    readonly dtype: DType,
    act: number,
  ) {
    this.heap = core.heap;
    this.kernels = kernelsFor(core.exports, dtype);
    const S = bytesOf(dtype);
    this.S = S;
    let flat = 0,
      wt = 0,
      count = 0;
    const shapes = sizes.slice(1).map((out, i) => {
      const inn = sizes[i]!;
      const s = { in: inn, out, inP: padded(inn, dtype), outP: padded(out, dtype), w: flat, wt };
      flat += s.outP * s.inP + s.outP;
      wt += s.inP * s.outP;
      count += out * inn + out;
      return s;
    });
    this.flatLength = flat;
    this.parameterCount = count;
    const ptrs: number[] = [];
    try {
      for (const [bytes, what] of [
        [flat * S, 'the parameters'],
        [flat * S, 'the gradients'],
        [wt * S, 'the transposed weights'],
      ] as const)
        ptrs.push(this.heap.alloc(bytes, what));
    } catch (e) {
      for (const p of ptrs) this.heap.release(p);
      throw e;
    }
    [this.params, this.grads, this.wt] = ptrs as [number, number, number];
    shapes.forEach((s, i) => {
      this.layout.push({
        in: s.in,
        out: s.out,
        inP: s.inP,
        outP: s.outP,
        W: this.params + s.w * S,
        b: this.params + (s.w + s.outP * s.inP) * S,
        Wbar: this.grads + s.w * S,
        bbar: this.grads + (s.w + s.outP * s.inP) * S,
        Wt: this.wt + s.wt * S,
        act: i < shapes.length - 1 ? act : 0,
      });
    });
    const view = this.view();
    view.fill(0, this.params / S, this.params / S + flat);
    view.fill(0, this.grads / S, this.grads / S + flat);
  }

  /** The whole WebAssembly memory as the dtype's array (index = byte offset / S). */
  view(): Real {
    return this.dtype === 'float64' ? this.heap.f64 : this.heap.f32;
  }

  /** Draws every weight (row by row, layer by layer) from `draw(fanIn, fanOut)`; biases stay zero. */
  initialize(draw: (fanIn: number, fanOut: number) => number): void {
    const view = this.view();
    for (const l of this.layout) {
      const w = l.W / this.S;
      for (let o = 0; o < l.out; o++) for (let i = 0; i < l.in; i++) view[w + o * l.inP + i] = draw(l.in, l.out);
    }
  }

  /** A copy of the parameters (or of their gradient) in getParams() layout: per layer W [out][in] and b [out]. */
  read(which: 'params' | 'grads'): LayerParams[] {
    const v = this.view(),
      S = this.S;
    return this.layout.map((l) => {
      const W = allocReal(this.dtype, l.out * l.in),
        b = allocReal(this.dtype, l.out);
      const w = (which === 'params' ? l.W : l.Wbar) / S,
        bb = (which === 'params' ? l.b : l.bbar) / S;
      for (let o = 0; o < l.out; o++) W.set(v.subarray(w + o * l.inP, w + o * l.inP + l.in), o * l.in);
      b.set(v.subarray(bb, bb + l.out));
      return { W, b };
    });
  }

  /** Checks parameters in getParams() layout: every length and value (within float32's range for float32). */
  check(params: readonly LayerParamsInput[]): void {
    if (!Array.isArray(params) || params.length !== this.layout.length) {
      throw new JetfitError(
        `params: expected an array of ${this.layout.length} layers ({ W, b } each), got ` +
          `${Array.isArray(params) ? `${params.length} layers` : describe(params)}`,
      );
    }
    const f32 = this.dtype === 'float32';
    this.layout.forEach((l, i) => {
      const p = params[i];
      if (!p || typeof p !== 'object') throw new JetfitError(`params[${i}]: expected { W, b }, got ${describe(p)}`);
      checkNumbers(p.W, l.out * l.in, `params[${i}].W`, `[${l.out}][${l.in}] row-major`, f32);
      checkNumbers(p.b, l.out, `params[${i}].b`, `[${l.out}]`, f32);
    });
  }

  /** Writes checked parameters (getParams() layout); the padding stays zero. */
  write(params: readonly LayerParamsInput[]): void {
    const v = this.view();
    this.layout.forEach((l, i) => {
      const { W, b } = params[i]!;
      const w = l.W / this.S,
        bb = l.b / this.S;
      for (let o = 0; o < l.out; o++) for (let j = 0; j < l.in; j++) v[w + o * l.inP + j] = W[o * l.in + j]!;
      for (let o = 0; o < l.out; o++) v[bb + o] = b[o]!;
    });
  }

  /**
   * Where each real parameter lives in the flat buffer, in getParams() order (per layer W
   * row-major, then b): saved states hold only these, never padding.
   */
  parameterOffsets(): Int32Array {
    if (!this.offsets) {
      const at = new Int32Array(this.parameterCount);
      let k = 0;
      for (const l of this.layout) {
        const w = (l.W - this.params) / this.S,
          b = (l.b - this.params) / this.S;
        for (let o = 0; o < l.out; o++) for (let i = 0; i < l.in; i++) at[k++] = w + o * l.inP + i;
        for (let o = 0; o < l.out; o++) at[k++] = b + o;
      }
      this.offsets = at;
    }
    return this.offsets;
  }

  private viewsOf: ArrayBuffer | null = null;
  private paramsView: Real | null = null;
  private gradsView: Real | null = null;

  /** A live view of the flat parameters or gradients (re-fetch after any allocation; cached while memory has not grown). */
  flat(which: 'params' | 'grads'): Real {
    const buffer = this.heap.memory.buffer as ArrayBuffer;
    if (buffer !== this.viewsOf) {
      const v = this.view();
      this.paramsView = v.subarray(this.params / this.S, this.params / this.S + this.flatLength);
      this.gradsView = v.subarray(this.grads / this.S, this.grads / this.S + this.flatLength);
      this.viewsOf = buffer;
    }
    return which === 'params' ? this.paramsView! : this.gradsView!;
  }

  /** max |entry| of the parameters or gradients, in one SIMD pass: NaN or Infinity when one is not finite. */
  maxAbs(which: 'params' | 'grads'): number {
    return this.kernels.maxAbs(which === 'params' ? this.params : this.grads, this.flatLength);
  }

  /** A zeroed buffer shaped like the flat parameters (optimizer state), freed with the store. */
  allocateFlat(what: string): FlatBuffer {
    const ptr = this.heap.alloc(this.flatLength * this.S, what);
    this.owned.add(ptr);
    const buffer: FlatBuffer = {
      ptr,
      view: () => {
        const o = ptr / this.S;
        return this.view().subarray(o, o + this.flatLength);
      },
      release: () => {
        if (this.owned.delete(ptr)) this.heap.release(ptr);
      },
    };
    buffer.view().fill(0);
    return buffer;
  }

  /**
   * A zeroed float64 block of `length` elements in WebAssembly memory, whatever the
   * network's dtype (the dense quasi-Newton matrix and its vectors), freed with the store.
   */
  allocateFloat64(length: number, what: string): Float64Block {
    const ptr = this.heap.alloc(length * 8, what);
    this.owned.add(ptr);
    const block: Float64Block = {
      ptr,
      view: () => {
        if (!this.owned.has(ptr)) throw new JetfitError(`${what}: this buffer was released (its network was disposed)`);
        return this.heap.f64.subarray(ptr / 8, ptr / 8 + length);
      },
      release: () => {
        if (this.owned.delete(ptr)) this.heap.release(ptr);
      },
    };
    block.view().fill(0);
    return block;
  }

  /** Returns every buffer to the heap. */
  dispose(): void {
    for (const p of this.owned) this.heap.release(p);
    this.owned.clear();
    this.heap.release(this.params);
    this.heap.release(this.grads);
    this.heap.release(this.wt);
  }
}
