// A plan: every buffer one (batch size, jet kind) needs, allocated once in WebAssembly
// memory and reused by every pass of that shape, plus the plan words the core reads.
import { JetfitError } from '../errors.js';
import { H, LAYER_WORDS, LW, PLAN_HEADER } from '../runtime/abi.js';
import type { Core } from '../runtime/core.js';
import { formatBytes, MAX_MEMORY_BYTES } from '../runtime/heap.js';
import { bytesOf, type DType } from './dtype.js';
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

/** Buffers and plan words for one (batch, spec) of one network. */
export class Plan {
  readonly words: number;
  readonly x: number;
  readonly g0: number;
  /** the output layer's jet blocks [K][B][mP] */
  readonly out: number;
  readonly blocks: number;
  /** bumped by every forward pass through this plan; a stored pass checks it */
  generation = 0;
  disposed = false;
  private readonly owned: number[] = [];

  constructor(private readonly core: Core, layers: readonly LayerLayout[], readonly batch: number,
              readonly spec: JetSpec, dtype: DType) {
    const S = bytesOf(dtype);
    const K = blockCount(spec);
    const L = layers.length;
    const maxP = Math.max(...layers.map((l) => l.outP));
    const wordsBytes = (PLAN_HEADER + LAYER_WORDS * L) * 4;
    const sizes: number[] = [wordsBytes, batch * layers[0]!.inP * S, 2 * K * batch * maxP * S, maxP * S,
      Math.max(4, spec.dirs.length * 4), Math.max(8, spec.pairs.length * 8)];
    layers.forEach((l, i) => {
      const blk = K * batch * l.outP * S;
      sizes.push(blk);
      if (i < L - 1) sizes.push(blk, 3 * batch * l.outP * S);
    });
    const total = sizes.reduce((a, b) => a + b + 64, 0);
    if (core.heap.used + total > MAX_MEMORY_BYTES) {
      throw new JetfitError(`x: a batch of ${batch} points with ${K} jet components each needs ${formatBytes(total)} of ` +
        `working memory, more than WebAssembly's 4 GiB allows (${formatBytes(core.heap.used)} in use); split it into smaller batches`);
    }
    try {
      const a = (bytes: number): number => { const p = core.heap.alloc(bytes, `a batch of ${batch} points`); this.owned.push(p); return p; };
      this.words = a(wordsBytes);
      this.x = a(sizes[1]!);
      this.g0 = a(K * batch * maxP * S);
      const g1 = a(K * batch * maxP * S);
      const scratch = a(maxP * S);
      const dirs = a(sizes[4]!);
      const pairs = a(sizes[5]!);
      const u32 = core.heap.u32;
      const w = this.words >>> 2;
      u32.fill(0, w, w + PLAN_HEADER + LAYER_WORDS * L);
      u32[w + H.LAYERS] = L;
      u32[w + H.BATCH] = batch;
      u32[w + H.DIRS] = spec.dirs.length;
      u32[w + H.PAIRS] = spec.pairs.length;
      u32[w + H.LAP] = spec.laplacian ? 1 : 0;
      u32[w + H.ORDER] = jetOrder(spec);
      u32[w + H.DIRS_PTR] = dirs;
      u32[w + H.PAIRS_PTR] = pairs;
      u32[w + H.X] = this.x;
      u32[w + H.G0] = this.g0;
      u32[w + H.G1] = g1;
      u32[w + H.SCRATCH] = scratch;
      u32[w + H.BLOCKS] = K;
      spec.dirs.forEach((d, i) => { u32[(dirs >>> 2) + i] = d; });
      spec.pairs.forEach(([p, q], i) => { u32[(pairs >>> 2) + 2 * i] = p; u32[(pairs >>> 2) + 2 * i + 1] = q; });
      let out = 0;
      layers.forEach((l, i) => {
        const r = w + PLAN_HEADER + LAYER_WORDS * i;
        const blk = K * batch * l.outP * S;
        const Z = a(blk);
        const hidden = i < L - 1;
        const A = hidden ? a(blk) : Z;
        const Sd = hidden ? a(3 * batch * l.outP * S) : 0;
        const u = core.heap.u32;
        u[r + LW.IN] = l.inP; u[r + LW.OUT] = l.outP; u[r + LW.IN_REAL] = l.in; u[r + LW.ACT] = l.act;
        u[r + LW.W] = l.W; u[r + LW.B] = l.b; u[r + LW.WT] = l.Wt; u[r + LW.Z] = Z; u[r + LW.A] = A;
        u[r + LW.S1] = Sd; u[r + LW.S2] = Sd && Sd + batch * l.outP * S; u[r + LW.S3] = Sd && Sd + 2 * batch * l.outP * S;
        u[r + LW.WBAR] = l.Wbar; u[r + LW.BBAR] = l.bbar;
        out = Z;
      });
      this.out = out;
      this.blocks = K;
    } catch (e) {
      this.release();
      throw e;
    }
  }

  /** Sets the per-call flags: keep (store s''' for a backward pass) and accumulate gradients. */
  setFlags(keep: boolean, accumulate: boolean): void {
    const u32 = this.core.heap.u32;
    u32[(this.words >>> 2) + H.KEEP] = keep ? 1 : 0;
    u32[(this.words >>> 2) + H.ACCUMULATE] = accumulate ? 1 : 0;
  }

  /** Frees every buffer; a pass that still refers to the plan will refuse to run backward. */
  release(): void {
    for (const p of this.owned) this.core.heap.release(p);
    this.owned.length = 0;
    this.disposed = true;
  }
}
