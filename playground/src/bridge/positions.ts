/**
 * Positions and ranges between LSP (lines and characters from 0) and Monaco (line numbers and
 * columns from 1). Both count UTF-16 code units, so only the origin differs.
 */
import type { IPosition, IRange } from 'monaco-editor/editor';
import type { Position, Range } from 'vscode-languageserver-protocol';

export function toMonacoPosition(position: Position): IPosition {
  return { lineNumber: position.line + 1, column: position.character + 1 };
}

export function toLspPosition(position: IPosition): Position {
  return { line: position.lineNumber - 1, character: position.column - 1 };
}

export function toMonacoRange(range: Range): IRange {
  return {
    startLineNumber: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLineNumber: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

export function toLspRange(range: IRange): Range {
  return {
    start: { line: range.startLineNumber - 1, character: range.startColumn - 1 },
    end: { line: range.endLineNumber - 1, character: range.endColumn - 1 },
  };
}
