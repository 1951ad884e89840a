// Mlp: a fully connected network in WebAssembly memory, with jets of its outputs with
// respect to its inputs (forward mode in x) and parameter gradients of any loss on
// those jets (reverse mode in W, b). Parameters and gradients are one flat buffer each
// (layer by layer: W [outP][inP] then b [outP], feature dimensions padded to whole SIMD
// vectors with zeros), so optimizers update them in place.
import { checkBoolean, checkKeys, checkNumbers, checkObject, describe } from '../check.js';
import { JetfitError } from '../errors.js';
import { getCore, type Core } from '../runtime/core.js';
import { hasSecondDerivative, type Activation } from './activation.js';
import { allocReal, bytesOf, padded, type DType, type Real } from './dtype.js';
import { initializer } from './init.js';
import {
  cotangentKeys,
  jetOrder,
  missingFor,
  pairIndex,
  specFromCotangents,
  specFromRequest,
  specKey,
  type Cotangents,
  type JetRequest,
  type JetSpec,
} from './jet-spec.js';
import { checkSavedParams, resolveMlpOptions, type MlpOptions } from './mlp-options.js';
import { Plan, type LayerLayout, type PassMode } from './plan.js';
import { checkPoints, copyPoints, type Points } from './points.js';

export type { MlpOptions } from './mlp-options.js';

/** One layer's parameters: W row-major [out][in], b [out]. */
export interface LayerParams {
  W: Real;
  b: Real;
}

/** Parameters as given to setParams: any flat numbers of the right lengths. */
export interface LayerParamsInput {
  W: ArrayLike<number>;
  b: ArrayLike<number>;
}

/** Jets of the outputs at a batch of points (flat, row-major, the network's dtype). */
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

/** A saved network (Mlp.toJSON): exact, float64 values round-trip bitwise. */
export interface MlpJSON {
  format: 'jetfit.mlp';
  version: 1;
  sizes: number[];
  activation: Activation;
  dtype: DType;
  params: { W: number[]; b: number[] }[];
}

/** Options of a backward pass. */
export interface BackwardOptions {
  /** add into the gradient buffer instead of overwriting it (for losses with several terms) */
  accumulate?: boolean;
}

const MAX_PLANS = 6;

/** A multilayer perceptron with input jets and second-order parameter gradients. */
export class Mlp {
  /** layer sizes [n, ..., m] */
  readonly sizes: readonly number[];
  /** hidden activation */
  readonly activation: Activation;
  /** element type */
  readonly dtype: DType;
  /** number of inputs n */
  readonly inputs: number;
  /** number of outputs m */
  readonly outputs: number;
  /** number of trainable scalars (weights and biases, without padding) */
  readonly parameterCount: number;

  private readonly core: Core;
  private readonly layout: LayerLayout[] = [];
  private readonly S: number;
  private paramsPtr = 0;
  private gradsPtr = 0;
  private wtPtr = 0;
  /** length of the flat (padded) parameter buffer, in elements */
  private readonly flatLength: number;
  private readonly plans = new Map<string, Plan>();
  private isDisposed = false;
  /** what holds the network for training (a fit call), or null */
  private owner: string | null = null;
  private version = 0;

