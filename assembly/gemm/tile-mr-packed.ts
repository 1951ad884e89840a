// GEMM register tiles on packed operands, MR rows (packing.ts: 5 in the relaxed-SIMD build,
// 4 in the portable one) × 2 vectors or × 1 vector.
//
// Layout: A a packed strip, element (r, k) at (MR·k + r)·S; B a packed strip of kc rows of
// the tile's width, contiguous; C rows ldc bytes apart. Contract: kc ≥ 1; init as in
// modes.ts. The MR == 5 branches are compile-time constants: each build compiles one shape.
//
// With MR = 5 (the relaxed-SIMD build): ten accumulators, because FMA latency on this class
// of x64 core needs more than eight independent chains to keep both FMA ports busy (the
// measurement is in bench/results/kernel-notes.md), and the 4×2 tile's eight
// are the most that fit the 16 xmm registers V8 uses when A comes as broadcast loads
// (V8 issues all of a step's loads first, so five broadcasts spill two accumulators).
// Here rows 0-3 arrive as one vector and each lane is broadcast by a shuffle next to its
// use, row 4 by one broadcast load: 10 accumulators + 2 of B + A (2 in f64) + 1 temporary, no
// spill (checked in V8's code), and every offset a constant.

import { vfma } from '../simd';
import { MR } from './packing';

// @ts-ignore: decorator
@inline function lane<T>(v: v128, i: i32): v128 {
  if (sizeof<T>() === 4) {
    if (i === 0) return v128.shuffle<i32>(v, v, 0, 0, 0, 0);
    if (i === 1) return v128.shuffle<i32>(v, v, 1, 1, 1, 1);
    if (i === 2) return v128.shuffle<i32>(v, v, 2, 2, 2, 2);
    return v128.shuffle<i32>(v, v, 3, 3, 3, 3);
  }
  return i === 0 ? v128.shuffle<i64>(v, v, 0, 0) : v128.shuffle<i64>(v, v, 1, 1);
}

// Row r < 4 of a packed A step at pa, broadcast: a lane of av (f32; f64 rows 0-1) or aw
// (f64 rows 2-3) with MR = 5, a broadcast load with MR = 4.
// @ts-ignore: decorator
@inline function rowA<T>(pa: usize, av: v128, aw: v128, r: i32): v128 {
  if (MR === 4) return v128.load_splat<T>(pa + <usize>r * sizeof<T>());
  if (sizeof<T>() === 4) return lane<T>(av, r);
  return lane<T>(r < 2 ? av : aw, r & 1);
}

