/**
 * The LSP-to-Monaco conversions of the playground's bridge. Monaco's enum numbers are read from
 * its own declarations (monaco.d.ts) here, so a table in the bridge that drifts from the editor
 * fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompletionItemKind, DiagnosticSeverity, InsertTextFormat, type CompletionItem } from 'vscode-languageserver-protocol';
import { toMonacoCodeLens } from '../../playground/src/bridge/code-lens.js';
import { toMonacoCompletion, toMonacoCompletions } from '../../playground/src/bridge/completion.js';
import { toMarker } from '../../playground/src/bridge/diagnostics.js';
import { toMonacoHover } from '../../playground/src/bridge/hover.js';
import { toMonacoInlayHint } from '../../playground/src/bridge/inlay-hints.js';
import { toLspPosition, toLspRange, toMonacoPosition, toMonacoRange } from '../../playground/src/bridge/positions.js';
import { ROOT } from './page-harness.js';

/** The members of `enum NAME { A = 1, ... }` as monaco.d.ts declares them. */
function monacoEnum(name: string): Map<string, number> {
  const declarations = readFileSync(join(ROOT, 'node_modules/monaco-editor/monaco.d.ts'), 'utf8');
  const body = new RegExp(`enum ${name} \\{([^}]*)\\}`).exec(declarations)?.[1];
  if (!body) throw new Error(`no enum ${name} in monaco.d.ts`);
  const members = [...body.matchAll(/^\s*(\w+) = (\d+),?$/gm)].map((m) => [m[1]!, Number(m[2])] as const);
  return new Map(members);
}

const WORD = { startLineNumber: 3, startColumn: 5, endLineNumber: 3, endColumn: 9 };

describe('positions', () => {
  it('moves the origin from 0 (LSP) to 1 (Monaco) and back', () => {
    expect(toMonacoPosition({ line: 0, character: 0 })).toEqual({ lineNumber: 1, column: 1 });
    expect(toMonacoPosition({ line: 13, character: 27 })).toEqual({ lineNumber: 14, column: 28 });
    expect(toLspPosition({ lineNumber: 14, column: 28 })).toEqual({ line: 13, character: 27 });
    const range = { start: { line: 2, character: 4 }, end: { line: 5, character: 1 } };
    expect(toMonacoRange(range)).toEqual({ startLineNumber: 3, startColumn: 5, endLineNumber: 6, endColumn: 2 });
    expect(toLspRange(toMonacoRange(range))).toEqual(range);
  });
});

describe('diagnostics', () => {
  const range = { start: { line: 13, character: 44 }, end: { line: 13, character: 45 } };
  const severity = monacoEnum('MarkerSeverity');

  it('gives each LSP severity the Monaco severity of the same name', () => {
    const cases = [
      [DiagnosticSeverity.Error, 'Error'],
      [DiagnosticSeverity.Warning, 'Warning'],
      [DiagnosticSeverity.Information, 'Info'],
      [DiagnosticSeverity.Hint, 'Hint'],
      [undefined, 'Error'],
    ] as const;
    for (const [lsp, name] of cases) expect(toMarker({ range, message: 'm', severity: lsp }).severity).toBe(severity.get(name));
  });

  it('keeps the message, the source, the code and the range, 1-based', () => {
    const marker = toMarker({ range, message: "index 'q' of the output is in no operand", source: 'cein', code: 'unknown-index', severity: DiagnosticSeverity.Error });
    expect(marker).toMatchObject({ message: "index 'q' of the output is in no operand", source: 'cein', code: 'unknown-index' });
    expect(marker).toMatchObject({ startLineNumber: 14, startColumn: 45, endLineNumber: 14, endColumn: 46 });
  });

  it('reads a markup message as its text', () => {
    expect(toMarker({ range, message: { kind: 'markdown', value: '**bad**' } }).message).toBe('**bad**');
  });
});

describe('hover', () => {
  it('passes markdown through and escapes plain text', () => {
    expect(toMonacoHover({ contents: { kind: 'markdown', value: '**layer cp**' } })?.contents).toEqual([{ value: '**layer cp**' }]);
    expect(toMonacoHover({ contents: { kind: 'plaintext', value: 'a*b [c]' } })?.contents).toEqual([{ value: 'a\\*b \\[c\\]' }]);
  });

  it('fences a marked string with a language, and keeps the range', () => {
    const hover = toMonacoHover({ contents: [{ language: 'text', value: 'x' }, ''], range: { start: { line: 0, character: 1 }, end: { line: 0, character: 3 } } });
    expect(hover).toEqual({ contents: [{ value: '```text\nx\n```' }], range: { startLineNumber: 1, startColumn: 2, endLineNumber: 1, endColumn: 4 } });
  });

  it('answers null for no hover or an empty one', () => {
    expect(toMonacoHover(null)).toBeNull();
    expect(toMonacoHover({ contents: '' })).toBeNull();
  });
});