  /** @param options sizes, activation, dtype, seed, init; every key and value is checked before anything is allocated */
  constructor(options: MlpOptions) {
    this.core = getCore('new Mlp');
    const o = resolveMlpOptions(options);
    const sizes = o.sizes;
    this.sizes = sizes;
    this.activation = o.activation;
    const act = o.act;
    this.dtype = o.dtype;
    const draw = initializer(o.init, o.seed);
    this.S = bytesOf(this.dtype);
    this.inputs = sizes[0]!;
    this.outputs = sizes[sizes.length - 1]!;

    let flat = 0,
      wt = 0,
      count = 0;
    const shapes = sizes.slice(1).map((out, i) => {
      const inn = sizes[i]!;
      const inP = padded(inn, this.dtype),
        outP = padded(out, this.dtype);
      const s = { in: inn, out, inP, outP, w: flat, wt };
      flat += outP * inP + outP;
      wt += inP * outP;
      count += out * inn + out;
      return s;
    });
    this.flatLength = flat;
    this.parameterCount = count;
    const heap = this.core.heap;
    try {
      this.paramsPtr = heap.alloc(flat * this.S, 'the parameters');
      this.gradsPtr = heap.alloc(flat * this.S, 'the gradients');
      this.wtPtr = heap.alloc(wt * this.S, 'the transposed weights');
    } catch (e) {
      heap.release(this.paramsPtr);
      heap.release(this.gradsPtr);
      heap.release(this.wtPtr);
      throw e;
    }
    shapes.forEach((s, i) => {
      this.layout.push({
        in: s.in,
        out: s.out,
        inP: s.inP,
        outP: s.outP,
        W: this.paramsPtr + s.w * this.S,
        b: this.paramsPtr + (s.w + s.outP * s.inP) * this.S,
        Wbar: this.gradsPtr + s.w * this.S,
        bbar: this.gradsPtr + (s.w + s.outP * s.inP) * this.S,
        Wt: this.wtPtr + s.wt * this.S,
        act: i < shapes.length - 1 ? act : 0,
      });
    });
    const view = this.view();
    view.fill(0, this.paramsPtr / this.S, this.paramsPtr / this.S + flat);
    view.fill(0, this.gradsPtr / this.S, this.gradsPtr / this.S + flat);
    for (const l of this.layout) {
      const w = l.W / this.S;
      for (let o = 0; o < l.out; o++) for (let i = 0; i < l.in; i++) view[w + o * l.inP + i] = draw(l.in, l.out);
    }
  }

  private view(): Real {
    return this.dtype === 'float64' ? this.core.heap.f64 : this.core.heap.f32;
  }

  /** true once dispose() has run: every later call is refused */
  get disposed(): boolean {
    return this.isDisposed;
  }

  /** true while a fit call trains this network: calls that change its parameters are refused */
  get busy(): boolean {
    return this.owner !== null;
  }

  private check(what: string): void {
    if (this.isDisposed) throw new JetfitError(`${what}: this Mlp was disposed; create a new one`);
  }

  private checkIdle(what: string): void {
    this.check(what);
    if (this.owner !== null) {
      throw new JetfitError(
        `${what}: this network is being trained by ${this.owner}; wait for it to finish (await it), ` +
          'stop it (onStep returning false, or an AbortSignal), or work on a copy: Mlp.fromJSON(net.toJSON())',
      );
    }
  }

  /** @internal takes the network for a training run; refused while another holds it */
  acquire(owner: string): void {
    this.check(owner);
    if (this.owner !== null) {
      throw new JetfitError(
        `${owner}: this network is already being trained by another ${this.owner} call; await it first, ` +
          'or train a copy: const copy = Mlp.fromJSON(net.toJSON())',
      );
    }
    this.owner = owner;
  }

  /** @internal gives the network back after acquire */
  releaseOwner(): void {
    this.owner = null;
  }

  /** A copy of the parameters: per layer W [out][in] row-major and b [out], in the network's dtype. */
  getParams(): LayerParams[] {
    this.check('getParams');
    const v = this.view();
    return this.layout.map((l) => {
      const W = allocReal(this.dtype, l.out * l.in),
        b = allocReal(this.dtype, l.out);
      const w = l.W / this.S,
        bb = l.b / this.S;
      for (let o = 0; o < l.out; o++) W.set(v.subarray(w + o * l.inP, w + o * l.inP + l.in), o * l.in);
      b.set(v.subarray(bb, bb + l.out));
      return { W, b };
    });
  }

  /**
   * Replaces every parameter. `params` has getParams()'s layout; every length and value is
   * checked before anything is written, so a failed call changes nothing.
   */
  setParams(params: readonly LayerParamsInput[]): void {
    this.checkIdle('setParams');
    if (!Array.isArray(params) || params.length !== this.layout.length) {
      throw new JetfitError(
        `params: expected an array of ${this.layout.length} layers ({ W, b } each), got ` +
          `${Array.isArray(params) ? `${params.length} layers` : typeof params}`,
      );
    }
    this.layout.forEach((l, i) => {
      const p = params[i];
      if (!p || typeof p !== 'object') throw new JetfitError(`params[${i}]: expected { W, b }, got ${describe(p)}`);
      checkNumbers(p.W, l.out * l.in, `params[${i}].W`, `[${l.out}][${l.in}] row-major`, this.dtype === 'float32');
      checkNumbers(p.b, l.out, `params[${i}].b`, `[${l.out}]`, this.dtype === 'float32');
    });
    const v = this.view();
    this.layout.forEach((l, i) => {
      const { W, b } = params[i]!;
      const w = l.W / this.S,
        bb = l.b / this.S;
      for (let o = 0; o < l.out; o++) for (let j = 0; j < l.in; j++) v[w + o * l.inP + j] = W[o * l.in + j]!;
      for (let o = 0; o < l.out; o++) v[bb + o] = b[o]!;
    });
    this.version++;
  }

