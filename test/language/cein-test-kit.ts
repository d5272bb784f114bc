/**
 * What the language tests share: one set of services (with every editor feature), parsing with
 * validation, and `<|...|>` markers that say where in a source a test expects something.
 */
import { EmptyFileSystem, type LangiumDocument } from 'langium';
import { parseHelper } from 'langium/test';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { CeinFile } from '../../server/src/language/generated/ast.js';
import { createCeinLanguageServer } from '../../server/src/lsp/cein-lsp-module.js';

export const services = createCeinLanguageServer(EmptyFileSystem);
export const cein = services.cein;

const parse = parseHelper<CeinFile>(cein);

export async function parseDocument(text: string): Promise<LangiumDocument<CeinFile>> {
  return parse(text, { validation: true });
}

export interface Marked {
  /** The text without markers. */
  readonly text: string;
  /** Offsets of each `<|...|>` in the text without markers, in order. */
  readonly ranges: readonly { readonly start: number; readonly end: number }[];
}

/** Strips `<|` and `|>` from a source and remembers where they were. */
export function marked(source: string): Marked {
  const ranges: { start: number; end: number }[] = [];
  let text = '';
  const open: number[] = [];
  for (let i = 0; i < source.length; i++) {
    if (source.startsWith('<|', i)) {
      open.push(text.length);
      i++;
    } else if (source.startsWith('|>', i) && open.length > 0) {
      ranges.push({ start: open.pop()!, end: text.length });
      i++;
    } else {
      text += source[i];
    }
  }
  ranges.sort((a, b) => a.start - b.start);
  return { text, ranges };
}

export interface SeenDiagnostic {
  readonly code: string | number | undefined;
  readonly severity: 'error' | 'warning' | 'info' | 'hint';
  readonly message: string;
  /** The document text the diagnostic underlines. */
  readonly underlined: string;
  readonly start: number;
  readonly end: number;
}

export async function diagnose(text: string): Promise<SeenDiagnostic[]> {
  const document = await parseDocument(text);
  return seen(document, document.diagnostics ?? []);
}

export function seen(document: LangiumDocument, diagnostics: readonly Diagnostic[]): SeenDiagnostic[] {
  const severities = ['error', 'error', 'warning', 'info', 'hint'] as const;
  return diagnostics.map((d) => {
    const start = document.textDocument.offsetAt(d.range.start);
    const end = document.textDocument.offsetAt(d.range.end);
    const message = typeof d.message === 'string' ? d.message : d.message.value;
    return { code: d.code, severity: severities[d.severity ?? 1]!, message, underlined: document.textDocument.getText().slice(start, end), start, end };
  });
}

/** Applies LSP text edits to a text (edits must not overlap). */
export function applyEdits(document: LangiumDocument, edits: readonly { range: Diagnostic['range']; newText: string }[]): string {
  const text = document.textDocument.getText();
  const offsets = edits
    .map((e) => ({ start: document.textDocument.offsetAt(e.range.start), end: document.textDocument.offsetAt(e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start);
  return offsets.reduce((result, e) => result.slice(0, e.start) + e.newText + result.slice(e.end), text);
}

/** A small CP layer used by several tests: X[2,4,5,5], rank 2, 4 output channels. */
export const SMALL_CP = `let B = 2
let R = 2
input X[B, 4, 5, 5]
weight Ut[R, 4]
weight Us[R, 4]
weight Kh[R, 3]
weight Kw[R, 3]
layer cp: Y = conv_einsum("bshw,rt,rs,rh,rw->bthw|hw", X, Ut, Us, Kh, Kw)
`;
