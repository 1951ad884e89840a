// JavaScript owns the WebAssembly linear memory above the module's static data: this
// allocator hands out 64-byte-aligned blocks (cache-line aligned, so SIMD loads never
// straddle), grows the memory on demand and reuses freed blocks (first fit, coalesced).
// Typed-array views are re-created whenever growth has detached the old buffer.
import { JetfitError } from '../base/errors.js';
import { formatBytes } from '../base/limits.js';

const ALIGN = 64;
const PAGE = 65536;
/** wasm32 addresses 4 GiB at most. */
export const MAX_MEMORY_BYTES = 65536 * PAGE;

interface Block {
  ptr: number;
  size: number;
}

/** An allocator over one WebAssembly.Memory. */
export class Heap {
  private top: number;
  private readonly free: Block[] = [];
  private readonly sizes = new Map<number, number>();
  private buffer: ArrayBuffer | null = null;
  private f32v = new Float32Array(0);
  private f64v = new Float64Array(0);
  private u32v = new Uint32Array(0);

  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
  ) {
    this.top = align(base);
  }

  /** Bytes in use or reserved below the top of the heap. */
  get used(): number {
    return this.top;
  }

  /** Bytes in live blocks (handed out and not released). */
  get live(): number {
    let n = 0;
    for (const size of this.sizes.values()) n += size;
    return n;
  }

  /** A block of at least `bytes` bytes, 64-byte aligned, contents unspecified. */
  alloc(bytes: number, what = 'buffer'): number {
    const size = Math.max(ALIGN, align(bytes));
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i]!;
      if (b.size >= size) {
        const ptr = b.ptr;
        if (b.size === size) this.free.splice(i, 1);
        else {
          b.ptr += size;
          b.size -= size;
        }
        this.sizes.set(ptr, size);
        return ptr;
      }
    }
    const ptr = this.top;
    const end = ptr + size;
    if (end > MAX_MEMORY_BYTES) {
      throw new JetfitError(
        `${what} needs ${formatBytes(size)} more WebAssembly memory, past the 4 GiB that a ` +
          `WebAssembly module can address (${formatBytes(this.top)} already in use); use smaller batches`,
      );
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const need = Math.ceil((end - have) / PAGE);
      const extra = Math.min(Math.max(need, Math.ceil(have / PAGE / 4)), MAX_MEMORY_BYTES / PAGE - have / PAGE);
      try {
        this.memory.grow(extra);
      } catch {
        try {
          this.memory.grow(need);
        } catch {
          throw new JetfitError(
            `${what} needs ${formatBytes(size)} of WebAssembly memory and the runtime refused to grow it ` +
              `past ${formatBytes(have)}; use smaller batches`,
          );
        }
      }
    }
    this.top = end;
    this.sizes.set(ptr, size);
    return ptr;
  }

  /** Returns a block from alloc to the heap. Freeing 0 does nothing. */
  release(ptr: number): void {
    if (ptr === 0) return;
    const size = this.sizes.get(ptr);
    if (size === undefined) return;
    this.sizes.delete(ptr);
    let i = 0;
    while (i < this.free.length && this.free[i]!.ptr < ptr) i++;
    this.free.splice(i, 0, { ptr, size });
    // Coalesce with the neighbours, then give a trailing free block back to the top.
    if (i + 1 < this.free.length && this.free[i]!.ptr + this.free[i]!.size === this.free[i + 1]!.ptr) {
      this.free[i]!.size += this.free[i + 1]!.size;
      this.free.splice(i + 1, 1);
    }
    if (i > 0 && this.free[i - 1]!.ptr + this.free[i - 1]!.size === this.free[i]!.ptr) {
      this.free[i - 1]!.size += this.free[i]!.size;
      this.free.splice(i, 1);
      i--;
    }
    const last = this.free[this.free.length - 1];
    if (last && last.ptr + last.size === this.top) {
      this.top = last.ptr;
      this.free.pop();
    }
  }

  private refresh(): void {
    const buf = this.memory.buffer;
    if (buf !== this.buffer) {
      this.buffer = buf as ArrayBuffer;
      this.f32v = new Float32Array(buf);
      this.f64v = new Float64Array(buf);
      this.u32v = new Uint32Array(buf);
    }
  }

  /** The whole memory as float32 (index = byte offset / 4). */
  get f32(): Float32Array {
    this.refresh();
    return this.f32v;
  }
  /** The whole memory as float64 (index = byte offset / 8). */
  get f64(): Float64Array {
    this.refresh();
    return this.f64v;
  }
  /** The whole memory as u32 (index = byte offset / 4). */
  get u32(): Uint32Array {
    this.refresh();
    return this.u32v;
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