  /** Jets of the outputs at the points x: y always; Jacobian, Hessian or Laplacian when asked. */
  evaluate(x: Points, request?: JetRequest): Jets {
    const spec = this.specFor(request, 'evaluate(x, options)');
    const plan = this.run(x, spec, false, this.checkPoints(x));
    return this.readJets(plan, spec, request);
  }

  /**
   * The same jets as evaluate, keeping the pass so that `pass.backward(cotangents)` can
   * give parameter gradients without recomputing the forward pass.
   */
  forward(x: Points, request?: JetRequest): ForwardPass {
    const spec = this.specFor(request, 'forward(x, options)');
    const plan = this.run(x, spec, true, this.checkPoints(x));
    return new ForwardPass(this, plan, plan.generation, this.version, this.readJets(plan, spec, request));
  }

  /**
   * The gradient with respect to every W and b of Σ (cotangent × jet component) over all
   * entries given, i.e. the vector-Jacobian product of the jets. Only the jet components
   * the cotangents refer to are computed.
   */
  gradients(x: Points, cotangents: Cotangents): LayerParams[] {
    this.check('gradients');
    const spec = specFromCotangents(this.inputs, cotangents, 'cotangents');
    this.checkSecondOrder(spec, 'cotangents');
    const batch = this.checkPoints(x);
    this.checkCotangents(spec, batch, cotangents);
    const plan = this.run(x, spec, true, batch);
    this.writeCotangents(plan, cotangents, false);
    return this.readGradients();
  }

  /** The network as plain JSON data; `Mlp.fromJSON` rebuilds it exactly. */
  toJSON(): MlpJSON {
    this.check('toJSON');
    return {
      format: 'jetfit.mlp',
      version: 1,
      sizes: [...this.sizes],
      activation: this.activation,
      dtype: this.dtype,
      params: this.getParams().map(({ W, b }) => ({ W: Array.from(W), b: Array.from(b) })),
    };
  }

  /** Rebuilds a network saved with toJSON (an object or its JSON string). */
  static fromJSON(json: MlpJSON | string): Mlp {
    const what = 'Mlp.fromJSON: ';
    let data: unknown = json;
    if (typeof json === 'string') {
      try {
        data = JSON.parse(json);
      } catch (e) {
        throw new JetfitError(`${what}not valid JSON: ${(e as Error).message}`);
      }
    }
    const d = data as Partial<MlpJSON> | null;
    if (!d || typeof d !== 'object' || d.format !== 'jetfit.mlp' || d.version !== 1) {
      throw new JetfitError(`${what}expected an object saved by net.toJSON() (format 'jetfit.mlp', version 1)`);
    }
    const keys = ['format', 'version', 'sizes', 'activation', 'dtype', 'params'];
    checkKeys(d, keys, 'Mlp.fromJSON');
    // A saved network states everything: a missing dtype must not quietly become float32.
    const missing = keys.find((k) => (d as Record<string, unknown>)[k] === undefined);
    if (missing) throw new JetfitError(`${what}${missing}: missing; a document saved by net.toJSON() has ${keys.join(', ')}`);
    // Everything is checked before the network is allocated: a small document declaring
    // huge sizes costs nothing.
    const o = resolveMlpOptions({ sizes: d.sizes, activation: d.activation, dtype: d.dtype, seed: 0 }, 'Mlp.fromJSON');
    checkSavedParams(d.params, o.sizes, o.dtype, what);
    const net = new Mlp({ sizes: o.sizes, activation: o.activation, dtype: o.dtype, seed: 0 });
    try {
      net.setParams(d.params as LayerParamsInput[]);
    } catch (e) {
      net.dispose();
      throw e;
    }
    return net;
  }

