// How a step's work is cut into chunks. The cut depends on the problem only (the network,
// each term's jets and batch size), never on the number of threads: every chunk's
// gradient is computed alone and the chunks are summed in one fixed order, so training
// gives the same bits with 1, 2 or 16 threads (docs/threads.md). Below a total amount of
// work a step is not cut at all (the whole-batch path, as without threads).
import type { Mlp } from '../engine/mlp.js';
import { blockCount, type JetSpec } from '../engine/jet-spec.js';

/** Work units (parameters × jet blocks × points) below which a step runs whole on one thread. */
export const PARALLEL_WORK = 6e6;
/** Work units a chunk needs at least: a hundred microseconds or more of one core. */
export const CHUNK_WORK = 1e6;
/** Points × jet blocks (the columns of its GEMMs) a chunk needs at least, for their vector efficiency. */
export const MIN_CHUNK_COLUMNS = 256;
/**
 * Chunks trade two costs: each copies and sums the whole gradient once (∝ parameters P),
 * and the last chunks leave threads idle (∝ a chunk's work, P × blocks × points). Their
 * sum is least near √(B × blocks / BALANCE) chunks (BALANCE from the measured ratio of
 * the two per-unit costs, the same for float32 and float64 within 10 %).
 */
export const BALANCE = 30;
/** A chunk runs through the network this many points at a time (its buffers stay in cache). */
export const PIECE_POINTS = 256;

/** A term's work per point, and its jet blocks per point (its paired sets included). */
export function workPerPoint(net: Mlp, spec: JetSpec, sets: number): { work: number; blocks: number } {
  const blocks = blockCount(spec) * (1 + sets);
  return { work: net.parameterCount * blocks, blocks };
}

/** How many chunks a term of B points is cut into (1: it runs whole). */
export function chunkCount(B: number, w: { work: number; blocks: number }): number {
  const fewest = Math.max(16, Math.ceil(MIN_CHUNK_COLUMNS / w.blocks), Math.ceil(CHUNK_WORK / w.work));
  return Math.max(1, Math.min(Math.floor(Math.sqrt((B * w.blocks) / BALANCE)), Math.floor(B / fewest)));
}

/** Where chunk c of `count` over B points starts (chunk c is [start(c), start(c + 1)): sizes differ by at most one). */
export function chunkStart(B: number, count: number, c: number): number {
  return Math.floor((c * B) / count);
}
