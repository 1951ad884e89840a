// Worker threads for data-parallel training: whether this runtime can run them (shared
// memory, a way to start workers, a script to start), and the pool itself. Workers are
// started once and reused by every fit; each instantiates the same compiled core in its
// own memory. Under Node, Deno (both through worker_threads) and Bun they are unref'd, so an
// idle pool never keeps a process alive; where a worker cannot be unref'd (browsers) the
// pool is stopped when a fit ends (and started again by the next one).
import { JetfitError } from '../base/errors.js';

/** A started worker, whatever the runtime calls it. */
interface Port {
  post(message: unknown): void;
  terminate(): void;
  /** keeps the process alive while a reply is awaited (Node, Bun); a no-op elsewhere */
  hold(on: boolean): void;
}

/** A message from a worker (ready, or an error it caught), or news of its end (crashed). */
export interface WorkerReply {
  readonly type: 'ready' | 'error' | 'crashed';
  readonly message?: string;
}

type Listener = (reply: WorkerReply) => void;

/** What can run threads here: how many cores, or why not. */
export interface ThreadSupport {
  readonly cores: number;
  /** why this runtime runs on one thread, or null */
  readonly reason: string | null;
}

/** Whether this runtime can share memory with workers; `workerUrl` null: this entry has no worker script. */
export function threadSupport(workerUrl: URL | null): ThreadSupport {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number }; Worker?: unknown };
  const cores = Math.max(1, g.navigator?.hardwareConcurrency ?? nodeCores() ?? 1);
  const off = (reason: string): ThreadSupport => ({ cores, reason });
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') {
    return g.crossOriginIsolated === false
      ? off(
          'the page is not cross-origin isolated, so it has no SharedArrayBuffer ' +
            '(serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)',
        )
      : off('this runtime has no SharedArrayBuffer');
  }
  if (typeof g.Worker !== 'function' && !isNode()) return off('this runtime cannot start worker threads');
  if (workerUrl === null) return off('this entry of jetfit has no worker script (use the default entry, `jetfit`)');
  return { cores, reason: null };
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string; bun?: string; deno?: string } } }).process;
  return typeof p?.versions?.node === 'string' && p.versions.bun === undefined && p.versions.deno === undefined;
}

/** Node, and Deno, whose worker_threads workers can be unref'd (its web workers cannot). */
function usesWorkerThreads(): boolean {
  return isNode() || typeof (globalThis as { Deno?: unknown }).Deno === 'object';
}

function nodeCores(): number | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process;
  const os = p?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  return os?.availableParallelism?.() ?? null;
}

async function startPort(url: URL, listen: Listener, webWorker?: () => Worker): Promise<{ port: Port; unrefs: boolean }> {
  if (usesWorkerThreads()) {
    const { Worker } = await import('node:worker_threads');
    // none of this process's Node options (--input-type, a test runner's loaders) apply
    // to the worker's script; V8's flags (WebAssembly features) are the process's anyway
    const w = new Worker(url, { execArgv: [] });
    w.on('message', (m: WorkerReply) => listen(m));
    w.on('error', (e: Error) => listen({ type: 'crashed', message: e.message }));
    w.on('exit', (code: number) => listen({ type: 'crashed', message: `the worker exited (code ${code})` }));
    w.unref();
    const hold = (on: boolean): void => void (on ? w.ref() : w.unref());
    return { port: { post: (m) => w.postMessage(m), terminate: () => void w.terminate(), hold }, unrefs: true };
  }
  const W = (globalThis as unknown as { Worker: new (u: URL, o: { type: 'module' }) => Worker }).Worker;
  const w = (webWorker ? webWorker() : new W(url, { type: 'module' })) as Worker & { unref?: () => void };
  w.onmessage = (e: MessageEvent<WorkerReply>) => listen(e.data);
  w.onerror = (e: ErrorEvent) => {
    e.preventDefault?.();
    listen({ type: 'crashed', message: e.message || 'the worker script failed to load' });
  };
  const unrefs = typeof w.unref === 'function';
  w.unref?.();
  const hold = (on: boolean): void => void (on ? (w as { ref?: () => void }).ref?.() : w.unref?.());
  return { port: { post: (m) => w.postMessage(m), terminate: () => w.terminate(), hold }, unrefs };
}