  /** Frees the network's WebAssembly memory; any later use is an error. */
  dispose(): void {
    if (this.isDisposed) return;
    for (const p of this.plans.values()) p.release();
    this.plans.clear();
    const heap = this.core.heap;
    for (const b of this.stateBuffers.values()) heap.release(b.ptr);
    this.stateBuffers.clear();
    heap.release(this.paramsPtr);
    heap.release(this.gradsPtr);
    heap.release(this.wtPtr);
    this.isDisposed = true;
    this.viewsOf = null;
    this.paramsView = null;
    this.gradsView = null;
  }

  // ---- internals (used by ForwardPass and by training) ----

  private viewsOf: ArrayBuffer | null = null;
  private paramsView: Real | null = null;
  private gradsView: Real | null = null;

  private refreshViews(): void {
    const buffer = this.core.heap.memory.buffer as ArrayBuffer;
    if (buffer !== this.viewsOf) {
      const v = this.view(),
        p = this.paramsPtr / this.S,
        g = this.gradsPtr / this.S;
      this.paramsView = v.subarray(p, p + this.flatLength);
      this.gradsView = v.subarray(g, g + this.flatLength);
      this.viewsOf = buffer;
    }
  }

  private offsets: Int32Array | null = null;

  /**
   * @internal where each real parameter lives in the flat padded buffer, in getParams()
   * order (per layer W row-major, then b): saved states hold only these, never padding.
   */
  parameterOffsets(): Int32Array {
    if (!this.offsets) {
      const at = new Int32Array(this.parameterCount);
      let k = 0;
      for (const l of this.layout) {
        const w = (l.W - this.paramsPtr) / this.S,
          b = (l.b - this.paramsPtr) / this.S;
        for (let o = 0; o < l.out; o++) for (let i = 0; i < l.in; i++) at[k++] = w + o * l.inP + i;
        for (let o = 0; o < l.out; o++) at[k++] = b + o;
      }
      this.offsets = at;
    }
    return this.offsets;
  }

  /** @internal the flat padded parameter buffer, a live view (re-fetch after any allocation) */
  parameterView(): Real {
    this.check('parameters');
    this.refreshViews();
    return this.paramsView!;
  }

  /** @internal the flat padded gradient buffer, a live view */
  gradientView(): Real {
    this.check('gradients');
    this.refreshViews();
    return this.gradsView!;
  }

  private readonly stateBuffers = new Map<string, { ptr: number; view: Real | null; of: ArrayBuffer | null }>();

  /**
   * @internal a flat buffer shaped like the parameters, in WebAssembly memory (for
   * optimizer state); zero-filled when first asked for or when `reset` is true
   */
  stateBuffer(name: string, reset = false): Real {
    this.check('optimizer');
    let b = this.stateBuffers.get(name);
    if (!b) {
      b = { ptr: this.core.heap.alloc(this.flatLength * this.S, 'optimizer state'), view: null, of: null };
      this.stateBuffers.set(name, b);
      reset = true;
    }
    const buffer = this.core.heap.memory.buffer as ArrayBuffer;
    if (b.of !== buffer) {
      const o = b.ptr / this.S;
      b.view = this.view().subarray(o, o + this.flatLength);
      b.of = buffer;
    }
    if (reset) b.view!.fill(0);
    return b.view!;
  }

  private statePtr(name: string): number {
    this.stateBuffer(name);
    return this.stateBuffers.get(name)!.ptr;
  }

  /** @internal Adam/AdamW update of the parameter buffer in place (state in stateBuffer(m), (v)) */
  adamUpdate(m: string, v: string, step: number, root: number, b1: number, b2: number, eps: number, decay: number, l2: number): void {
    this.check('optimizer');
    const M = this.statePtr(m),
      V = this.statePtr(v);
    (this.dtype === 'float64' ? this.core.exports.adam_f64 : this.core.exports.adam_f32)(
      this.paramsPtr,
      this.gradsPtr,
      M,
      V,
      this.flatLength,
      step,
      root,
      b1,
      b2,
      eps,
      decay,
      l2,
    );
  }

