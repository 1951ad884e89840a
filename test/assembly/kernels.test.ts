// Each kernel on its own (the test build, assembly/test-exports.ts) against a plain loop:
// every GEMM register tile, reached directly whatever the dispatcher would choose, with K
// below, at and one past the block, A and Aᵀ, and every mode; the packing; each jet rule's
// adjoint by the identity ⟨J v, w⟩ = ⟨v, Jᵀ w⟩ (J v by central differences of the forward
// rule, float64); the reductions and the transpose; the WebAssembly Adam and SGD against
// their TypeScript definition.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { Heap } from '../../dist/runtime/heap.js';
import { points, relError } from '../helpers.js';

type Fn = (...args: number[]) => number;
interface Core {
  ex: Record<string, Fn> & { memory: WebAssembly.Memory };
  heap: Heap;
}
const BUILDS = ['jetfit-test-relaxed.wasm', 'jetfit-test.wasm'] as const;
const cores = new Map<string, Core>();
beforeAll(async () => {
  for (const file of BUILDS) {
    const { instance } = await WebAssembly.instantiate(await readFile(new URL(`../../build/${file}`, import.meta.url)), {});
    const ex = instance.exports as unknown as Core['ex'];
    cores.set(file, { ex, heap: new Heap(ex.memory, ex.heap_base!()) });
  }
});

type DT = 'float32' | 'float64';
const size = (dt: DT): number => (dt === 'float64' ? 8 : 4);
const lanesOf = (dt: DT): number => (dt === 'float64' ? 2 : 4);
const sfx = (dt: DT): string => (dt === 'float64' ? 'f64' : 'f32');
const tol = (dt: DT): number => (dt === 'float64' ? 1e-13 : 2e-5);

/** An array in WebAssembly memory: its byte offset and a way to read and write it. */
function buffer(core: Core, dt: DT, values: ArrayLike<number>): { ptr: number; get(): Float64Array; set(v: ArrayLike<number>): void } {
  const S = size(dt);
  const ptr = core.heap.alloc(Math.max(1, values.length) * S + 64);
  const view = () => (dt === 'float64' ? core.heap.f64 : core.heap.f32).subarray(ptr / S, ptr / S + values.length);
  view().set(values);
  return { ptr, get: () => Float64Array.from(view()), set: (v) => view().set(v) };
}

/** C (rows × N) after `init` (0 +=, 1 =, 2 = + bias) of op(A)·B, with A element (r, k) at a[r·sr + k·sk]. */
function reference(
  a: number[],
  sr: number,
  sk: number,
  b: number[],
  ldb: number,
  c0: number[],
  bias: number[],
  rows: number,
  N: number,
  kc: number,
  init: number,
): number[] {
  const c = new Array<number>(rows * N).fill(0);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < N; j++) {
      let s = init === 0 ? c0[r * N + j]! : init === 2 ? bias[j]! : 0;
      for (let k = 0; k < kc; k++) s += a[r * sr + k * sk]! * b[k * ldb + j]!;
      c[r * N + j] = s;
    }
  }
  return c;
}

