/** LSP diagnostics as Monaco markers: severity, range, code and the diagnostic's source. */
import type { editor } from 'monaco-editor/editor';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver-protocol';
import { toMonacoRange } from './positions.js';

/** Monaco's MarkerSeverity and MarkerTag values (enums of the editor API, fixed numbers). */
const MARKER_SEVERITY = { hint: 1, info: 2, warning: 4, error: 8 } as const;
const MARKER_TAG = { unnecessary: 1, deprecated: 2 } as const;

export function toMarker(diagnostic: Diagnostic): editor.IMarkerData {
  const tags = (diagnostic.tags ?? []).map((tag) => (tag === DiagnosticTag.Deprecated ? MARKER_TAG.deprecated : MARKER_TAG.unnecessary));
  return {
    ...toMonacoRange(diagnostic.range),
    severity: markerSeverity(diagnostic.severity),
    message: typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value,
    source: diagnostic.source,
    ...(diagnostic.code === undefined ? {} : { code: String(diagnostic.code) }),
    ...(tags.length > 0 ? { tags } : {}),
  };
}

/** A diagnostic without a severity is an error (the LSP leaves it to the client; VS Code does the same). */
function markerSeverity(severity: DiagnosticSeverity | undefined): editor.IMarkerData['severity'] {
  switch (severity) {
    case DiagnosticSeverity.Warning:
      return MARKER_SEVERITY.warning;
    case DiagnosticSeverity.Information:
      return MARKER_SEVERITY.info;
    case DiagnosticSeverity.Hint:
      return MARKER_SEVERITY.hint;
    default:
      return MARKER_SEVERITY.error;
  }
}
