/**
 * Which layer (or network) the cursor is in, as the server names it: the server puts a code lens
 * at the start of every layer and network with the target in its commands (as the extension's
 * client/src/layer-target.ts reads them), so the innermost lens at or above the cursor is the one
 * the user means. Above every lens, the first one.
 */
import { isLayerTarget, type LayerTarget } from '../../client/src/protocol.js';

/** A lens as both LSP and Monaco give it: where it starts (0-based line) and its command's arguments. */
export interface LensAt {
  readonly line: number;
  readonly arguments?: readonly unknown[];
}

export function targetAtLine(lenses: readonly LensAt[], line: number): LayerTarget | undefined {
  const withTarget = lenses
    .map((lens) => ({ line: lens.line, target: lens.arguments?.[0] }))
    .filter((lens): lens is { line: number; target: LayerTarget } => isLayerTarget(lens.target));
  if (withTarget.length === 0) return undefined;
  const above = withTarget.filter((lens) => lens.line <= line);
  if (above.length === 0) return withTarget.reduce((first, lens) => (lens.line < first.line ? lens : first)).target;
  const nearest = Math.max(...above.map((lens) => lens.line));
  return above.find((lens) => lens.line === nearest)!.target;
}