for (const build of BUILDS) {
  for (const dt of ['float32', 'float64'] as const) {
    describe(`GEMM tiles, ${dt} (${build})`, () => {
      const L = lanesOf(dt),
        S = size(dt);
      // [name, rows, vectors wide]
      const strided: [string, number, number][] = [
        ['tile4x2', 4, 2],
        ['tile4x1', 4, 1],
        ['tile1x2', 1, 2],
        ['tile1x1', 1, 1],
      ];
      for (const [name, rows, vw] of strided) {
        for (const kc of [1, 3, 127, 128, 129]) {
          for (const transposed of [false, true]) {
            for (const init of [0, 1, 2]) {
              it(`${name} kc=${kc} ${transposed ? 'Aᵀ' : 'A'} init=${init}`, () => {
                const core = cores.get(build)!;
                const N = vw * L,
                  ldb = N + L; // B rows with a gap: the stride is honoured
                const lda = transposed ? rows + 3 : kc + 2;
                const a = points(transposed ? kc * lda : rows * lda, 1, 1),
                  b = points(kc * ldb, 1, 2);
                const c0 = points(rows * N, 1, 3),
                  bias = points(N, 1, 4);
                const sr = transposed ? 1 : lda,
                  sk = transposed ? lda : 1;
                const A = buffer(core, dt, a),
                  B = buffer(core, dt, b),
                  C = buffer(core, dt, c0),
                  bi = buffer(core, dt, bias);
                const fn = core.ex[`${name}_${sfx(dt)}`]!;
                if (rows === 4) fn(A.ptr, sr * S, sk * S, B.ptr, ldb * S, C.ptr, N * S, kc, init, bi.ptr);
                else fn(A.ptr, sk * S, B.ptr, ldb * S, C.ptr, kc, init, bi.ptr);
                const round = (v: number[]): number[] => (dt === 'float32' ? v.map(Math.fround) : v);
                const want = reference(round(a), sr, sk, round(b), ldb, round(c0), round(bias), rows, N, kc, init);
                expect(relError(C.get(), want, 1)).toBeLessThan(tol(dt) * Math.sqrt(kc));
              });
            }
          }
        }
      }

      for (const [name, vw] of [
        ['strip2', 2],
        ['strip1', 1],
      ] as const) {
        for (const kc of [1, 2, 127, 129]) {
          for (const transposed of [false, true]) {
            for (const init of [0, 1, 2]) {
              it(`packed ${name} (MR rows) kc=${kc} ${transposed ? 'Aᵀ' : 'A'} init=${init}, after packing A and B`, () => {
                const core = cores.get(build)!;
                const MR = core.ex.mr!();
                const N = vw * L;
                const lda = transposed ? MR + 1 : kc + 1;
                const a = points(transposed ? kc * lda : MR * lda, 1, 5),
                  b = points(kc * N, 1, 6);
                const c0 = points(MR * N, 1, 7),
                  bias = points(N, 1, 8);
                const sr = transposed ? 1 : lda,
                  sk = transposed ? lda : 1;
                const A = buffer(core, dt, a),
                  B = buffer(core, dt, b),
                  C = buffer(core, dt, c0),
                  bi = buffer(core, dt, bias);
                const pa = buffer(core, dt, new Float64Array(kc * MR)),
                  pb = buffer(core, dt, new Float64Array(kc * N));
                core.ex[`pack_a_${sfx(dt)}`]!(pa.ptr, A.ptr, sr * S, sk * S, kc, MR);
                core.ex[`pack_b_${sfx(dt)}`]!(pb.ptr, B.ptr, N * S, kc, N, vw === 2 ? N : 0);
                // the packed A strip: element (r, k) at MR·k + r
                const round = (v: number[]): number[] => (dt === 'float32' ? v.map(Math.fround) : v);
                const ra = round(a);
                const strip = pa.get();
                for (let r = 0; r < MR; r++) for (let k = 0; k < kc; k++) expect(strip[MR * k + r]).toBe(ra[r * sr + k * sk]);
                core.ex[`${name}_${sfx(dt)}`]!(pa.ptr, pb.ptr, C.ptr, N * S, kc, init, bi.ptr);
                const want = reference(ra, sr, sk, round(b), N, round(c0), round(bias), MR, N, kc, init);
                expect(relError(C.get(), want, 1)).toBeLessThan(tol(dt) * Math.sqrt(kc));
              });
            }
          }
        }
      }

      it('packB lays each K row of B out as strips two vectors wide, then one', () => {
        const core = cores.get(build)!;
        const kc = 5,
          N = 3 * L,
          N2 = 2 * L,
          bldb = N + L;
        const b = points(kc * bldb, 1, 9);
        const B = buffer(core, dt, b),
          P = buffer(core, dt, new Float64Array(kc * N));
        core.ex[`pack_b_${sfx(dt)}`]!(P.ptr, B.ptr, bldb * S, kc, N, N2);
        const got = P.get(),
          rb = dt === 'float32' ? b.map(Math.fround) : b;
        for (let k = 0; k < kc; k++) {
          for (let j = 0; j < N2; j++) expect(got[k * 2 * L + j]).toBe(rb[k * bldb + j]);
          for (let j = N2; j < N; j++) expect(got[N2 * kc + k * L + (j - N2)]).toBe(rb[k * bldb + j]);
        }
      });

      for (const [rows, cols] of [
        [0, L],
        [1, L],
        [3, 8 * L],
        [7, 9 * L],
        [64, 17 * L],
      ] as const) {
        for (const accumulate of [false, true]) {
          it(`columnSums ${rows}×${cols} ${accumulate ? '+=' : '='}`, () => {
            const core = cores.get(build)!;
            const g = points(rows * cols, 1, 10),
              out0 = points(cols, 1, 11);
            const G = buffer(core, dt, g),
              O = buffer(core, dt, out0);
            core.ex[`column_sums_${sfx(dt)}`]!(O.ptr, G.ptr, rows, cols, accumulate ? 1 : 0);
            const rg = dt === 'float32' ? g.map(Math.fround) : g,
              ro = dt === 'float32' ? out0.map(Math.fround) : out0;
            const want = Array.from({ length: cols }, (_, j) => {
              let s = accumulate ? ro[j]! : 0;
              for (let r = 0; r < rows; r++) s += rg[r * cols + j]!;
              return s;
            });
            expect(relError(O.get(), want, 1)).toBeLessThan(tol(dt) * 8);
          });
        }
      }

      for (const [rows, cols] of [
        [L, L],
        [3 * L, 2 * L],
        [5, 3],
        [1, 7],
      ] as const) {
        it(`transpose ${rows}×${cols}`, () => {
          const core = cores.get(build)!;
          const src = points(rows * cols, 1, 12);
          const Sx = buffer(core, dt, src),
            D = buffer(core, dt, new Float64Array(rows * cols));
          core.ex[`transpose_${sfx(dt)}`]!(D.ptr, Sx.ptr, rows, cols);
          const got = D.get(),
            rs = dt === 'float32' ? src.map(Math.fround) : src;
          for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) expect(got[c * rows + r]).toBe(rs[r * cols + c]);
        });
      }
    });
  }
}

