// Mlp: a fully connected network in WebAssembly memory, with jets of its outputs with
// respect to its inputs (forward mode in x) and parameter gradients of any loss on those
// jets (reverse mode in W, b). A facade over its parts: the parameter store (padded
// layout, copies in and out), the plan cache (buffers per batch shape), the jet layout
// (where each component lives) and the dtype's kernels.
import { JetfitError } from '../base/errors.js';
import { getCore, type Core } from '../runtime/core.js';
import { refuseWithoutSecondDerivative, type Activation } from './activation.js';
import type { Component } from './component.js';
import { allocReal, type DType, type Real } from '../base/dtype.js';
import { ForwardPass } from './forward-pass.js';
import { initializer } from './init.js';
import { checkJetsFinite, JetLayout, type Jets } from './jet-layout.js';
import {
  blockCount,
  checkCotangents,
  jetOrder,
  specFromCotangents,
  specFromRequest,
  type Cotangents,
  type JetRequest,
  type JetSpec,
} from './jet-spec.js';
import { readDocument, resolveMlpOptions, type MlpJSON, type MlpOptions } from './mlp-options.js';
import { ParameterStore, snapshotParams, type LayerParams, type LayerParamsInput } from './parameter-store.js';
import type { Plan, PassMode } from './plan.js';
import { PlanCache } from './plan-cache.js';
import type { OutputTransform } from './output-transform.js';
import { writeInputJets, type InputTransform } from './input-transform.js';
import { compactRows, pointsOf } from './jacobian-rows.js';
import { evaluateOnThreads, evaluateThreads, forgetCopies } from './parallel-evaluate.js';
import { checkPoints, copyPoints, type Points } from '../base/points.js';

