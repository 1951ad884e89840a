// Finite-difference checks of every jet component and of parameter gradients, in float64.
// Shared by the default build (relaxed SIMD where available) and the baseline SIMD build.
import { describe, expect, it } from 'vitest';
import { Mlp, type Activation, type Cotangents } from '../../dist/index.js';
import { dot, fdAlongInputs, fdParams, flat, points, relError } from '../helpers.js';

const SMOOTH: Activation[] = ['tanh', 'sin', 'sigmoid', 'softplus', 'silu', 'gelu', 'identity'];
const SHAPES: number[][] = [
  [1, 3, 1],
  [3, 5, 2],
  [2, 17, 3, 4],
  [4, 1, 5, 3],
  [2, 6, 6, 6, 1],
  [3, 2],
];

export function jetSuite(): void {
  describe('jets against finite differences (float64)', () => {
    for (const sizes of SHAPES) {
      for (const activation of SMOOTH) {
        it(`${sizes.join('-')} ${activation}`, () => {
          const net = new Mlp({ sizes, activation, dtype: 'float64', seed: 3 });
          const n = sizes[0]!,
            m = sizes[sizes.length - 1]!,
            B = 5;
          const x = points(B, n, 11);
          const r = net.evaluate(x, { jacobian: true, hessian: 'full' });
          const diag = net.evaluate(x, { hessian: 'diag' });
          const lap = net.evaluate(x, { hessian: 'laplacian' });
          // Jacobian vs central differences of y
          const J = fdAlongInputs((z) => net.evaluate(z).y, x, B, n, m);
          expect(relError(r.jacobian!, J)).toBeLessThan(1e-6);
          // full Hessian vs central differences of the Jacobian: [B][m][n(i)][n(j)]
          const H = fdAlongInputs((z) => net.evaluate(z, { jacobian: true }).jacobian!, x, B, n, m * n);
          expect(relError(r.hessian!, H, 1e-4)).toBeLessThan(1e-6);
          // symmetric
          for (let e = 0; e < B * m; e++)
            for (let i = 0; i < n; i++)
              for (let j = 0; j < n; j++) {
                expect(Math.abs(r.hessian![(e * n + i) * n + j]! - r.hessian![(e * n + j) * n + i]!)).toBeLessThan(1e-12);
              }
          // Hessian diagonal and forward Laplacian vs the same differences
          const Hd = new Float64Array(B * m * n),
            L = new Float64Array(B * m);
          for (let e = 0; e < B * m; e++)
            for (let i = 0; i < n; i++) {
              Hd[e * n + i] = H[(e * n + i) * n + i]!;
              L[e]! += H[(e * n + i) * n + i]!;
            }
          expect(relError(diag.hessianDiag!, Hd, 1e-4)).toBeLessThan(1e-6);
          expect(relError(lap.laplacian!, L, 1e-4)).toBeLessThan(1e-6);
          // the value is the same whatever jets ride along
          expect(relError(r.y, net.evaluate(x).y)).toBeLessThan(1e-14);
          net.dispose();
        });
      }
    }
  });

  describe('batches that span several chunks of the elementwise rules', () => {
    it('jets and gradients at 97 points of a 3-17-9-2 tanh net (float64)', () => {
      const net = new Mlp({ sizes: [3, 17, 9, 2], dtype: 'float64', seed: 21 });
      const B = 97,
        n = 3,
        m = 2;
      const x = points(B, n, 5);
      const r = net.evaluate(x, { jacobian: true, hessian: 'full' });
      const J = fdAlongInputs((z) => net.evaluate(z).y, x, B, n, m);
      expect(relError(r.jacobian!, J)).toBeLessThan(1e-6);
      const H = fdAlongInputs((z) => net.evaluate(z, { jacobian: true }).jacobian!, x, B, n, m * n);
      expect(relError(r.hessian!, H, 1e-4)).toBeLessThan(1e-6);
      const cot = { y: points(B * m, 1, 1), jacobian: points(B * m * n, 1, 2), laplacian: points(B * m, 1, 3) };
      const loss = (): number => {
        const e = net.evaluate(x, { jacobian: true, hessian: 'laplacian' });
        return dot(e.y, cot.y) + dot(e.jacobian!, cot.jacobian) + dot(e.laplacian!, cot.laplacian);
      };
      expect(relError(flat(net.gradients(x, cot)), flat(fdParams(net, loss)), 1e-6)).toBeLessThan(1e-6);
      net.dispose();
    });
  });

  describe('forward jets and reverse mode agree', () => {
    // With fewer outputs than inputs, a value/Jacobian request runs in reverse mode; the
    // same Jacobian also comes out of a forward-jet pass when a Laplacian is asked for.
    // (44 and 37 wide: the column-strip kernels' full strips and their remainders)
    for (const sizes of [
      [2, 9, 9, 1],
      [5, 6, 7, 2],
      [3, 17, 1],
      [2, 44, 37, 1],
    ]) {
      it(sizes.join('-'), () => {
        const net = new Mlp({ sizes, dtype: 'float64', seed: 8 });
        const n = sizes[0]!,
          m = sizes[sizes.length - 1]!,
          B = 7;
        const x = points(B, n, 4);
        const rev = net.evaluate(x, { jacobian: true });
        const fwd = net.evaluate(x, { jacobian: true, hessian: 'laplacian' });
        expect(relError(rev.jacobian!, fwd.jacobian!)).toBeLessThan(1e-13);
        expect(relError(rev.y, fwd.y)).toBeLessThan(1e-15);
        // the same cotangents through both backward passes
        const cot = { y: points(B * m, 1, 5), jacobian: points(B * m * n, 1, 6) };
        const gRev = net.forward(x, { jacobian: true }).backward(cot);
        const gFwd = net.forward(x, { jacobian: true, hessian: 'laplacian' }).backward(cot);
        expect(relError(flat(gRev), flat(gFwd))).toBeLessThan(1e-12);
        // accumulate adds a second term's gradient to the first
        const p1 = net.forward(x, { jacobian: true });
        p1.backward({ y: cot.y });
        const sum = p1.backward({ jacobian: cot.jacobian }, { accumulate: true });
        expect(relError(flat(sum), flat(gRev))).toBeLessThan(1e-12);
        net.dispose();
      });
    }
  });

  describe('parameter gradients against finite differences of the loss (float64)', () => {
    type Kind = keyof Cotangents;
    const CASES: { name: string; kinds: Kind[]; sizes: number[]; activation: Activation }[] = [
      { name: 'value', kinds: ['y'], sizes: [3, 5, 2], activation: 'tanh' },
      { name: 'jacobian', kinds: ['jacobian'], sizes: [2, 7, 5, 1], activation: 'tanh' },
      { name: 'laplacian', kinds: ['laplacian'], sizes: [2, 6, 5, 1], activation: 'tanh' },
      { name: 'hessianDiag', kinds: ['hessianDiag'], sizes: [3, 5, 4, 2], activation: 'silu' },
      { name: 'hessian', kinds: ['hessian'], sizes: [2, 5, 3, 2], activation: 'gelu' },
      { name: 'value + jacobian (sobolev)', kinds: ['y', 'jacobian'], sizes: [2, 9, 9, 1], activation: 'sigmoid' },
      { name: 'value + jacobian + laplacian', kinds: ['y', 'jacobian', 'laplacian'], sizes: [3, 4, 6, 2], activation: 'sin' },
      { name: 'laplacian + hessian (full)', kinds: ['laplacian', 'hessian'], sizes: [2, 5, 5, 1], activation: 'softplus' },
      { name: 'everything', kinds: ['y', 'jacobian', 'laplacian', 'hessianDiag', 'hessian'], sizes: [3, 4, 3, 2], activation: 'tanh' },
      { name: 'single linear layer, jacobian + laplacian', kinds: ['y', 'jacobian', 'laplacian'], sizes: [3, 2], activation: 'tanh' },
      { name: 'one hidden unit', kinds: ['jacobian', 'hessianDiag'], sizes: [2, 1, 1], activation: 'tanh' },
      { name: 'relu, first order', kinds: ['y', 'jacobian'], sizes: [2, 6, 6, 1], activation: 'relu' },
      { name: 'jacobian, more outputs than inputs (forward jets)', kinds: ['y', 'jacobian'], sizes: [2, 5, 3], activation: 'tanh' },
      { name: 'value + jacobian, 2 outputs of 5 inputs (reverse mode)', kinds: ['y', 'jacobian'], sizes: [5, 6, 7, 2], activation: 'gelu' },
      { name: 'value only, deep', kinds: ['y'], sizes: [3, 4, 4, 4, 4, 2], activation: 'silu' },
    ];
    for (const c of CASES) {
      it(c.name, () => {
        const net = new Mlp({ sizes: c.sizes, activation: c.activation, dtype: 'float64', seed: 5 });
        const n = c.sizes[0]!,
          m = c.sizes[c.sizes.length - 1]!,
          B = 4;
        const x = points(B, n, 3);
        const len: Record<Kind, number> = {
          y: B * m,
          jacobian: B * m * n,
          laplacian: B * m,
          hessianDiag: B * m * n,
          hessian: B * m * n * n,
        };
        const cot: Cotangents = {};
        c.kinds.forEach((k, ki) => {
          cot[k] = points(len[k], 1, 100 + ki);
        });
        // The loss from an independent evaluation: the full Hessian carries every second-order component.
        const loss = (): number => {
          const second = c.kinds.some((k) => k === 'laplacian' || k === 'hessian' || k === 'hessianDiag');
          const r = second ? net.evaluate(x, { jacobian: true, hessian: 'full', laplacian: true }) : net.evaluate(x, { jacobian: true });
          const H = r.hessian ?? new Float64Array(B * m * n * n);
          const diag = new Float64Array(B * m * n);
          for (let e = 0; e < B * m; e++) for (let i = 0; i < n; i++) diag[e * n + i] = H[(e * n + i) * n + i]!;
          const jets: Record<Kind, ArrayLike<number>> = {
            y: r.y,
            jacobian: r.jacobian!,
            laplacian: r.laplacian ?? new Float64Array(B * m),
            hessianDiag: diag,
            hessian: H,
          };
          let s = 0;
          for (const k of c.kinds) s += dot(jets[k], cot[k]!);
          return s;
        };
        const g = net.gradients(x, cot);
        const fd = fdParams(net, loss);
        expect(relError(flat(g), flat(fd), 1e-6)).toBeLessThan(1e-6);
        // the stored pass gives the same gradients without recomputing the forward pass
        const pass = net.forward(
          x,
          c.kinds.includes('hessian') || c.kinds.includes('hessianDiag')
            ? { jacobian: true, hessian: 'full' }
            : c.kinds.includes('laplacian')
              ? { jacobian: true, hessian: 'laplacian' }
              : { jacobian: true },
        );
        expect(relError(flat(pass.backward(cot)), flat(g))).toBeLessThan(1e-12);
        net.dispose();
      });
    }
  });
}
