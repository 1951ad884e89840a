// A plan: every buffer one (batch size, jet kind, mode) needs, allocated once in
// WebAssembly memory and reused by every pass of that shape, plus the plan words the
// core reads (layout in assembly/mlp.ts and assembly/mlp-reverse.ts).
import { JetfitError } from '../base/errors.js';
import * as layout from '../runtime/layout.js';
import { LAYER_WORDS, PLAN_HEADER } from '../runtime/layout.js';
import type { Core } from '../runtime/core.js';
import { formatBytes } from '../base/limits.js';
import { MAX_MEMORY_BYTES } from '../runtime/heap.js';
import { bytesOf, type DType } from '../base/dtype.js';
import { blockCount, jetOrder, type JetSpec } from './jet-spec.js';

/** Where one layer lives: sizes (real and padded) and byte offsets of its parameters. */
export interface LayerLayout {
  readonly in: number;
  readonly out: number;
  readonly inP: number;
  readonly outP: number;
  /** byte offsets into WebAssembly memory */
  readonly W: number;
  readonly b: number;
  readonly Wbar: number;
  readonly bbar: number;
  readonly Wt: number;
  readonly act: number;
}

/**
 * How a pass computes its jets. 'forward': every component is a stacked column pushed
 * through the network (docs/jets.md). 'reverse': value and Jacobian only, the Jacobian by a
 * backward pass per output; cheaper when the network has fewer outputs than inputs.
 */
export type PassMode = 'forward' | 'reverse';

/** Buffers and plan words for one (batch, spec, mode) of one network. */
export class Plan {
  readonly words: number;
  readonly x: number;
  /** cotangent input: output jets [K][B][mP] (forward mode) or J̄ [m][B][inP0] (reverse mode) */
  readonly g0: number;
  /** the output layer's jet blocks [K][B][mP] (in reverse mode only the value block) */
  readonly out: number;
  /** reverse mode: the Jacobian [m][B][inP0] and ȳ [B][mP] */
  readonly jac: number = 0;
  readonly ybar: number = 0;
  readonly blocks: number;
  /** bumped by every forward pass through this plan; a stored pass checks it */
  generation = 0;
  disposed = false;
  private readonly owned: number[] = [];

  constructor(
    private readonly core: Core,
    layers: readonly LayerLayout[],
    readonly batch: number,
    readonly spec: JetSpec,
    readonly mode: PassMode,
    outputs: number,
    dtype: DType,
    /** X holds the input's K jet blocks (an input map writes them) instead of the points */
    readonly inputJets = false,
  ) {
    const S = bytesOf(dtype);
    const reverse = mode === 'reverse';
    const K = blockCount(spec);
    const L = layers.length;
    // Sizes first, so that an impossible batch is refused before anything is allocated.
    const { head, perLayer, total } = planSizes(layers, batch, spec, mode, outputs, S, inputJets);
    if (core.heap.used + total > MAX_MEMORY_BYTES) {
      throw new JetfitError(
        `x: a batch of ${batch} points with ${K} jet components each needs ${formatBytes(total)} of ` +
          `working memory, more than WebAssembly's 4 GiB allows (${formatBytes(core.heap.used)} in use); split it into smaller batches`,
      );
    }
    try {
      const a = (bytes: number): number => {
        if (bytes === 0) return 0;
        const p = core.heap.alloc(bytes, `a batch of ${batch} points`);
        this.owned.push(p);
        return p;
      };
      this.words = a(head.words!);
      this.x = a(head.x!);
      this.g0 = a(head.g0!);
      const g1 = a(head.g1!);
      const scratch = a(head.scratch!);
      const dirs = a(head.dirs!);
      const pairs = a(head.pairs!);
      const scratch2 = reverse ? a(head.scratch2!) : 0;
      if (reverse) {
        this.jac = a(head.jac!);
        this.ybar = a(head.ybar!);
      }
      const header: [number, number][] = [
        [layout.H_LAYERS, L],
        [layout.H_BATCH, batch],
        [layout.H_DIRS, spec.dirs.length],
        [layout.H_PAIRS, spec.pairs.length],
        [layout.H_LAP, spec.laplacian ? 1 : 0],
        [layout.H_ORDER, jetOrder(spec)],
        [layout.H_DIRS_PTR, dirs],
        [layout.H_PAIRS_PTR, pairs],
        [layout.H_X, this.x],
        [layout.H_G0, this.g0],
        [layout.H_G1, g1],
        [layout.H_SCRATCH, scratch],
        [layout.H_BLOCKS, K],
        [layout.H_OUTPUTS, outputs],
        [layout.H_JAC, this.jac],
        [layout.H_YBAR, this.ybar],
        [layout.H_SCRATCH2, scratch2],
        [layout.H_INPUT_JETS, inputJets ? 1 : 0],
      ];
      const records = layers.map((l, i) => layerRecord(l, perLayer[i]!, a, batch * l.outP * S));
      this.out = records[L - 1]![layout.L_Z]!;
      // Every allocation is done: now the u32 view cannot be detached by growth.
      writeWords(core.heap.u32, this.words, header, records, spec, dirs, pairs);
      this.blocks = K;
    } catch (e) {
      this.release();
      throw e;
    }
  }