export type { MlpJSON } from './mlp-options.js';

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
  private readonly store: ParameterStore;
  private readonly plans: PlanCache;
  private readonly jets: JetLayout;
  private isDisposed = false;
  /** what holds the network for training (a fit call), or null */
  private owner: string | null = null;
  private version = 0;

  /** the maps of the outputs and of the inputs that belong to the model (MlpOptions.output, .input), or null */
  readonly outputTransform: OutputTransform | null;
  readonly inputTransform: InputTransform | null;
  /** @param options sizes, activation, dtype, seed, init, output, input; every key and value is checked before anything is allocated */
  constructor(options: MlpOptions) {
    this.core = getCore('new Mlp');
    const o = resolveMlpOptions(options);
    this.outputTransform = o.output;
    this.sizes = o.sizes;
    this.activation = o.activation;
    this.dtype = o.dtype;
    this.inputs = o.sizes[0]!;
    this.outputs = o.sizes[o.sizes.length - 1]!;
    this.inputTransform = o.input;
    this.store = new ParameterStore(this.core, o.layerSizes, o.dtype, o.act);
    this.store.initialize(initializer(o.init, o.seed));
    this.parameterCount = this.store.parameterCount;
    const layout = this.store.layout;
    this.plans = new PlanCache(this.core, layout, this.outputs, this.dtype, o.input !== null);
    this.jets = new JetLayout(this.store.S, layout[0]!.inP, layout[layout.length - 1]!.outP, this.inputs, this.outputs);
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
    return this.store.read('params');
  }

  /**
   * Replaces every parameter. `params` has getParams()'s layout; every length and value is
   * checked before anything is written, so a failed call changes nothing.
   */
  setParams(params: readonly LayerParamsInput[]): void {
    this.check('setParams');
    if (this.owner !== null) {
      throw new JetfitError(
        `setParams: this network is being trained by ${this.owner}; wait for it to finish (await it), ` +
          'stop it (onStep returning false, or an AbortSignal), or work on a copy: Mlp.fromJSON(net.toJSON())',
      );
    }
    // each value read once: an array-like whose entries change between reads (a getter) is
    // checked and written as one snapshot
    const snapshot = snapshotParams(params);
    this.store.check(snapshot);
    this.store.write(snapshot);
    this.version++;
  }

  /** Jets of the outputs at the points x: y always; Jacobian, Hessian or Laplacian when asked. */
  evaluate(x: Points, request?: JetRequest): Jets {
    if (this.outputTransform) {
      this.check('evaluate');
      const mapped = this.outputTransform.evaluate(this, x, request);
      checkJetsFinite(mapped, this.outputs, this.dtype, 'evaluate', true);
      return mapped;
    }
    const spec = this.specFor(request, 'evaluate(x, options)');
    const B = this.checkPoints(x);
    const whole = (p: Points, b: number): Jets => this.readJets(this.run(p, spec, false, b), spec, request);
    const T = evaluateThreads(this.core, B, this.parameterCount * blockCount(spec));
    const jets = T > 1 ? evaluateOnThreads(this.core, this, x, B, request, T, whole) : whole(x, B);
    checkJetsFinite(jets, this.outputs, this.dtype, 'evaluate');
    return jets;
  }

  /**
   * The same jets as evaluate, keeping the pass so that `pass.backward(cotangents)` can
   * give parameter gradients without recomputing the forward pass.
   */
  forward(x: Points, request?: JetRequest): ForwardPass {
    const spec = this.specFor(request, 'forward(x, options)');
    const plan = this.run(x, spec, true, this.checkPoints(x));
    const jets = this.readJets(plan, spec, request);
    checkJetsFinite(jets, this.outputs, this.dtype, 'forward');
    return new ForwardPass(this, plan, plan.generation, this.version, jets);
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
      ...(this.outputTransform ? { output: this.outputTransform.toJSON() } : {}),
      ...(this.inputTransform ? { input: this.inputTransform.toJSON() } : {}),
    };
  }

  /** Rebuilds a network saved with toJSON (an object or its JSON string). */
  static fromJSON(json: MlpJSON | string): Mlp {
    const o = readDocument(json);
    const maps = { ...(o.output && { output: o.output }), ...(o.input && { input: o.input }) };
    const net = new Mlp({ sizes: o.sizes, activation: o.activation, dtype: o.dtype, seed: 0, ...maps });
    try {
      net.setParams(o.params);
    } catch (e) {
      net.dispose();
      throw e;
    }
    return net;
  }

  /** Frees the network's WebAssembly memory; any later use is an error. */
  dispose(): void {
    if (this.isDisposed) return;
    forgetCopies(this.core, this);
    this.plans.release();
    this.store.dispose();
    this.isDisposed = true;
  }

  // ---- internals (used by ForwardPass and by training) ----

  /** @internal the parameter store (checked alive): flat views, offsets, optimizer buffers, kernels */
  parameterStore(): ParameterStore {
    this.check('parameters');
    return this.store;
  }

  /** @internal the flat padded parameter buffer, a live view (re-fetch after any allocation) */
  parameterView(): Real {
    this.check('parameters');
    return this.store.flat('params');
  }

  /** @internal the flat padded gradient buffer, a live view */
  gradientView(): Real {
    this.check('gradients');
    return this.store.flat('grads');
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
    if (jetOrder(spec) === 2) refuseWithoutSecondDerivative(this.activation, argument);
  }

  /**
   * Forward jets for second-order quantities; reverse mode for a value/Jacobian loss when
   * there are fewer outputs than inputs (cost 3 + 3m against 3(1 + n) column passes).
   */
  private modeFor(spec: JetSpec): PassMode {
    const firstOrderOnly = spec.pairs.length === 0 && !spec.laplacian && spec.dirs.length === this.inputs;
    return firstOrderOnly && this.outputs < this.inputs && !this.inputTransform ? 'reverse' : 'forward';
  }

  /**
   * @internal copies checked points x (`batch` of them) in and runs the forward pass of the
   * plan for (batch, spec); `forwardJets` forces forward mode (Jacobian rows need it)
   */
  run(x: Points, spec: JetSpec, keep: boolean, batch: number, forwardJets = false): Plan {
    this.check('forward');
    const plan = this.plans.get(batch, spec, forwardJets ? 'forward' : this.modeFor(spec));
    const [view, at, inP] = [this.store.view(), plan.x / this.store.S, this.store.layout[0]!.inP];
    if (this.inputTransform) writeInputJets(this.inputTransform, x, this.inputs, batch, spec, view, at, inP);
    else copyPoints(x, this.inputs, inP, view, at);
    plan.setFlags(keep, false);
    if (plan.mode === 'reverse') this.store.kernels.forwardReverse(plan.words);
    else this.store.kernels.forward(plan.words);
    plan.generation++;
    return plan;
  }

  private readJets(plan: Plan, spec: JetSpec, request: JetRequest | undefined): Jets {
    const want = { jacobian: request?.jacobian === true, hessian: request?.hessian, laplacian: request?.laplacian === true };
    return this.jets.readJets(this.store.view(), plan, spec, want, (n) => allocReal(this.dtype, n));
  }

  /** the batch size of x after checking every point (nothing is written) */
  private checkPoints(x: Points): number {
    return checkPoints(x, this.inputs, 'x', this.dtype === 'float32');
  }

  /** @internal checks cotangents against a pass of `spec` over `B` points (nothing is written) */
  checkCotangents(spec: JetSpec, B: number, c: Cotangents): void {
    checkCotangents(spec, B, this.outputs, this.inputs, c, this.dtype === 'float32');
  }

  /**
   * @internal writes checked output cotangents into the plan (each flat, row-major, like
   * the jet it belongs to) and runs the backward pass. Reverse mode sets them; forward
   * mode adds them into zeroed blocks (the Hessian's (i, j) and (j, i) share one block).
   */
  writeCotangents(plan: Plan, c: Cotangents, accumulate: boolean): void {
    this.check('backward');
    this.jets.writeCotangents(this.store.view(), plan, c);
    this.backwardWritten(plan, accumulate);
  }

  /** @internal copies component c of output k of the last pass through `plan` into dst [B] */
  readComponent(plan: Plan, k: number, c: Component, dst: Float64Array): void {
    this.check('forward');
    this.jets.read(this.store.view(), plan, k, c, dst);
  }

  /** @internal zeroes the plan's cotangent inputs */
  clearCotangents(plan: Plan): void {
    this.check('backward');
    this.jets.clear(this.store.view(), plan);
  }

  /** @internal adds src [B] to the cotangent of component c of output k */
  addCotangent(plan: Plan, k: number, c: Component, src: Float64Array): void {
    this.check('backward');
    this.jets.write(this.store.view(), plan, k, c, src);
  }

  /** @internal runs the backward pass on cotangents already written into the plan */
  backwardWritten(plan: Plan, accumulate: boolean): void {
    this.check('backward');
    plan.setFlags(true, accumulate);
    if (plan.mode === 'reverse') this.store.kernels.backwardReverse(plan.words);
    else this.store.kernels.backward(plan.words);
  }

  /** @internal the compact Jacobian rows [B][parameterCount] of checked cotangents (see jacobian-rows.ts) */
  jacobianRowsOf(plan: Plan, c: Cotangents): Float64Array[] {
    this.check('backward');
    const fwd = plan.mode === 'forward' ? plan : this.run(pointsOf(this.store, plan, this.inputs), plan.spec, true, plan.batch, true);
    return compactRows(this.store, this.core.heap, fwd, (p) => {
      this.jets.writeCotangents(this.store.view(), p, c);
    });
  }

  /** @internal copies the gradient buffer out in getParams() layout */
  readGradients(): LayerParams[] {
    this.check('gradients');
    return this.store.read('grads');
  }
}
