/**
 * LSP completion items as Monaco's. The two number their item kinds differently, so kinds go
 * through a table; an item without an edit replaces the word at the cursor.
 */
import type { IRange, languages } from 'monaco-editor/editor';
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type CompletionList } from 'vscode-languageserver-protocol';
import { toMonacoRange } from './positions.js';

/** Monaco's CompletionItemKind numbers (monaco-editor 0.57), by LSP kind. */
const MONACO_KIND: Record<CompletionItemKind, number> = {
  [CompletionItemKind.Method]: 0,
  [CompletionItemKind.Function]: 1,
  [CompletionItemKind.Constructor]: 2,
  [CompletionItemKind.Field]: 3,
  [CompletionItemKind.Variable]: 4,
  [CompletionItemKind.Class]: 5,
  [CompletionItemKind.Struct]: 6,
  [CompletionItemKind.Interface]: 7,
  [CompletionItemKind.Module]: 8,
  [CompletionItemKind.Property]: 9,
  [CompletionItemKind.Event]: 10,
  [CompletionItemKind.Operator]: 11,
  [CompletionItemKind.Unit]: 12,
  [CompletionItemKind.Value]: 13,
  [CompletionItemKind.Constant]: 14,
  [CompletionItemKind.Enum]: 15,
  [CompletionItemKind.EnumMember]: 16,
  [CompletionItemKind.Keyword]: 17,
  [CompletionItemKind.Text]: 18,
  [CompletionItemKind.Color]: 19,
  [CompletionItemKind.File]: 20,
  [CompletionItemKind.Reference]: 21,
  [CompletionItemKind.Folder]: 23,
  [CompletionItemKind.TypeParameter]: 24,
  [CompletionItemKind.Snippet]: 28,
};
const MONACO_TEXT_KIND = 18;
/** Monaco's CompletionItemInsertTextRule.InsertAsSnippet. */
const INSERT_AS_SNIPPET = 4;

export function toMonacoCompletions(answer: CompletionList | CompletionItem[] | null | undefined, wordRange: IRange): languages.CompletionList {
  const items = Array.isArray(answer) ? answer : (answer?.items ?? []);
  return {
    suggestions: items.map((item) => toMonacoCompletion(item, wordRange)),
    incomplete: !Array.isArray(answer) && answer?.isIncomplete === true,
  };
}

export function toMonacoCompletion(item: CompletionItem, wordRange: IRange): languages.CompletionItem {
  const edit = item.textEdit;
  const range = !edit ? wordRange : 'range' in edit ? toMonacoRange(edit.range) : { insert: toMonacoRange(edit.insert), replace: toMonacoRange(edit.replace) };
  const documentation = typeof item.documentation === 'string' ? item.documentation : item.documentation ? { value: item.documentation.value } : undefined;
  return {
    label: item.label,
    kind: (item.kind === undefined ? MONACO_TEXT_KIND : MONACO_KIND[item.kind]) as languages.CompletionItemKind,
    insertText: edit?.newText ?? item.insertText ?? item.label,
    range,
    ...(item.insertTextFormat === InsertTextFormat.Snippet ? { insertTextRules: INSERT_AS_SNIPPET as languages.CompletionItemInsertTextRule } : {}),
    ...(item.detail === undefined ? {} : { detail: item.detail }),
    ...(documentation === undefined ? {} : { documentation }),
    ...(item.sortText === undefined ? {} : { sortText: item.sortText }),
    ...(item.filterText === undefined ? {} : { filterText: item.filterText }),
  };
}