// ---- the jet rules' adjoints: ⟨J v, w⟩ = ⟨v, Jᵀ w⟩, float64 ----

/** s, s', s'', s''' of tanh at z, from the core's activate kernel (id 1). */
function tanhJet(core: Core, z: Float64Array): Float64Array[] {
  const n = z.length;
  const Z = buffer(core, 'float64', z);
  const out = [0, 1, 2, 3].map(() => buffer(core, 'float64', new Float64Array(n)));
  core.ex.activate_f64!(1, Z.ptr, out[0]!.ptr, out[1]!.ptr, out[2]!.ptr, out[3]!.ptr, n, 3);
  return out.map((b) => b.get());
}
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const vec = (n: number, seed: number, scale = 1): Float64Array => Float64Array.from(points(n, 1, seed), (v) => v * scale);

describe('jet rules: each adjoint is the transpose of its forward rule (float64, both builds)', () => {
  const n = 6;
  const eps = 1e-6;
  for (const build of BUILDS) {
    /**
     * Checks ⟨J v, w⟩ = ⟨v, Jᵀ w⟩ for a rule F(x) (inputs and outputs flat lists of n-vectors):
     * J v by central differences of `forward`, Jᵀ w from `adjoint`.
     */
    const identity = (
      forward: (x: Float64Array[]) => Float64Array[],
      adjoint: (x: Float64Array[], w: Float64Array[]) => Float64Array[],
      inputs: number,
      outputs: number,
    ) => {
      const x = Array.from({ length: inputs }, (_, k) => vec(n, 20 + k, 0.8));
      const v = Array.from({ length: inputs }, (_, k) => vec(n, 40 + k));
      const w = Array.from({ length: outputs }, (_, k) => vec(n, 60 + k));
      const at = (t: number) => forward(x.map((xi, k) => xi.map((e, i) => e + t * v[k]![i]!)));
      const plus = at(eps),
        minus = at(-eps);
      const jv = plus.reduce(
        (s, p, k) =>
          s +
          dot(
            p.map((e, i) => (e - minus[k]![i]!) / (2 * eps)),
            w[k]!,
          ),
        0,
      );
      const jtw = adjoint(x, w).reduce((s, g, k) => s + dot(g, v[k]!), 0);
      expect(Math.abs(jv - jtw)).toBeLessThan(1e-7 * Math.max(1, Math.abs(jv)));
    };

    it(`direction, with a Laplacian block (${build})`, () => {
      const core = cores.get(build)!;
      const ex = core.ex;
      // F(z, dz) = (s(z), s'(z) dz, s''(z) dz²)
      identity(
        ([z, dz]) => {
          const [A, S1, S2] = tanhJet(core, z!);
          const Ad = buffer(core, 'float64', new Float64Array(n)),
            Zd = buffer(core, 'float64', dz!),
            lap = buffer(core, 'float64', new Float64Array(n));
          const s1 = buffer(core, 'float64', S1!),
            s2 = buffer(core, 'float64', S2!);
          ex.forward_direction_f64!(Ad.ptr, Zd.ptr, s1.ptr, s2.ptr, lap.ptr, n);
          return [A!, Ad.get(), lap.get()];
        },
        ([z, dz], [abar, dabar, lapbar]) => {
          const [, S1, S2, S3] = tanhJet(core, z!);
          const s1 = buffer(core, 'float64', S1!),
            s2 = buffer(core, 'float64', S2!),
            s3 = buffer(core, 'float64', S3!);
          const G0 = buffer(core, 'float64', abar!),
            Gd = buffer(core, 'float64', dabar!),
            Gl = buffer(core, 'float64', lapbar!),
            Zd = buffer(core, 'float64', dz!);
          ex.multiply_f64!(G0.ptr, s1.ptr, G0.ptr, n); // z̄ starts at s' ā
          ex.backward_direction_f64!(G0.ptr, Gd.ptr, Zd.ptr, s1.ptr, s2.ptr, s3.ptr, Gl.ptr, n);
          return [G0.get(), Gd.get()];
        },
        2,
        3,
      );
    });

    for (const same of [false, true]) {
      it(`pair (${same ? 'a = b' : 'a ≠ b'}) (${build})`, () => {
        const core = cores.get(build)!;
        const ex = core.ex;
        // F(z, dz_a, dz_b, ddz) = (s(z), s'' dz_a dz_b + s' ddz); with a = b, dz_b is dz_a
        identity(
          ([z, za, zb, zq]) => {
            const [A, S1, S2] = tanhJet(core, z!);
            const Za = buffer(core, 'float64', za!),
              Zb = same ? Za : buffer(core, 'float64', zb!),
              Zq = buffer(core, 'float64', zq!);
            const Aq = buffer(core, 'float64', new Float64Array(n)),
              s1 = buffer(core, 'float64', S1!),
              s2 = buffer(core, 'float64', S2!);
            ex.forward_pair_f64!(Aq.ptr, Za.ptr, Zb.ptr, Zq.ptr, s1.ptr, s2.ptr, n);
            return [A!, Aq.get()];
          },
          ([z, za, zb, zq], [abar, qbar]) => {
            const [, S1, S2, S3] = tanhJet(core, z!);
            const s1 = buffer(core, 'float64', S1!),
              s2 = buffer(core, 'float64', S2!),
              s3 = buffer(core, 'float64', S3!);
            const G0 = buffer(core, 'float64', abar!),
              Za = buffer(core, 'float64', za!),
              Zb = same ? Za : buffer(core, 'float64', zb!),
              Zq = buffer(core, 'float64', zq!);
            const Ga = buffer(core, 'float64', new Float64Array(n)),
              Gb = same ? Ga : buffer(core, 'float64', new Float64Array(n)),
              Gq = buffer(core, 'float64', qbar!);
            ex.multiply_f64!(G0.ptr, s1.ptr, G0.ptr, n);
            ex.backward_pair_f64!(G0.ptr, Ga.ptr, Gb.ptr, Gq.ptr, Za.ptr, Zb.ptr, Zq.ptr, s1.ptr, s2.ptr, s3.ptr, n);
            return [G0.get(), Ga.get(), same ? new Float64Array(n) : Gb.get(), Gq.get()];
          },
          4,
          2,
        );
      });
    }

    it(`Laplacian block (${build})`, () => {
      const core = cores.get(build)!;
      const ex = core.ex;
      // F(z, lz) = (s(z), s'(z) lz)
      identity(
        ([z, lz]) => {
          const [A, S1] = tanhJet(core, z!);
          const out = buffer(core, 'float64', new Float64Array(n)),
            s1 = buffer(core, 'float64', S1!),
            L = buffer(core, 'float64', lz!);
          ex.multiply_f64!(out.ptr, s1.ptr, L.ptr, n);
          return [A!, out.get()];
        },
        ([z, lz], [abar, lbar]) => {
          const [, S1, S2] = tanhJet(core, z!);
          const s1 = buffer(core, 'float64', S1!),
            s2 = buffer(core, 'float64', S2!);
          const G0 = buffer(core, 'float64', abar!),
            Gl = buffer(core, 'float64', lbar!),
            Zl = buffer(core, 'float64', lz!);
          ex.multiply_f64!(G0.ptr, s1.ptr, G0.ptr, n);
          ex.backward_laplacian_f64!(G0.ptr, Gl.ptr, Zl.ptr, s1.ptr, s2.ptr, n);
          return [G0.get(), Gl.get()];
        },
        2,
        2,
      );
    });

    it(`reverse mode's scaling g = s'(z) ⊙ h (${build})`, () => {
      const core = cores.get(build)!;
      const ex = core.ex;
      identity(
        ([z, h]) => {
          const [, S1] = tanhJet(core, z!);
          const out = buffer(core, 'float64', new Float64Array(n)),
            s1 = buffer(core, 'float64', S1!),
            H = buffer(core, 'float64', h!);
          ex.multiply_f64!(out.ptr, s1.ptr, H.ptr, n);
          return [out.get()];
        },
        ([z, h], [gbar]) => {
          const [, S1, S2] = tanhJet(core, z!);
          const s1 = buffer(core, 'float64', S1!),
            s2 = buffer(core, 'float64', S2!),
            H = buffer(core, 'float64', h!),
            G = buffer(core, 'float64', gbar!);
          const Zb = buffer(core, 'float64', new Float64Array(n)),
            Hb = buffer(core, 'float64', new Float64Array(n));
          ex.adjoint_of_scaling_f64!(Zb.ptr, Hb.ptr, s1.ptr, s2.ptr, H.ptr, G.ptr, n, 0);
          return [Zb.get(), Hb.get()];
        },
        2,
        1,
      );
    });

    it(`multiplyAddColumnSums equals the product and its column sums (${build})`, () => {
      const core = cores.get(build)!;
      const rows = 7,
        cols = 10;
      const s1 = vec(rows * cols, 80),
        g = vec(rows * cols, 81),
        z0 = vec(rows * cols, 82),
        sums0 = vec(cols, 83);
      for (const addTo of [false, true]) {
        for (const accumulate of [false, true]) {
          const Z = buffer(core, 'float64', z0),
            S1 = buffer(core, 'float64', s1),
            G = buffer(core, 'float64', g),
            sums = buffer(core, 'float64', sums0);
          core.ex.multiply_add_column_sums_f64!(Z.ptr, S1.ptr, G.ptr, sums.ptr, rows, cols, addTo ? 1 : 0, accumulate ? 1 : 0);
          const z = z0.map((e, i) => (addTo ? e : 0) + s1[i]! * g[i]!);
          expect(relError(Z.get(), z, 1)).toBeLessThan(1e-15);
          const want = Array.from({ length: cols }, (_, j) => {
            let s = accumulate ? sums0[j]! : 0;
            for (let r = 0; r < rows; r++) s += z[r * cols + j]!;
            return s;
          });
          expect(relError(sums.get(), want, 1)).toBeLessThan(1e-14);
        }
      }
    });
  }
});

