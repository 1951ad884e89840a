// The numbers the WebAssembly core and the TypeScript side must agree on, in one file that
// both compilers read (assembly/ imports it as ../src/runtime/layout): plain integer
// constants only, which are the same program in AssemblyScript and TypeScript.
//
// A plan is u32 words in linear memory: PLAN_HEADER words of header, then LAYER_WORDS
// words per layer (offsets below). JavaScript writes it once per (batch size, jet kind);
// the core reads it (assembly/mlp.ts, assembly/mlp-reverse.ts).

export const PLAN_HEADER = 32;
export const LAYER_WORDS = 16;

// header words
export const H_LAYERS = 0;
export const H_BATCH = 1;
export const H_DIRS = 2;
export const H_PAIRS = 3;
export const H_LAP = 4;
export const H_ORDER = 5;
export const H_KEEP = 6;
export const H_ACCUMULATE = 7;
export const H_DIRS_PTR = 8;
export const H_PAIRS_PTR = 9;
export const H_X = 10;
export const H_G0 = 11;
export const H_G1 = 12;
export const H_SCRATCH = 13;
export const H_BLOCKS = 14;
export const H_OUTPUTS = 16;
export const H_JAC = 17;
export const H_YBAR = 18;
export const H_SCRATCH2 = 19;
/** 1 when X holds the input's K jet blocks [K][B][inP] (an input map) instead of points [B][inP] */
export const H_INPUT_JETS = 20;

// per-layer words
export const L_IN = 0;
export const L_OUT = 1;
export const L_IN_REAL = 2;
export const L_ACT = 3;
export const L_W = 4;
export const L_B = 5;
export const L_WT = 6;
export const L_Z = 7;
export const L_A = 8;
export const L_S1 = 9;
export const L_S2 = 10;
export const L_S3 = 11;
export const L_WBAR = 12;
export const L_BBAR = 13;
export const L_G = 14;
export const L_H = 15;

// activation ids (a layer's L_ACT word)
export const ACT_IDENTITY = 0;
export const ACT_TANH = 1;
export const ACT_SIN = 2;
export const ACT_SIGMOID = 3;
export const ACT_SOFTPLUS = 4;
export const ACT_SILU = 5;
export const ACT_GELU = 6;
export const ACT_RELU = 7;