// @ts-ignore: decorator
@inline export function tileStrip2<T>(A: usize, B: usize, C: usize, ldc: usize, kc: i32, init: i32, bias: usize): void {
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128, c40: v128, c41: v128;
  if (init === 0) {
    c00 = v128.load(C);
    c01 = v128.load(C, 16);
    c10 = v128.load(C + ldc);
    c11 = v128.load(C + ldc, 16);
    c20 = v128.load(C + 2 * ldc);
    c21 = v128.load(C + 2 * ldc, 16);
    c30 = v128.load(C + 3 * ldc);
    c31 = v128.load(C + 3 * ldc, 16);
    c40 = MR === 5 ? v128.load(C + 4 * ldc) : c00;
    c41 = MR === 5 ? v128.load(C + 4 * ldc, 16) : c01;
  } else if (init === 2) {
    c00 = v128.load(bias);
    c01 = v128.load(bias, 16);
    c10 = c00;
    c11 = c01;
    c20 = c00;
    c21 = c01;
    c30 = c00;
    c31 = c01;
    c40 = c00;
    c41 = c01;
  } else {
    c00 = v128.splat<T>(<T>0);
    c01 = c00;
    c10 = c00;
    c11 = c00;
    c20 = c00;
    c21 = c00;
    c30 = c00;
    c31 = c00;
    c40 = c00;
    c41 = c00;
  }
  let pa = A,
    pb = B;
  const end = A + <usize>kc * MR * sizeof<T>();
  while (pa < end) {
    const b0 = v128.load(pb),
      b1 = v128.load(pb, 16);
    // rows 0-3: one vector (f32) or two (f64) with MR = 5, broadcast loads with MR = 4
    const av = MR === 5 ? v128.load(pa) : b0;
    const aw = MR === 5 && sizeof<T>() === 8 ? v128.load(pa, 16) : av;
    let a = rowA<T>(pa, av, aw, 0);
    c00 = vfma<T>(a, b0, c00);
    c01 = vfma<T>(a, b1, c01);
    a = rowA<T>(pa, av, aw, 1);
    c10 = vfma<T>(a, b0, c10);
    c11 = vfma<T>(a, b1, c11);
    a = rowA<T>(pa, av, aw, 2);
    c20 = vfma<T>(a, b0, c20);
    c21 = vfma<T>(a, b1, c21);
    a = rowA<T>(pa, av, aw, 3);
    c30 = vfma<T>(a, b0, c30);
    c31 = vfma<T>(a, b1, c31);
    if (MR === 5) {
      const a4 = v128.load_splat<T>(pa, 4 * sizeof<T>());
      c40 = vfma<T>(a4, b0, c40);
      c41 = vfma<T>(a4, b1, c41);
    }
    pa += MR * sizeof<T>();
    pb += 32;
  }
  v128.store(C, c00);
  v128.store(C, c01, 16);
  v128.store(C + ldc, c10);
  v128.store(C + ldc, c11, 16);
  v128.store(C + 2 * ldc, c20);
  v128.store(C + 2 * ldc, c21, 16);
  v128.store(C + 3 * ldc, c30);
  v128.store(C + 3 * ldc, c31, 16);
  if (MR === 5) {
    v128.store(C + 4 * ldc, c40);
    v128.store(C + 4 * ldc, c41, 16);
  }
}

// @ts-ignore: decorator
@inline export function tileStrip1<T>(A: usize, B: usize, C: usize, ldc: usize, kc: i32, init: i32, bias: usize): void {
  let c0: v128, c1: v128, c2: v128, c3: v128, c4: v128;
  if (init === 0) {
    c0 = v128.load(C);
    c1 = v128.load(C + ldc);
    c2 = v128.load(C + 2 * ldc);
    c3 = v128.load(C + 3 * ldc);
    c4 = MR === 5 ? v128.load(C + 4 * ldc) : c0;
  } else if (init === 2) {
    c0 = v128.load(bias);
    c1 = c0;
    c2 = c0;
    c3 = c0;
    c4 = c0;
  } else {
    c0 = v128.splat<T>(<T>0);
    c1 = c0;
    c2 = c0;
    c3 = c0;
    c4 = c0;
  }
  let pa = A,
    pb = B;
  const end = A + <usize>kc * MR * sizeof<T>();
  while (pa < end) {
    const b0 = v128.load(pb);
    c0 = vfma<T>(v128.load_splat<T>(pa), b0, c0);
    c1 = vfma<T>(v128.load_splat<T>(pa, sizeof<T>()), b0, c1);
    c2 = vfma<T>(v128.load_splat<T>(pa, 2 * sizeof<T>()), b0, c2);
    c3 = vfma<T>(v128.load_splat<T>(pa, 3 * sizeof<T>()), b0, c3);
    if (MR === 5) c4 = vfma<T>(v128.load_splat<T>(pa, 4 * sizeof<T>()), b0, c4);
    pa += MR * sizeof<T>();
    pb += 16;
  }
  v128.store(C, c0);
  v128.store(C + ldc, c1);
  v128.store(C + 2 * ldc, c2);
  v128.store(C + 3 * ldc, c3);
  if (MR === 5) v128.store(C + 4 * ldc, c4);
}