// ---- the optimizer kernels against their TypeScript definition (src/train/optimizers.ts) ----
describe('Adam and SGD kernels', () => {
  for (const build of BUILDS) {
    for (const dt of ['float32', 'float64'] as const) {
      const n = 4 * 9;
      it(`Adam / AdamW ${dt} (${build})`, () => {
        const core = cores.get(build)!;
        for (const [decay, l2] of [
          [0, 0],
          [1e-3, 0],
          [0, 1e-2],
        ] as const) {
          const p = vec(n, 90),
            g = vec(n, 91),
            m = vec(n, 92, 0.1),
            v = vec(n, 93).map((e) => e * e);
          const P = buffer(core, dt, p),
            G = buffer(core, dt, g),
            M = buffer(core, dt, m),
            V = buffer(core, dt, v);
          const step = 0.01,
            root = 1.3,
            b1 = 0.9,
            b2 = 0.999,
            eps = 1e-8;
          core.ex[`adam_${sfx(dt)}`]!(P.ptr, G.ptr, M.ptr, V.ptr, n, step, root, b1, b2, eps, decay, l2);
          const r = dt === 'float32' ? Math.fround : (x: number) => x;
          const want = { p: [] as number[], m: [] as number[], v: [] as number[] };
          for (let i = 0; i < n; i++) {
            const pi = r(p[i]!),
              gi = r(g[i]!) + l2 * pi;
            const mi = b1 * r(m[i]!) + (1 - b1) * gi,
              vi = b2 * r(v[i]!) + (1 - b2) * gi * gi;
            want.m.push(mi);
            want.v.push(vi);
            want.p.push(pi * (1 - decay) - (step * mi) / (Math.sqrt(vi) * root + eps));
          }
          const t = dt === 'float64' ? 1e-14 : 1e-6;
          expect(relError(M.get(), want.m, 1e-3)).toBeLessThan(t);
          expect(relError(V.get(), want.v, 1e-3)).toBeLessThan(t);
          expect(relError(P.get(), want.p, 1e-3)).toBeLessThan(t);
        }
      });
      it(`SGD ${dt} (${build})`, () => {
        const core = cores.get(build)!;
        for (const [mu, nesterov, wd] of [
          [0, 0, 0],
          [0.9, 0, 0],
          [0.9, 1, 1e-2],
        ] as const) {
          const p = vec(n, 94),
            g = vec(n, 95),
            u = vec(n, 96, 0.1);
          const P = buffer(core, dt, p),
            G = buffer(core, dt, g),
            U = buffer(core, dt, u);
          const lr = 0.05;
          core.ex[`sgd_${sfx(dt)}`]!(P.ptr, G.ptr, mu ? U.ptr : 0, n, lr, mu, nesterov, wd);
          const r = dt === 'float32' ? Math.fround : (x: number) => x;
          const want = { p: [] as number[], u: [] as number[] };
          for (let i = 0; i < n; i++) {
            let d = r(g[i]!) + wd * r(p[i]!);
            let ui = r(u[i]!);
            if (mu > 0) {
              ui = mu * ui + d;
              d = nesterov ? d + mu * ui : ui;
            }
            want.u.push(ui);
            want.p.push(r(p[i]!) - lr * d);
          }
          const t = dt === 'float64' ? 1e-14 : 1e-6;
          expect(relError(P.get(), want.p, 1e-3)).toBeLessThan(t);
          if (mu) expect(relError(U.get(), want.u, 1e-3)).toBeLessThan(t);
        }
      });
    }
  }
});