  /** @internal SGD update of the parameter buffer in place (momentum in stateBuffer(u)) */
  sgdUpdate(u: string, lr: number, mu: number, nesterov: boolean, wd: number): void {
    this.check('optimizer');
    const U = mu !== 0 ? this.statePtr(u) : 0;
    (this.dtype === 'float64' ? this.core.exports.sgd_f64 : this.core.exports.sgd_f32)(
      this.paramsPtr,
      this.gradsPtr,
      U,
      this.flatLength,
      lr,
      mu,
      nesterov ? 1 : 0,
      wd,
    );
  }

  /** @internal max |parameter| over the flat buffer (padding is zero): NaN or Infinity when one is not finite */
  parameterMaxAbs(): number {
    this.check('parameters');
    return (this.dtype === 'float64' ? this.core.exports.max_abs_f64 : this.core.exports.max_abs_f32)(this.paramsPtr, this.flatLength);
  }

  /** @internal max |gradient entry| over the flat gradient buffer, likewise */
  gradientMaxAbs(): number {
    this.check('gradients');
    return (this.dtype === 'float64' ? this.core.exports.max_abs_f64 : this.core.exports.max_abs_f32)(this.gradsPtr, this.flatLength);
  }

  /** @internal marks the parameters as changed in place (stored passes become stale) */
  parametersChanged(): void {
    this.version++;
  }

  /** @internal */
  get parameterVersion(): number {
    return this.version;
  }

  private specFor(request: JetRequest | undefined, argument: string): JetSpec {
    this.check(argument.split('(')[0]!);
    const spec = specFromRequest(this.inputs, request, argument);
    this.checkSecondOrder(spec, argument);
    return spec;
  }

  /** @internal refuses second-order jets on a network whose activation has no second derivative */
  checkSecondOrder(spec: JetSpec, argument: string): void {
    if (jetOrder(spec) === 2 && !hasSecondDerivative(this.activation)) {
      throw new JetfitError(
        `${argument}: second derivatives were asked for, but the network uses ` +
          `'${this.activation}', whose second derivative is zero everywhere it exists: a Hessian or Laplacian ` +
          "would be identically zero and a loss on it could not train the network. Use a smooth activation such as 'tanh', 'silu' or 'gelu'",
      );
    }
  }

  /**
   * Forward jets for second-order quantities; reverse mode for a value/Jacobian loss when
   * there are fewer outputs than inputs (cost 3 + 3m against 3(1 + n) column passes).
   */
  private modeFor(spec: JetSpec): PassMode {
    const firstOrderOnly = spec.pairs.length === 0 && !spec.laplacian && spec.dirs.length === this.inputs;
    return firstOrderOnly && this.outputs < this.inputs ? 'reverse' : 'forward';
  }

  /** plans by spec object, so that a training loop's repeated lookups build no strings */
  private readonly bySpec = new WeakMap<JetSpec, Plan[]>();

  private planFor(batch: number, spec: JetSpec): Plan {
    const known = this.bySpec.get(spec);
    if (known) for (const p of known) if (p.batch === batch && !p.disposed) return p;
    const plan = this.planByKey(batch, spec);
    if (known) known.push(plan);
    else this.bySpec.set(spec, [plan]);
    return plan;
  }

  private planByKey(batch: number, spec: JetSpec): Plan {
    const mode = this.modeFor(spec);
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
    plan = new Plan(this.core, this.layout, batch, spec, mode, this.outputs, this.dtype);
    this.plans.set(key, plan);
    return plan;
  }

  /** @internal copies checked points x (`batch` of them) in and runs the forward pass of the plan for (batch, spec) */
  run(x: Points, spec: JetSpec, keep: boolean, batch: number): Plan {
    this.check('forward');
    const plan = this.planFor(batch, spec);
    copyPoints(x, this.inputs, this.layout[0]!.inP, this.view(), plan.x / this.S);
    plan.setFlags(keep, false);
    const ex = this.core.exports;
    const f64 = this.dtype === 'float64';
    if (plan.mode === 'reverse') (f64 ? ex.forward_reverse_f64 : ex.forward_reverse_f32)(plan.words);
    else (f64 ? ex.forward_f64 : ex.forward_f32)(plan.words);
    plan.generation++;
    return plan;
  }

