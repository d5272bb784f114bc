/** LSP inlay hints as Monaco's (the kinds have the same numbers: 1 type, 2 parameter). */
import type { languages } from 'monaco-editor/editor';
import type { InlayHint } from 'vscode-languageserver-protocol';
import { toMonacoPosition } from './positions.js';

export function toMonacoInlayHint(hint: InlayHint): languages.InlayHint {
  const label = typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join('');
  return {
    label,
    position: toMonacoPosition(hint.position),
    ...(hint.kind === undefined ? {} : { kind: hint.kind as number as languages.InlayHintKind }),
    ...(hint.paddingLeft === undefined ? {} : { paddingLeft: hint.paddingLeft }),
    ...(hint.paddingRight === undefined ? {} : { paddingRight: hint.paddingRight }),
    ...(typeof hint.tooltip === 'string' ? { tooltip: hint.tooltip } : hint.tooltip ? { tooltip: { value: hint.tooltip.value } } : {}),
  };
}
