// A jet component of a network output: its value, a first derivative ∂/∂x_i, a second
// derivative ∂²/∂x_i∂x_j, or the Laplacian. The engine stores each in a block of a plan
// (jet-layout.ts); the loss language asks for them by name (fields/lower.ts). `key` is the
// one string form, for maps and sets.

/** One jet component. Pairs are kept with i ≤ j. */
export type Component =
  | { readonly kind: 'value' }
  | { readonly kind: 'd'; readonly i: number }
  | { readonly kind: 'pair'; readonly i: number; readonly j: number }
  | { readonly kind: 'laplacian' };

/** The value. */
export const VALUE: Component = { kind: 'value' };
/** The Laplacian Σᵢ ∂²/∂xᵢ². */
export const LAPLACIAN: Component = { kind: 'laplacian' };
/** ∂/∂x_i */
export const d = (i: number): Component => ({ kind: 'd', i });
/** ∂²/∂x_i∂x_j, in either order */
export const pair = (i: number, j: number): Component => ({ kind: 'pair', i: Math.min(i, j), j: Math.max(i, j) });

/** 'v', 'd3', 'p1,2' or 'L': equal components have equal keys. */
export function key(c: Component): string {
  switch (c.kind) {
    case 'value':
      return 'v';
    case 'd':
      return `d${c.i}`;
    case 'pair':
      return `p${c.i},${c.j}`;
    case 'laplacian':
      return 'L';
  }
}