  private readJets(plan: Plan, spec: JetSpec, request: JetRequest | undefined): Jets {
    const B = plan.batch,
      m = this.outputs,
      n = this.inputs;
    const mP = this.layout[this.layout.length - 1]!.outP;
    const v = this.view();
    const base = plan.out / this.S;
    const blk = B * mP;
    const block = (k: number, out: Real, stride: number, offset: number): void => {
      const o = base + k * blk;
      for (let p = 0; p < B; p++) for (let j = 0; j < m; j++) out[(p * m + j) * stride + offset] = v[o + p * mP + j]!;
    };
    const y = allocReal(this.dtype, B * m);
    block(0, y, 1, 0);
    const r: { batch: number; y: Real; jacobian?: Real; laplacian?: Real; hessianDiag?: Real; hessian?: Real } = { batch: B, y };
    const req = request ?? {};
    const nd = spec.dirs.length;
    if (req.jacobian) {
      const J = allocReal(this.dtype, B * m * n);
      if (plan.mode === 'reverse') {
        // [m][B][inP0] blocks, one per output
        const inP = this.layout[0]!.inP,
          jac = plan.jac / this.S;
        for (let k = 0; k < m; k++)
          for (let p = 0; p < B; p++) {
            const o = jac + (k * B + p) * inP;
            for (let i = 0; i < n; i++) J[(p * m + k) * n + i] = v[o + i]!;
          }
      } else {
        spec.dirs.forEach((i, d) => {
          block(1 + d, J, n, i);
        });
      }
      r.jacobian = J;
    }
    if (req.hessian === 'diag') {
      const Hd = allocReal(this.dtype, B * m * n);
      for (let i = 0; i < n; i++) block(1 + nd + pairIndex(spec, i, i), Hd, n, i);
      r.hessianDiag = Hd;
    }
    if (req.hessian === 'full') {
      const Hf = allocReal(this.dtype, B * m * n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) block(1 + nd + pairIndex(spec, i, j), Hf, n * n, i * n + j);
      r.hessian = Hf;
    }
    if (req.hessian === 'laplacian' || req.laplacian) {
      const lap = allocReal(this.dtype, B * m);
      if (spec.laplacian) block(1 + nd + spec.pairs.length, lap, 1, 0);
      else {
        const t = allocReal(this.dtype, B * m);
        for (let i = 0; i < n; i++) {
          block(1 + nd + pairIndex(spec, i, i), t, 1, 0);
          for (let e = 0; e < t.length; e++) lap[e]! += t[e]!;
        }
      }
      r.laplacian = lap;
    }
    return r;
  }

  /** the batch size of x after checking every point (nothing is written) */
  private checkPoints(x: Points): number {
    return checkPoints(x, this.inputs, 'x', this.dtype === 'float32');
  }

  /** @internal checks cotangents against a pass of `spec` over `B` points (nothing is written) */
  checkCotangents(spec: JetSpec, B: number, c: Cotangents): void {
    const keys = cotangentKeys(c, 'cotangents');
    const m = this.outputs,
      n = this.inputs;
    const missing = missingFor(spec, n, c);
    if (missing)
      throw new JetfitError(
        `cotangents: they refer to ${missing.what}, which this forward pass did not compute; forward with ${missing.request}`,
      );
    const lengths: Record<string, [number, string]> = {
      y: [B * m, `[${B}][${m}]`],
      jacobian: [B * m * n, `[${B}][${m}][${n}]`],
      laplacian: [B * m, `[${B}][${m}]`],
      hessianDiag: [B * m * n, `[${B}][${m}][${n}]`],
      hessian: [B * m * n * n, `[${B}][${m}][${n}][${n}]`],
    };
    for (const k of keys) checkNumbers(c[k], lengths[k]![0], `cotangents.${k}`, lengths[k]![1], this.dtype === 'float32');
  }