  /** Sets the per-call flags: keep (store what a backward pass needs) and accumulate gradients. */
  setFlags(keep: boolean, accumulate: boolean): void {
    const u32 = this.core.heap.u32;
    u32[(this.words >>> 2) + layout.H_KEEP] = keep ? 1 : 0;
    u32[(this.words >>> 2) + layout.H_ACCUMULATE] = accumulate ? 1 : 0;
  }

  /** Frees every buffer; a pass that still refers to the plan will refuse to run backward. */
  release(): void {
    for (const p of this.owned) this.core.heap.release(p);
    this.owned.length = 0;
    this.disposed = true;
  }
}

/** Bytes of each buffer of a plan: the header's, then each layer's (0 for none). */
function planSizes(
  layers: readonly LayerLayout[],
  B: number,
  spec: JetSpec,
  mode: PassMode,
  outputs: number,
  S: number,
  inputJets: boolean,
): { head: Record<string, number>; perLayer: LayerSizes[]; total: number } {
  const reverse = mode === 'reverse';
  const K = blockCount(spec);
  const L = layers.length;
  const inP0 = layers[0]!.inP,
    mP = layers[L - 1]!.outP;
  const maxP = Math.max(inP0, ...layers.map((l) => l.outP));
  const m = reverse ? outputs : 0;
  const cot = reverse ? Math.max(m, 1) * B * maxP * S : K * B * maxP * S;
  const head: Record<string, number> = {
    words: (PLAN_HEADER + LAYER_WORDS * L) * 4,
    x: (inputJets ? K : 1) * B * inP0 * S,
    g0: cot,
    g1: cot,
    scratch: maxP * S,
    dirs: Math.max(4, spec.dirs.length * 4),
    pairs: Math.max(8, spec.pairs.length * 8),
    ...(reverse ? { scratch2: m * B * maxP * S, jac: m * B * inP0 * S, ybar: B * mP * S } : {}),
  };
  const perLayer = layers.map((l, i) => {
    const hidden = i < L - 1;
    const blk = (reverse ? 1 : K) * B * l.outP * S;
    return {
      Z: blk,
      A: hidden ? blk : 0,
      S: hidden ? 3 * B * l.outP * S : 0,
      G: reverse && hidden ? m * B * l.outP * S : 0,
      H: reverse && hidden ? m * B * l.outP * S : 0,
    };
  });
  const total = [...Object.values(head), ...perLayer.flatMap((s) => Object.values(s))].reduce((a, b) => a + b + 64, 0);
  return { head, perLayer, total };
}

/** The bytes of one layer's buffers: jets Z and A, the activation's derivatives S, reverse mode's G and H. */
interface LayerSizes {
  Z: number;
  A: number;
  S: number;
  G: number;
  H: number;
}

/** One layer's words, indexed by the layout's L_* offsets, its buffers allocated by `a`; `one` is one derivative block's bytes. */
function layerRecord(l: LayerLayout, s: LayerSizes, a: (bytes: number) => number, one: number): number[] {
  const Z = a(s.Z),
    A = s.A ? a(s.A) : Z,
    Sd = a(s.S),
    G = a(s.G),
    H = a(s.H);
  const words: number[] = new Array(LAYER_WORDS).fill(0);
  const set: [number, number][] = [
    [layout.L_IN, l.inP],
    [layout.L_OUT, l.outP],
    [layout.L_IN_REAL, l.in],
    [layout.L_ACT, l.act],
    [layout.L_W, l.W],
    [layout.L_B, l.b],
    [layout.L_WT, l.Wt],
    [layout.L_Z, Z],
    [layout.L_A, A],
    [layout.L_S1, Sd],
    [layout.L_S2, Sd && Sd + one],
    [layout.L_S3, Sd && Sd + 2 * one],
    [layout.L_WBAR, l.Wbar],
    [layout.L_BBAR, l.bbar],
    [layout.L_G, G],
    [layout.L_H, H],
  ];
  for (const [k, v] of set) words[k] = v;
  return words;
}

/** Writes a plan's words (u32, at byte offset `at`): the header, the directions and pairs, each layer's record. */
function writeWords(
  u32: Uint32Array,
  at: number,
  header: readonly [number, number][],
  records: readonly number[][],
  spec: JetSpec,
  dirs: number,
  pairs: number,
): void {
  const w = at >>> 2;
  u32.fill(0, w, w + PLAN_HEADER + LAYER_WORDS * records.length);
  for (const [k, v] of header) u32[w + k] = v;
  spec.dirs.forEach((d, i) => {
    u32[(dirs >>> 2) + i] = d;
  });
  spec.pairs.forEach(([p, q], i) => {
    u32[(pairs >>> 2) + 2 * i] = p;
    u32[(pairs >>> 2) + 2 * i + 1] = q;
  });
  records.forEach((rec, i) => {
    u32.set(rec, w + PLAN_HEADER + LAYER_WORDS * i);
  });
}
