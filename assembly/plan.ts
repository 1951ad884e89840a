// The plan JavaScript writes into linear memory once per (batch size, jet kind): u32
// words, a header of PLAN_HEADER words, then LAYER_WORDS words per layer. The offsets are
// defined once, in src/runtime/layout.ts, which both compilers read.
export {
  PLAN_HEADER,
  LAYER_WORDS,
  H_LAYERS,
  H_BATCH,
  H_DIRS,
  H_PAIRS,
  H_LAP,
  H_ORDER,
  H_KEEP,
  H_ACCUMULATE,
  H_DIRS_PTR,
  H_PAIRS_PTR,
  H_X,
  H_G0,
  H_G1,
  H_SCRATCH,
  H_BLOCKS,
  H_OUTPUTS,
  H_JAC,
  H_YBAR,
  H_SCRATCH2,
  H_INPUT_JETS,
  L_IN,
  L_OUT,
  L_IN_REAL,
  L_ACT,
  L_W,
  L_B,
  L_WT,
  L_Z,
  L_A,
  L_S1,
  L_S2,
  L_S3,
  L_WBAR,
  L_BBAR,
  L_G,
  L_H,
} from '../src/runtime/layout';
import { PLAN_HEADER, LAYER_WORDS } from '../src/runtime/layout';

// @ts-ignore: decorator
@inline export function word(plan: usize, i: i32): i32 {
  return <i32>load<u32>(plan + ((<usize>i) << 2));
}
// @ts-ignore: decorator
@inline export function ptr(plan: usize, i: i32): usize {
  return <usize>load<u32>(plan + ((<usize>i) << 2));
}
// @ts-ignore: decorator
@inline export function layerWord(plan: usize, l: i32, f: i32): i32 {
  return word(plan, PLAN_HEADER + l * LAYER_WORDS + f);
}
// @ts-ignore: decorator
@inline export function layerPtr(plan: usize, l: i32, f: i32): usize {
  return ptr(plan, PLAN_HEADER + l * LAYER_WORDS + f);
}
