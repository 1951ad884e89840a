// A training thread. It loads the core the main thread sends (a compiled module, into this
// thread's own memory), then for each fit builds its copy of the network and runs the
// step's tasks from the shared exchange until the fit ends (train/work-queue.ts). Under
// Node it talks through worker_threads' parentPort, elsewhere through the worker's own
// postMessage.
import { Mlp, type MlpJSON } from './engine/mlp.js';
import './fields/input-map.js';
import './fields/output-map.js';
import { type EvaluateMessage, serveEvaluate } from './engine/parallel-evaluate.js';
import { initCore } from './runtime/core.js';
import { ChunkRunner } from './parallel/chunk-runner.js';
import { Exchange, type ExchangeShape } from './parallel/exchange.js';
import { currentGeneration, serve } from './parallel/work-queue.js';

type Message =
  | { type: 'core'; module: WebAssembly.Module }
  | { type: 'fit'; net: MlpJSON; shape: ExchangeShape; buffer: SharedArrayBuffer }
  | EvaluateMessage
  | { type: 'forget'; id: number };

/** copies of networks evaluated on threads, by id, until their owners are disposed */
const copies = new Map<number, Mlp>();

/** Runs this worker's range of an evaluate (the answer goes through the shared buffer). */
function evaluate(m: EvaluateMessage): void {
  let net = copies.get(m.id);
  serveEvaluate(
    m,
    (x, b) => net!.evaluate(x.subarray(0, b * m.n), m.request),
    (bytes) => {
      if (!net) {
        if (m.json === null) throw new Error('this worker has no copy of the network');
        net = Mlp.fromJSON(m.json as MlpJSON);
        copies.set(m.id, net);
      }
      const view = net.parameterView();
      new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(bytes);
      net.parametersChanged();
    },
  );
}

async function handle(m: Message, reply: (r: unknown) => void): Promise<void> {
  if (m.type === 'evaluate') return evaluate(m);
  if (m.type === 'forget') {
    copies.get(m.id)?.dispose();
    copies.delete(m.id);
    return;
  }
  try {
    if (m.type === 'core') {
      await initCore(m.module, () => m.module, { threads: 1, workerUrl: null });
      reply({ type: 'ready' });
      return;
    }
    const net = Mlp.fromJSON(m.net);
    try {
      const ex = new Exchange(m.shape, m.buffer);
      const runner = new ChunkRunner(net, ex);
      const from = currentGeneration(ex);
      reply({ type: 'ready' });
      serve(
        ex,
        from,
        () => runner.loadParams(),
        (i) => runner.run(i),
        () => runner.gradients.advance(),
      );
    } finally {
      net.dispose();
    }
  } catch (e) {
    reply({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}

const web = globalThis as unknown as { postMessage?: (m: unknown) => void; onmessage?: (e: { data: Message }) => void };
if (typeof web.postMessage === 'function') {
  const post = web.postMessage.bind(globalThis);
  web.onmessage = (e) => void handle(e.data, post);
} else {
  // no top-level await: bundlers build web workers as classic scripts
  void import('node:worker_threads').then(({ parentPort }) => {
    parentPort!.on('message', (m: Message) => void handle(m, (r) => parentPort!.postMessage(r)));
  });
}
