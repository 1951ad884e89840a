// The Levenberg–Marquardt step by preconditioned conjugate gradients on the normal equations
//   (JᵀJ + μI) w = g,   g = JᵀR,   δ = −w,
// with JᵀJ never formed: each iteration is one product J·p and one Jᵀ·(J·p), two GEMMs over
// the stored Jacobian (rows × P, row-major, rows Pp apart). The preconditioner is Jacobi's,
// diag(JᵀJ) + μ (the columns' squared norms). The model's predicted decrease of a step w
// that CG stopped early is 2wᵀg − ‖Jw‖², not wᵀg + μ‖w‖² (which holds for the exact
// solution only), and ‖Jw‖² costs nothing extra: Jw is accumulated from the J·p of each
// iteration. Costs per iteration: 4·rows·P flops and no memory beyond the vectors; the
// direct solvers form a P×P (or rows×rows) matrix in rows·P·min(rows, P) flops and factor
// it in min(rows, P)³/3. See docs/levenberg-marquardt.md.
import type { GemmKernel } from '../runtime/abi.js';

/** Where CG's vectors live in WebAssembly memory: two-column operands of the GEMM. */
export interface CgBuffers {
  /** the Jacobian, rows × P, rows Pp apart */
  readonly J: number;
  /** P×2: the direction p in column 0 (column 1 stays zero) */
  readonly pIn: number;
  /** rows×2: J·p in column 0 */
  readonly jp: number;
  /** P×2: Jᵀ·(J·p) in column 0 */
  readonly jtjp: number;
}

/** What a solve reports: the step's model decrease, the iterations, and the relative residual reached. */
export interface CgResult {
  predicted: number;
  iterations: number;
  residual: number;
}

/** Preconditioned CG on (JᵀJ + μI)w = g over a stored Jacobian, its scratch planned once per phase. */
export class JacobianCg {
  private readonly r: Float64Array;
  private readonly z: Float64Array;
  private readonly p: Float64Array;
  private readonly q: Float64Array;
  private readonly jw: Float64Array;
  /** diag(JᵀJ): the columns' squared norms, set by `linearized` */
  readonly diagonal: Float64Array;

  constructor(
    private readonly rows: number,
    private readonly P: number,
    private readonly Pp: number,
    private readonly gemm: GemmKernel,
    private readonly buffers: CgBuffers,
    private readonly maxIterations: number,
    private readonly tolerance: number,
  ) {
    this.r = new Float64Array(P);
    this.z = new Float64Array(P);
    this.p = new Float64Array(P);
    this.q = new Float64Array(P);
    this.jw = new Float64Array(rows);
    this.diagonal = new Float64Array(P);
  }

  /** After J changed: the preconditioner's diagonal. J is a view of the stored Jacobian. */
  linearized(J: Float64Array): void {
    const d = this.diagonal.fill(0),
      P = this.P,
      Pp = this.Pp;
    for (let r = 0; r < this.rows; r++) {
      const o = r * Pp;
      for (let j = 0; j < P; j++) {
        const v = J[o + j]!;
        d[j]! += v * v;
      }
    }
  }

  /**
   * Solves for w (compact, length P) given g and μ. `view(ptr, n)` gives a Float64Array over
   * WebAssembly memory (fresh: views may detach when the memory grows between calls).
   */
  solve(g: Float64Array, mu: number, w: Float64Array, view: (ptr: number, n: number) => Float64Array): CgResult {
    const { P, rows, r, z, p, q, jw, diagonal } = this;
    const b = this.buffers;
    const pIn = view(b.pIn, 2 * P),
      jp = view(b.jp, 2 * rows),
      jtjp = view(b.jtjp, 2 * P);
    pIn.fill(0);
    w.fill(0);
    jw.fill(0);
    r.set(g);
    let gg = 0;
    for (let j = 0; j < P; j++) gg += g[j]! * g[j]!;
    const stop = this.tolerance * Math.sqrt(gg);
    let rz = 0;
    for (let j = 0; j < P; j++) {
      z[j] = r[j]! / (diagonal[j]! + mu);
      p[j] = z[j]!;
      rz += r[j]! * z[j]!;
    }
    let it = 0,
      rr = Math.sqrt(gg);
    for (; it < this.maxIterations && rr > stop; it++) {
      for (let j = 0; j < P; j++) pIn[2 * j] = p[j]!;
      // J·p (rows×P times P×2), then Jᵀ·(J·p) (P×rows times rows×2); column 1 is zero throughout
      this.gemm(b.J, this.Pp, 1, b.pIn, 2, b.jp, 2, rows, 2, P, 1, 0);
      this.gemm(b.J, 1, this.Pp, b.jp, 2, b.jtjp, 2, P, 2, rows, 1, 0);
      let pq = 0;
      for (let j = 0; j < P; j++) {
        q[j] = jtjp[2 * j]! + mu * p[j]!;
        pq += p[j]! * q[j]!;
      }
      if (!(pq > 0)) break;
      const alpha = rz / pq;
      for (let i = 0; i < rows; i++) jw[i]! += alpha * jp[2 * i]!;
      let rzNext = 0,
        rn = 0;
      for (let j = 0; j < P; j++) {
        w[j]! += alpha * p[j]!;
        r[j]! -= alpha * q[j]!;
        z[j] = r[j]! / (diagonal[j]! + mu);
        rzNext += r[j]! * z[j]!;
        rn += r[j]! * r[j]!;
      }
      rr = Math.sqrt(rn);
      const beta = rzNext / rz;
      rz = rzNext;
      for (let j = 0; j < P; j++) p[j] = z[j]! + beta * p[j]!;
    }
    let wg = 0,
      jj = 0;
    for (let j = 0; j < P; j++) wg += w[j]! * g[j]!;
    for (let i = 0; i < rows; i++) jj += jw[i]! * jw[i]!;
    // the model ‖R − Jw‖² = ‖R‖² − 2wᵀg + ‖Jw‖²
    return { predicted: 2 * wg - jj, iterations: it, residual: gg > 0 ? rr / Math.sqrt(gg) : 0 };
  }
}
