// The inverse-Hessian updates of the dense quasi-Newton methods, as numbers: the scaling τ
// and the Broyden parameter φ of one iteration, and the coefficients of the symmetric
// rank-two update that applies them (docs/quasi-newton.md derives both).
//
// With ρ = 1/yᵀs, Hy = H·y, q = yᵀHy, h = ρ·q, b = sᵀH⁻¹s · ρ (= −step·ρ·sᵀg, since
// s = −step·H·g) and a = b·h − 1, every method is
//   H₊ = (H − Hy Hyᵀ/q + φ·q·v vᵀ)/τ + ρ s sᵀ,   v = ρ s − Hy/q,
// with τ = φ = 1 for BFGS.

/** A dense quasi-Newton method. */
export type DenseMethod = 'bfgs' | 'ssbfgs' | 'ssbroyden';

/** The quantities of one curvature pair (see the file comment). */
export interface PairScalars {
  rho: number;
  q: number;
  b: number;
  /** the number of trainables */
  n: number;
}

/** τ and φ of one update; null when the update must be skipped (a value not finite, or τ ≤ 0). */
export function scaling(method: DenseMethod, variant: 1 | 2, fresh: boolean, p: PairScalars): { tau: number; phi: number } | null {
  let tau = 1,
    phi = 1;
  if (method === 'ssbfgs') {
    // Self-scaled BFGS (the "AB" choice): shrink H when the last step overshot (b > 1).
    if (!fresh) tau = Math.min(1, 1 / p.b);
  } else if (method === 'ssbroyden') {
    const h = p.q * p.rho,
      b = p.b,
      a = b * h - 1;
    const root = Math.sqrt(Math.abs(a) / (1 + a));
    const rhoMinus = Math.min(1, h * (1 - root));
    const thetaMinus = (rhoMinus - 1) / a;
    let theta: number;
    // a = 0 (H already maps y along s, as always for one trainable): every member of the
    // family gives the same update, and the formulas for θ divide 0 by 0; take θ = 0.
    if (!(a > 1e-12)) theta = 0;
    else if (variant === 2) {
      theta = Math.max(thetaMinus, Math.min(1 / rhoMinus, (1 - b) / b));
    } else {
      const thetaSr1 = 1 / (1 - b);
      const thetaPlus = fresh ? 1 / rhoMinus : Math.max(1, b * (1 + root));
      theta = b === 1 ? thetaMinus : b > 1 ? Math.max(thetaMinus, thetaSr1) : Math.min(thetaPlus, thetaSr1);
    }
    const sigma = 1 + theta * a;
    if (fresh) tau = h / sigma;
    else {
      const sigmaRoot = p.n > 1 ? Math.abs(sigma) ** (1 / (1 - p.n)) : 1;
      const rhoTilde = Math.min(1, 1 / b);
      tau = theta <= 0 ? Math.min(rhoTilde * sigmaRoot, sigma) : rhoTilde * Math.min(sigmaRoot, 1 / theta);
    }
    phi = (1 - theta) / sigma;
    if (!(sigma > 0)) return null;
  }
  if (!(tau > 0) || !Number.isFinite(tau) || !Number.isFinite(phi)) return null;
  return { tau, phi };
}

/**
 * The update H₊ = scale·H + auu·s sᵀ + auv·(s Hyᵀ + Hy sᵀ) + avv·Hy Hyᵀ equal to the file
 * comment's form (v vᵀ expanded in s and Hy); null when a coefficient is not finite.
 */
export function rankTwoCoefficients(
  tau: number,
  phi: number,
  rho: number,
  q: number,
): { scale: number; auu: number; auv: number; avv: number } | null {
  const c = {
    scale: 1 / tau,
    auu: rho + (phi * q * rho * rho) / tau,
    auv: (-phi * rho) / tau,
    avv: (phi - 1) / (q * tau),
  };
  return Number.isFinite(c.scale + c.auu + c.auv + c.avv) ? c : null;
}
