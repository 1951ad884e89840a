// What threads that share memory need besides the memory: waiting for a flag (blocking
// where the thread may, spinning on a browser's main thread, which may not block), and a
// message area the first failing thread writes and the others leave alone.

let blocking: boolean | null = null;
/** Whether this thread may block in Atomics.wait (a browser's main thread may not: it spins instead). */
export function canBlock(): boolean {
  if (blocking === null) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blocking = true;
    } catch {
      blocking = false;
    }
  }
  return blocking;
}

/** Waits until flags[i] is no longer 0 (set by another thread, which notifies it). */
export function awaitNonZero(flags: Int32Array, i: number): void {
  const wait = canBlock();
  while (Atomics.load(flags, i) === 0) if (wait) Atomics.wait(flags, i, 0, 20);
}

/** A message in shared memory, length-prefixed UTF-8; `flags[index]` is 1 once written. */
export class SharedMessage {
  constructor(
    private readonly flags: Int32Array,
    private readonly index: number,
    private readonly bytes: Uint8Array,
  ) {}

  /** Writes the message if none is written yet (a later one is dropped). */
  write(message: string): void {
    if (Atomics.compareExchange(this.flags, this.index, 0, 1) !== 0) return;
    const text = new TextEncoder().encode(message).subarray(0, this.bytes.length - 4);
    new DataView(this.bytes.buffer, this.bytes.byteOffset).setUint32(0, text.length, true);
    this.bytes.set(text, 4);
  }

  /** The message written, or null. */
  read(): string | null {
    if (Atomics.load(this.flags, this.index) === 0) return null;
    const len = new DataView(this.bytes.buffer, this.bytes.byteOffset).getUint32(0, true);
    return new TextDecoder().decode(this.bytes.slice(4, 4 + len));
  }

  /** Forgets the message (the next one may be written). */
  clear(): void {
    Atomics.store(this.flags, this.index, 0);
  }
}
