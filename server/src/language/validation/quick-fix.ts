/**
 * Quick fixes travel with their diagnostic: the check that finds a problem knows its context
 * best, so it computes the edits, and the code-action provider only offers them.
 */
import type { Range } from 'vscode-languageserver-types';

export interface QuickFixEdit {
  readonly range: Range;
  readonly newText: string;
}

export interface QuickFix {
  readonly title: string;
  readonly edits: readonly QuickFixEdit[];
}

/** The `data` of a cein diagnostic. */
export interface CeinDiagnosticData {
  readonly code: string;
  readonly fixes?: readonly QuickFix[];
}

export function isCeinDiagnosticData(data: unknown): data is CeinDiagnosticData {
  return typeof data === 'object' && data !== null && typeof (data as { code?: unknown }).code === 'string';
}