/** A started worker with the replies it owes, and why it ended (if it did). */
interface Slot {
  readonly port: Port;
  readonly queue: ((r: WorkerReply) => void)[];
  ended: string | null;
}

/** Workers running the core, each answering one message at a time. */
export class ThreadPool {
  private readonly slots: Slot[] = [];
  private unrefs = true;

  constructor(
    private readonly url: URL,
    private readonly module: WebAssembly.Module,
    private readonly webWorker?: () => Worker,
  ) {}

  /** workers started */
  get size(): number {
    return this.slots.length;
  }

  /** Whether an idle pool lets the process exit (else a fit stops it when it ends). */
  get lingers(): boolean {
    return !this.unrefs;
  }

  /** Starts workers until there are `n`, each with the core loaded (all afresh if one has ended). */
  async ensure(n: number): Promise<void> {
    if (this.slots.some((w) => w.ended !== null)) this.stop();
    const started: Promise<WorkerReply>[] = [];
    while (this.slots.length < n) {
      const queue: Slot['queue'] = [];
      const listen: Listener = (r) => {
        if (r.type !== 'crashed') queue.shift()?.(r);
        else {
          slot.ended ??= r.message ?? 'it ended';
          for (const f of queue.splice(0)) f(r);
        }
      };
      const { port, unrefs } = await startPort(this.url, listen, this.webWorker);
      const slot: Slot = { port, queue, ended: null };
      this.unrefs &&= unrefs;
      this.slots.push(slot);
      started.push(this.send(this.slots.length - 1, { type: 'core', module: this.module }));
    }
    try {
      await Promise.all(started);
    } catch (e) {
      this.stop();
      throw e;
    }
  }

  /** Sends worker k a message; resolves with its reply (rejects on an error reply, or if the worker has ended). */
  send(k: number, message: unknown): Promise<WorkerReply> {
    const w = this.slots[k]!;
    if (w.ended !== null) return Promise.reject(new JetfitError(`a training thread has ended: ${w.ended}`));
    const reply = new Promise<WorkerReply>((resolve, reject) => {
      w.queue.push((r) => {
        if (w.queue.length === 0) w.port.hold(false);
        if (r.type !== 'ready') reject(new JetfitError(`a training thread failed: ${r.message ?? 'unknown error'}`));
        else resolve(r);
      });
    });
    w.port.hold(true);
    w.port.post(message);
    return reply;
  }

  /** Sends worker k a message that has no reply (its answer, if any, comes through shared memory); false if it has ended. */
  post(k: number, message: unknown): boolean {
    const w = this.slots[k];
    if (!w || w.ended !== null) return false;
    w.port.post(message);
    return true;
  }

  /** fits whose workers serve them (a worker in a fit's loop cannot answer an evaluate) */
  busy = 0;

  /** Which networks each worker holds a copy of (by id), for evaluate on threads. */
  readonly copies = new WeakMap<Port, Set<number>>();

  /** The ids of the networks worker k holds (made on first use). */
  held(k: number): Set<number> {
    const port = this.slots[k]!.port;
    let s = this.copies.get(port);
    if (!s) {
      s = new Set();
      this.copies.set(port, s);
    }
    return s;
  }

  /** Terminates every worker. */
  stop(): void {
    for (const w of this.slots.splice(0)) {
      w.ended = 'the thread pool was stopped';
      w.port.terminate();
      for (const f of w.queue.splice(0)) f({ type: 'error', message: w.ended });
    }
  }
}
