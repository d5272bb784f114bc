/**
 * Which layer (or network) the cursor is in, as the server names it: the server puts a code lens
 * at the start of every layer and network with the target in its commands (as the extension's
 * client/src/layer-target.ts reads them), so the innermost lens at or above the cursor is the one
 * the user means; above every lens, the first one. A layer with problems has only a label there
 * (the lens says what to fix), so the lookup answers its line instead of a target.
 */
import { isLayerTarget, type LayerTarget } from '../../client/src/protocol.js';

/** A lens as both LSP and Monaco give it: where it starts (0-based line) and its command's arguments. */
export interface LensAt {
  readonly line: number;
  readonly arguments?: readonly unknown[];
}

/** The target of the layer at the cursor, or only its line (0-based) when it cannot be planned. */
export type LensLookup = { readonly target: LayerTarget; readonly line: number } | { readonly target?: undefined; readonly line: number };

export function targetAtLine(lenses: readonly LensAt[], line: number): LensLookup | undefined {
  if (lenses.length === 0) return undefined;
  const above = lenses.filter((lens) => lens.line <= line);
  const nearest = above.length > 0 ? Math.max(...above.map((lens) => lens.line)) : Math.min(...lenses.map((lens) => lens.line));
  const target = lenses
    .filter((lens) => lens.line === nearest)
    .map((lens) => lens.arguments?.[0])
    .find(isLayerTarget);
  return target ? { target, line: nearest } : { line: nearest };
}
