// Worker threads for data-parallel training: whether this runtime can run them (shared
// memory, a way to start workers, a script to start), and the pool itself. Workers are
// started once and reused by every fit; each instantiates the same compiled core in its
// own memory. Under Node and Bun they are unref'd, so an idle pool never keeps a process
// alive; where a worker cannot be unref'd (Deno, browsers) the pool is stopped when a fit
// ends (and started again by the next one).
import { JetfitError } from '../base/errors.js';

/** A started worker, whatever the runtime calls it. */
interface Port {
  post(message: unknown): void;
  terminate(): void;
  /** keeps the process alive while a reply is awaited (Node, Bun); a no-op elsewhere */
  hold(on: boolean): void;
}

/** A message from a worker: ready, or an error. */
export interface WorkerReply {
  readonly type: 'ready' | 'error';
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

function nodeCores(): number | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process;
  const os = p?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  return os?.availableParallelism?.() ?? null;
}

async function startPort(url: URL, listen: Listener, webWorker?: () => Worker): Promise<{ port: Port; unrefs: boolean }> {
  if (isNode()) {
    const { Worker } = await import('node:worker_threads');
    // none of this process's Node options (--input-type, a test runner's loaders) apply
    // to the worker's script; V8's flags (WebAssembly features) are the process's anyway
    const w = new Worker(url, { execArgv: [] });
    w.on('message', (m: WorkerReply) => listen(m));
    w.on('error', (e: Error) => listen({ type: 'error', message: e.message }));
    w.unref();
    const hold = (on: boolean): void => void (on ? w.ref() : w.unref());
    return { port: { post: (m) => w.postMessage(m), terminate: () => void w.terminate(), hold }, unrefs: true };
  }
  const W = (globalThis as unknown as { Worker: new (u: URL, o: { type: 'module' }) => Worker }).Worker;
  const w = (webWorker ? webWorker() : new W(url, { type: 'module' })) as Worker & { unref?: () => void };
  w.onmessage = (e: MessageEvent<WorkerReply>) => listen(e.data);
  w.onerror = (e: ErrorEvent) => {
    e.preventDefault?.();
    listen({ type: 'error', message: e.message || 'the worker script failed to load' });
  };
  const unrefs = typeof w.unref === 'function';
  w.unref?.();
  const hold = (on: boolean): void => void (on ? (w as { ref?: () => void }).ref?.() : w.unref?.());
  return { port: { post: (m) => w.postMessage(m), terminate: () => w.terminate(), hold }, unrefs };
}

/** Workers running the core, each answering one message at a time. */
export class ThreadPool {
  private readonly ports: Port[] = [];
  private readonly waiting: ((r: WorkerReply) => void)[][] = [];
  private unrefs = true;

  constructor(
    private readonly url: URL,
    private readonly module: WebAssembly.Module,
    private readonly webWorker?: () => Worker,
  ) {}

  /** workers started */
  get size(): number {
    return this.ports.length;
  }

  /** Whether an idle pool lets the process exit (else a fit stops it when it ends). */
  get lingers(): boolean {
    return !this.unrefs;
  }

  /** Starts workers until there are `n`, each with the core loaded. */
  async ensure(n: number): Promise<void> {
    const started: Promise<void>[] = [];
    while (this.ports.length < n) {
      const k = this.ports.length;
      this.waiting.push([]);
      const listen: Listener = (r) => this.waiting[k]?.shift()?.(r);
      const ready = this.reply(k);
      const { port, unrefs } = await startPort(this.url, listen, this.webWorker);
      this.unrefs &&= unrefs;
      this.ports.push(port);
      port.hold(true);
      port.post({ type: 'core', module: this.module });
      started.push(ready.then(() => undefined));
    }
    try {
      await Promise.all(started);
    } catch (e) {
      this.stop();
      throw e;
    }
  }

  /** Sends worker k a message; resolves with its reply (rejects on an error reply). */
  send(k: number, message: unknown): Promise<WorkerReply> {
    const r = this.reply(k);
    this.ports[k]!.hold(true);
    this.ports[k]!.post(message);
    return r;
  }

  private reply(k: number): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      this.waiting[k]!.push((r) => {
        if (this.waiting[k]?.length === 0) this.ports[k]?.hold(false);
        if (r.type === 'error') reject(new JetfitError(`a training thread failed: ${r.message ?? 'unknown error'}`));
        else resolve(r);
      });
    });
  }

  /** Terminates every worker. */
  stop(): void {
    for (const p of this.ports) p.terminate();
    for (const w of this.waiting) for (const f of w.splice(0)) f({ type: 'error', message: 'the thread pool was stopped' });
    this.ports.length = 0;
    this.waiting.length = 0;
  }
}