  /** @internal writes checked output cotangents into the plan and runs the backward pass */
  writeCotangents(plan: Plan, c: Cotangents, accumulate: boolean): void {
    this.check('backward');
    const spec = plan.spec,
      B = plan.batch,
      m = this.outputs,
      n = this.inputs;
    const mP = this.layout[this.layout.length - 1]!.outP;
    const v = this.view();
    const ex = this.core.exports;
    const f64 = this.dtype === 'float64';
    if (plan.mode === 'reverse') {
      const yb = plan.ybar / this.S,
        inP = this.layout[0]!.inP,
        jb = plan.g0 / this.S;
      v.fill(0, yb, yb + B * mP);
      if (c.y) for (let p = 0; p < B; p++) for (let k = 0; k < m; k++) v[yb + p * mP + k] = c.y[p * m + k]!;
      v.fill(0, jb, jb + m * B * inP);
      if (c.jacobian) {
        for (let k = 0; k < m; k++)
          for (let p = 0; p < B; p++) {
            const o = jb + (k * B + p) * inP;
            for (let i = 0; i < n; i++) v[o + i] = c.jacobian[(p * m + k) * n + i]!;
          }
      }
      plan.setFlags(true, accumulate);
      (f64 ? ex.backward_reverse_f64 : ex.backward_reverse_f32)(plan.words);
      return;
    }
    const base = plan.g0 / this.S;
    const blk = B * mP;
    const K = plan.blocks,
      nd = spec.dirs.length;
    v.fill(0, base, base + K * blk);
    const add = (k: number, src: ArrayLike<number>, stride: number, offset: number, scale = 1): void => {
      const o = base + k * blk;
      for (let p = 0; p < B; p++) for (let j = 0; j < m; j++) v[o + p * mP + j]! += scale * src[(p * m + j) * stride + offset]!;
    };
    if (c.y) add(0, c.y, 1, 0);
    if (c.jacobian)
      spec.dirs.forEach((i, d) => {
        add(1 + d, c.jacobian!, n, i);
      });
    if (c.hessianDiag) for (let i = 0; i < n; i++) add(1 + nd + pairIndex(spec, i, i), c.hessianDiag, n, i);
    if (c.hessian) {
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) add(1 + nd + pairIndex(spec, i, j), c.hessian, n * n, i * n + j);
    }
    if (c.laplacian) {
      if (spec.laplacian) add(1 + nd + spec.pairs.length, c.laplacian, 1, 0);
      else for (let i = 0; i < n; i++) add(1 + nd + pairIndex(spec, i, i), c.laplacian, 1, 0);
    }
    plan.setFlags(true, accumulate);
    (f64 ? ex.backward_f64 : ex.backward_f32)(plan.words);
  }

  /**
   * @internal where component `c` ('v', 'd3', 'p1,2', 'L') of output k lives in a plan:
   * element offset of point 0 and the stride between points.
   */
  private locate(plan: Plan, k: number, c: string, cotangent: boolean): { at: number; stride: number } {
    const B = plan.batch,
      spec = plan.spec;
    const mP = this.layout[this.layout.length - 1]!.outP;
    if (plan.mode === 'reverse') {
      const inP = this.layout[0]!.inP;
      if (c === 'v') return { at: (cotangent ? plan.ybar : plan.out) / this.S + k, stride: mP };
      const i = Number(c.slice(1));
      return { at: (cotangent ? plan.g0 : plan.jac) / this.S + k * B * inP + i, stride: inP };
    }
    let block: number;
    const nd = spec.dirs.length;
    if (c === 'v') block = 0;
    else if (c === 'L') block = plan.blocks - 1;
    else if (c.startsWith('d')) block = 1 + spec.dirs.indexOf(Number(c.slice(1)));
    else {
      const [i, j] = c.slice(1).split(',').map(Number) as [number, number];
      block = 1 + nd + pairIndex(spec, i, j);
    }
    return { at: (cotangent ? plan.g0 : plan.out) / this.S + block * B * mP + k, stride: mP };
  }

  /** @internal copies component c of output k of the last pass through `plan` into dst [B] */
  readComponent(plan: Plan, k: number, c: string, dst: Float64Array): void {
    this.check('forward');
    const { at, stride } = this.locate(plan, k, c, false);
    const v = this.view();
    for (let p = 0; p < plan.batch; p++) dst[p] = v[at + p * stride]!;
  }

  /** @internal zeroes the plan's cotangent inputs */
  clearCotangents(plan: Plan): void {
    this.check('backward');
    const v = this.view();
    const B = plan.batch,
      mP = this.layout[this.layout.length - 1]!.outP;
    if (plan.mode === 'reverse') {
      v.fill(0, plan.ybar / this.S, plan.ybar / this.S + B * mP);
      v.fill(0, plan.g0 / this.S, plan.g0 / this.S + this.outputs * B * this.layout[0]!.inP);
    } else {
      v.fill(0, plan.g0 / this.S, plan.g0 / this.S + plan.blocks * B * mP);
    }
  }

  /** @internal adds src [B] to the cotangent of component c of output k */
  addCotangent(plan: Plan, k: number, c: string, src: Float64Array): void {
    this.check('backward');
    const { at, stride } = this.locate(plan, k, c, true);
    const v = this.view();
    for (let p = 0; p < plan.batch; p++) v[at + p * stride]! += src[p]!;
  }

  /** @internal runs the backward pass on cotangents already written into the plan */
  backwardWritten(plan: Plan, accumulate: boolean): void {
    this.check('backward');
    plan.setFlags(true, accumulate);
    const ex = this.core.exports;
    const f64 = this.dtype === 'float64';
    if (plan.mode === 'reverse') (f64 ? ex.backward_reverse_f64 : ex.backward_reverse_f32)(plan.words);
    else (f64 ? ex.backward_f64 : ex.backward_f32)(plan.words);
  }

  /** @internal copies the gradient buffer out in getParams() layout */
  readGradients(): LayerParams[] {
    this.check('gradients');
    const v = this.view();
    return this.layout.map((l) => {
      const W = allocReal(this.dtype, l.out * l.in),
        b = allocReal(this.dtype, l.out);
      const w = l.Wbar / this.S,
        bb = l.bbar / this.S;
      for (let o = 0; o < l.out; o++) W.set(v.subarray(w + o * l.inP, w + o * l.inP + l.in), o * l.in);
      b.set(v.subarray(bb, bb + l.out));
      return { W, b };
    });
  }
}

