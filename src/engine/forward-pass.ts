// A forward pass kept for one backward pass (Mlp.forward). It refuses to run when its
// plan was released, overwritten by a later pass of the same shape, or when the
// parameters changed since: each of those would give a gradient of something else.
import { checkBoolean, checkKeys, checkObject } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { Real } from '../base/dtype.js';
import type { Cotangents } from './jet-spec.js';
import type { Jets } from './jet-layout.js';
import type { LayerParams } from './parameter-store.js';
import type { Plan } from './plan.js';

/** What a pass needs of its network (the Mlp; named here so this file need not import it). */
export interface PassNetwork {
  readonly parameterVersion: number;
  readGradients(): LayerParams[];
  checkCotangents(spec: Plan['spec'], batch: number, cotangents: Cotangents): void;
  jacobianRowsOf(plan: Plan, cotangents: Cotangents): Float64Array[];
  writeCotangents(plan: Plan, cotangents: Cotangents, accumulate: boolean): void;
}

/** Options of a backward pass. */
export interface BackwardOptions {
  /** add into the gradient buffer instead of overwriting it (for losses with several terms) */
  accumulate?: boolean;
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
    private readonly net: PassNetwork,
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

  /**
   * Per-point parameter Jacobian rows: row p is the gradient, with respect to every
   * parameter in getParams() order (each layer's W row-major, then b), of point p's share
   * Σ_k cotangent[k][p] × jet[k][p] alone. Their sum over p is `backward(cotangents)`.
   * One backward pass keeping the per-point products instead of summing them. The
   * network's gradient buffer is untouched.
   */
  jacobianRows(cotangents: Cotangents): Float64Array[] {
    this.checkCurrent('jacobianRows');
    this.net.checkCotangents(this.plan.spec, this.plan.batch, cotangents);
    return this.net.jacobianRowsOf(this.plan, cotangents);
  }

  private checkCurrent(what: string): void {
    if (this.plan.disposed) {
      throw new JetfitError(
        `${what}: this pass was released (its network was disposed, or many passes of other shapes came after it); run forward again`,
      );
    }
    if (this.plan.generation !== this.generation) {
      throw new JetfitError(`${what}: a later forward pass with the same batch size and jets has overwritten this one; run forward again`);
    }
    if (this.net.parameterVersion !== this.version) {
      throw new JetfitError(`${what}: the parameters changed since this forward pass; run forward again`);
    }
  }

  /** @internal backward into the network's flat gradient buffer, without copying out */
  backwardInPlace(cotangents: Cotangents, options?: BackwardOptions): void {
    this.checkCurrent('backward');
    const o = checkObject<BackwardOptions>(options, 'backward(cotangents, options)', '{ accumulate: true }');
    checkKeys(o, ['accumulate'], 'backward(cotangents, options)');
    const accumulate = checkBoolean(o.accumulate, 'backward(cotangents, options).accumulate');
    this.net.checkCotangents(this.plan.spec, this.plan.batch, cotangents);
    this.net.writeCotangents(this.plan, cotangents, accumulate);
  }
}
