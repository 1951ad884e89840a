// pass.jacobianRows(cotangents): per-point parameter Jacobian rows against central finite
// differences of each point's share (float64), their sum equal to backward(cotangents),
// float32 against float64, every jet kind and both pass modes (forward jets; a reverse-mode
// pass is redone in forward mode).
import { describe, expect, it } from 'vitest';
import { init, Mlp, type Cotangents, type JetRequest } from '../../dist/index.js';
import { fdParams, flat } from '../helpers.js';

await init();

const wave = (n: number, phase: number) => Array.from({ length: n }, (_, i) => Math.sin(1.3 * i + phase));

interface Case {
  name: string;
  sizes: number[];
  request: JetRequest;
  cotangents: (B: number, m: number, n: number) => Cotangents;
}

const cases: Case[] = [
  { name: 'values', sizes: [2, 5, 1], request: {}, cotangents: (B) => ({ y: wave(B, 0) }) },
  {
    name: 'Laplacian and value',
    sizes: [2, 5, 3, 1],
    request: { laplacian: true },
    cotangents: (B) => ({ y: wave(B, 1), laplacian: wave(B, 2) }),
  },
  {
    name: 'Jacobian, two outputs, three inputs (a reverse-mode pass)',
    sizes: [3, 4, 2],
    request: { jacobian: true },
    cotangents: (B, m, n) => ({ y: wave(B * m, 3), jacobian: wave(B * m * n, 4) }),
  },
  {
    name: 'Hessian diagonal',
    sizes: [2, 4, 4, 1],
    request: { hessian: 'diag' },
    cotangents: (B, _m, n) => ({ hessianDiag: wave(B * n, 5) }),
  },
  {
    name: 'full Hessian, one input (padded features)',
    sizes: [1, 3, 1],
    request: { hessian: 'full' },
    cotangents: (B) => ({ hessian: wave(B, 6) }),
  },
];

/** Σ over point p's entries of cotangent × jet, from evaluate at that point alone. */
function share(net: Mlp, x: number[], request: JetRequest, c: Cotangents, p: number, B: number): number {
  const j = net.evaluate([x], request) as unknown as Record<string, ArrayLike<number>>;
  let s = 0;
  for (const [k, v] of Object.entries(c) as [string, ArrayLike<number>][]) {
    const per = v.length / B;
    for (let q = 0; q < per; q++) s += v[p * per + q]! * j[k === 'hessianDiag' ? 'hessianDiag' : k]![q]!;
  }
  return s;
}

describe('jacobianRows', () => {
  for (const k of cases) {
    it(`${k.name}: rows against finite differences; their sum is the gradient`, () => {
      const net = new Mlp({ sizes: k.sizes, activation: 'tanh', dtype: 'float64', seed: 3 });
      const n = k.sizes[0]!,
        m = k.sizes.at(-1)!,
        B = 5;
      const x = Array.from({ length: B }, (_, p) => Array.from({ length: n }, (_, i) => Math.sin(3 * p + i + 0.5)));
      const c = k.cotangents(B, m, n);
      const pass = net.forward(x, k.request);
      const rows = pass.jacobianRows(c);
      expect(rows.length).toBe(B);
      for (const r of rows) expect(r.length).toBe(net.parameterCount);
      const gradient = pass.backward(c).flatMap(({ W, b }) => [...W, ...b]);
      for (let q = 0; q < gradient.length; q++) {
        let s = 0;
        for (const r of rows) s += r[q]!;
        expect(Math.abs(s - gradient[q]!)).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(gradient[q]!)));
      }
      for (const p of [0, B - 1]) {
        const fd = flat(fdParams(net, () => share(net, x[p]!, k.request, c, p, B)));
        for (const [q, v] of fd.entries()) expect(Math.abs(v - rows[p]![q]!)).toBeLessThanOrEqual(2e-8 * (1 + Math.abs(rows[p]![q]!)));
      }
      net.dispose();
    });
  }

  it("the residual-weighted sum of the rows of r = u'' + sin(x) is the gradient of mean(r²) (against finite differences)", () => {
    const net = new Mlp({ sizes: [1, 6, 6, 1], activation: 'tanh', dtype: 'float64', seed: 12 });
    const x = Array.from({ length: 9 }, (_, p) => [-1 + p / 4]);
    const N = x.length;
    const residuals = () => {
      const h = net.evaluate(x, { hessian: 'diag' }).hessianDiag!;
      return x.map(([v], p) => h[p]! + Math.sin(v!));
    };
    const loss = () => residuals().reduce((s, r) => s + r * r, 0) / N;
    const r = residuals();
    // ∂r_p/∂θ: the rows of the cotangent 1 on each point's u''
    const rows = net.forward(x, { hessian: 'diag' }).jacobianRows({ hessianDiag: new Array(N).fill(1) });
    const grad = new Float64Array(net.parameterCount);
    rows.forEach((row, p) => {
      for (let q = 0; q < grad.length; q++) grad[q]! += ((2 * r[p]!) / N) * row[q]!;
    });
    const fd = flat(fdParams(net, loss));
    for (const [q, v] of fd.entries()) expect(Math.abs(v - grad[q]!)).toBeLessThanOrEqual(1e-7 * (1 + Math.abs(grad[q]!)));
    net.dispose();
  });

  it('float32 rows agree with float64 rows to float32 precision', () => {
    const make = (dtype: 'float32' | 'float64') => new Mlp({ sizes: [2, 6, 6, 1], activation: 'tanh', dtype, seed: 9 });
    const a = make('float64'),
      b = make('float32');
    b.setParams(a.getParams());
    const x = Array.from({ length: 9 }, (_, p) => [Math.sin(p), Math.cos(2 * p)]);
    const c = { y: wave(9, 0), laplacian: wave(9, 1) };
    const ra = a.forward(x, { laplacian: true }).jacobianRows(c);
    const rb = b.forward(x, { laplacian: true }).jacobianRows(c);
    const big = Math.max(...ra.flatMap((r) => Array.from(r, Math.abs)));
    for (const [p, r] of ra.entries()) for (const [q, v] of r.entries()) expect(Math.abs(rb[p]![q]! - v)).toBeLessThanOrEqual(1e-5 * big);
    a.dispose();
    b.dispose();
  });

  it('refuses a stale pass and bad cotangents by name, leaving the gradient buffer alone', () => {
    const net = new Mlp({ sizes: [1, 3, 1], seed: 1 });
    const pass = net.forward([[0], [1]]);
    expect(() => pass.jacobianRows({ y: [1] })).toThrow(/cotangents\.y: expected 2 numbers/);
    expect(() => pass.jacobianRows({ laplacian: [1, 2] })).toThrow(/laplacian/);
    net.setParams(net.getParams());
    expect(() => pass.jacobianRows({ y: [1, 1] })).toThrow(/jacobianRows: the parameters changed since this forward pass/);
    net.dispose();
  });
});
