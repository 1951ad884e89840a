// Giving the event loop its turn during training, and the progress line.

interface YieldGlobals {
  setImmediate?: (f: () => void) => unknown;
  document?: unknown;
  WorkerGlobalScope?: unknown;
}
let channel: MessageChannel | null = null;
const waiting: (() => void)[] = [];

/** Milliseconds since an arbitrary origin. */
export const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Lets the event loop run (timers, input, rendering) with as little delay as the runtime
 * allows: setImmediate (Node, Bun), a MessageChannel in pages and workers (setTimeout
 * would wait 4 ms once nested), setTimeout elsewhere.
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as unknown as YieldGlobals;
  if (typeof g.setImmediate === 'function')
    return new Promise((resolve) => {
      g.setImmediate!(resolve);
    });
  if ((g.document !== undefined || g.WorkerGlobalScope !== undefined) && typeof MessageChannel !== 'undefined') {
    if (!channel) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => waiting.shift()?.();
    }
    return new Promise((resolve) => {
      waiting.push(resolve);
      channel!.port2.postMessage(0);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

interface ProcessLike {
  stdout?: { isTTY?: boolean; write(s: string): boolean };
  env?: Record<string, string | undefined>;
}

/** A writer of the progress line, or null when there is none (option false, or 'auto' outside a terminal or in CI). */
export function progressWriter(option: boolean | 'auto' | undefined): ((line: string, final: boolean) => void) | null {
  const proc = (globalThis as { process?: ProcessLike }).process;
  const tty = proc?.stdout?.isTTY === true && !proc.env?.CI;
  const on = option === true || ((option === undefined || option === 'auto') && tty);
  if (!on) return null;
  if (proc?.stdout && tty)
    return (line, final) => {
      proc.stdout!.write(`\r${line.padEnd(100)}${final ? '\n' : ''}`);
    };
  return (line, final) => {
    if (final) console.log(line);
  };
}