describe('completion', () => {
  const kinds = monacoEnum('CompletionItemKind');

  it('gives every LSP item kind the Monaco kind of the same name', () => {
    for (const [name, lsp] of Object.entries(CompletionItemKind)) {
      if (typeof lsp !== 'number') continue;
      expect([name, toMonacoCompletion({ label: 'x', kind: lsp as CompletionItemKind }, WORD).kind]).toEqual([name, kinds.get(name)]);
    }
    expect(toMonacoCompletion({ label: 'x' }, WORD).kind).toBe(kinds.get('Text'));
  });

  it('replaces the word at the cursor when the item has no edit', () => {
    expect(toMonacoCompletion({ label: 'stride' }, WORD)).toMatchObject({ insertText: 'stride', range: WORD });
  });

  it('takes the range of a text edit, and both ranges of an insert-replace edit', () => {
    const edit: CompletionItem = { label: 'Ut', textEdit: { newText: 'Ut', range: { start: { line: 13, character: 50 }, end: { line: 13, character: 52 } } } };
    expect(toMonacoCompletion(edit, WORD).range).toEqual({ startLineNumber: 14, startColumn: 51, endLineNumber: 14, endColumn: 53 });
    const both: CompletionItem = {
      label: 'Us',
      textEdit: { newText: 'Us', insert: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } }, replace: { start: { line: 1, character: 0 }, end: { line: 1, character: 2 } } },
    };
    expect(toMonacoCompletion(both, WORD).range).toEqual({
      insert: { startLineNumber: 2, startColumn: 1, endLineNumber: 2, endColumn: 2 },
      replace: { startLineNumber: 2, startColumn: 1, endLineNumber: 2, endColumn: 3 },
    });
  });

  it('marks snippets as snippets (Monaco insertTextRules InsertAsSnippet)', () => {
    const rules = monacoEnum('CompletionItemInsertTextRule');
    const item = toMonacoCompletion({ label: 'layer', insertText: 'layer ${1:name}', insertTextFormat: InsertTextFormat.Snippet }, WORD);
    expect(item).toMatchObject({ insertText: 'layer ${1:name}', insertTextRules: rules.get('InsertAsSnippet') });
    expect(toMonacoCompletion({ label: 'let', insertTextFormat: InsertTextFormat.PlainText }, WORD).insertTextRules).toBeUndefined();
  });

  it('reads a list and an array alike', () => {
    expect(toMonacoCompletions({ isIncomplete: true, items: [{ label: 'a' }, { label: 'b' }] }, WORD)).toMatchObject({ incomplete: true, suggestions: [{ label: 'a' }, { label: 'b' }] });
    expect(toMonacoCompletions([{ label: 'a' }], WORD)).toMatchObject({ incomplete: false, suggestions: [{ label: 'a' }] });
    expect(toMonacoCompletions(null, WORD).suggestions).toEqual([]);
  });
});

describe('code lenses and inlay hints', () => {
  it('keeps a lens command with its arguments, and a label as a command without id', () => {
    const target = { uri: 'file:///samples/cp.cein', layer: 'cp' };
    const run = toMonacoCodeLens({ range: { start: { line: 13, character: 0 }, end: { line: 13, character: 0 } }, command: { title: 'Run', command: 'cein.run', arguments: [target] } });
    expect(run).toEqual({ range: { startLineNumber: 14, startColumn: 1, endLineNumber: 14, endColumn: 1 }, command: { id: 'cein.run', title: 'Run', arguments: [target] } });
    const label = toMonacoCodeLens({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, command: { title: '562.0M FLOPs', command: '' } });
    expect(label.command).toEqual({ id: '', title: '562.0M FLOPs', arguments: undefined });
  });

  it('joins a hint label of parts and keeps its kind (Monaco numbers hint kinds as LSP does)', () => {
    const kinds = monacoEnum('InlayHintKind');
    const hint = toMonacoInlayHint({ position: { line: 13, character: 63 }, label: [{ value: '→ ' }, { value: '128x64x32x32' }], kind: 1, paddingLeft: true });
    expect(hint).toEqual({ label: '→ 128x64x32x32', position: { lineNumber: 14, column: 64 }, kind: kinds.get('Type'), paddingLeft: true });
    expect(toMonacoInlayHint({ position: { line: 0, character: 0 }, label: '= 4', kind: 2 }).kind).toBe(kinds.get('Parameter'));
  });
});
