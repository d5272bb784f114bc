/**
 * `cein.torch`: a layer or network of a document as a PyTorch module (see engine/export/torch.ts),
 * with the name of the file the editor writes it to, next to the .cein file.
 */
import type { LangiumDocument } from 'langium';
import { exportModulesToTorch } from '../engine/export/torch.js';
import { torchProgramOf } from '../language/export/torch-program.js';
import { isNetwork, type Layer, type Network } from '../language/generated/ast.js';

/** The answer to `cein.torch`: the Python source and the file name it is meant to have. */
export interface TorchExportAnswer {
  /** "layer cp", "network block", "layer a of network block". */
  readonly target: string;
  /** `<file stem>_<network>_<layer>.py`, a valid Python module name. */
  readonly fileName: string;
  readonly text: string;
}

/** What the exporter calls a target: a top-level layer, a network, or a layer of a network. */
export interface TorchTarget {
  readonly layer?: string;
  readonly network?: string;
}

export function torchTargetOf(node: Layer | Network): TorchTarget {
  if (isNetwork(node)) return { network: node.name };
  return isNetwork(node.$container) ? { network: node.$container.name, layer: node.name } : { layer: node.name };
}

export function exportTorch(document: LangiumDocument, node: Layer | Network): TorchExportAnswer | { readonly error: string } {
  const target = torchTargetOf(node);
  const outcome = torchProgramOf(document, target);
  if ('problem' in outcome) return { error: outcome.problem };
  return { target: describe(target), fileName: torchFileName(document.uri.path, target), text: exportModulesToTorch(outcome.program) };
}

/**
 * `<stem>_<network>_<layer>.py` from the .cein file's path: what `import` can name, so every
 * character that is not a letter, a digit or `_` becomes `_` (layer and network names already
 * are identifiers).
 */
export function torchFileName(ceinPath: string, target: TorchTarget): string {
  const base = ceinPath.split('/').pop() ?? '';
  const stem = base.replace(/\.cein$/i, '').replace(/\W/g, '_') || 'cein';
  const parts = [/^\d/.test(stem) ? `_${stem}` : stem, target.network, target.layer].filter((part) => part !== undefined);
  return `${parts.join('_')}.py`;
}

function describe(target: TorchTarget): string {
  if (target.layer && target.network) return `layer ${target.layer} of network ${target.network}`;
  return target.layer ? `layer ${target.layer}` : `network ${target.network}`;
}
