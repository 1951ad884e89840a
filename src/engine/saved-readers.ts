// Readers of saved maps (a network's input or output map), by the `kind` in their saved
// form. The layer that defines a kind registers its reader, so the engine reads saved maps
// without importing the layer above it.
import { show } from '../base/check.js';
import { JetfitError } from '../base/errors.js';

/** Reads one kind of saved map; `what` names the argument for messages. */
export type SavedReader<T> = (saved: unknown, what: string) => T;

/** A registry of readers for the saved maps called `name` ('input map', 'output map'). */
export function savedReaders<T>(name: string): { register(kind: string, reader: SavedReader<T>): void; read: SavedReader<T> } {
  const readers = new Map<string, SavedReader<T>>();
  return {
    register(kind, reader) {
      readers.set(kind, reader);
    },
    read(saved, what) {
      const kind = typeof saved === 'object' && saved !== null ? (saved as { kind?: unknown }).kind : undefined;
      const reader = typeof kind === 'string' ? readers.get(kind) : undefined;
      if (!reader) throw new JetfitError(`${what}: expected a saved ${name} { kind: 'fields', ... }, got ${show(saved)}`);
      return reader(saved, what);
    },
  };
}