/** A forward pass kept for one backward pass (see Mlp.forward). */
export class ForwardPass implements Jets {
  /** number of points */
  readonly batch: number;
  /** outputs [B][m] */
  readonly y: Real;
  /** dy/dx [B][m][n] (when asked for) */
  readonly jacobian?: Real;
  /** Laplacian [B][m] (when asked for) */
  readonly laplacian?: Real;
  /** Hessian diagonal [B][m][n] (when asked for) */
  readonly hessianDiag?: Real;
  /** full Hessian [B][m][n][n] (when asked for) */
  readonly hessian?: Real;

  /** @internal */
  constructor(
    private readonly net: Mlp,
    private readonly plan: Plan,
    private readonly generation: number,
    private readonly version: number,
    jets: Jets,
  ) {
    this.batch = jets.batch;
    this.y = jets.y;
    if (jets.jacobian) this.jacobian = jets.jacobian;
    if (jets.laplacian) this.laplacian = jets.laplacian;
    if (jets.hessianDiag) this.hessianDiag = jets.hessianDiag;
    if (jets.hessian) this.hessian = jets.hessian;
  }

  /**
   * Parameter gradients of Σ (cotangent × jet component), reusing this pass's stored
   * activations and jets (no recomputation). Layout as getParams().
   */
  backward(cotangents: Cotangents, options?: BackwardOptions): LayerParams[] {
    this.backwardInPlace(cotangents, options);
    return this.net.readGradients();
  }

  /** @internal backward into the network's flat gradient buffer, without copying out */
  backwardInPlace(cotangents: Cotangents, options?: BackwardOptions): void {
    if (this.plan.disposed)
      throw new JetfitError(
        'backward: this pass was released (its network was disposed, or many passes of other shapes came after it); run forward again',
      );
    if (this.plan.generation !== this.generation) {
      throw new JetfitError('backward: a later forward pass with the same batch size and jets has overwritten this one; run forward again');
    }
    if (this.net.parameterVersion !== this.version) {
      throw new JetfitError('backward: the parameters changed since this forward pass; run forward again');
    }
    const o = checkObject<BackwardOptions>(options, 'backward(cotangents, options)', '{ accumulate: true }');
    checkKeys(o, ['accumulate'], 'backward(cotangents, options)');
    const accumulate = checkBoolean(o.accumulate, 'backward(cotangents, options).accumulate');
    this.net.checkCotangents(this.plan.spec, this.plan.batch, cotangents);
    this.net.writeCotangents(this.plan, cotangents, accumulate);
  }
}
