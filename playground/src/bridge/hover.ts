/** An LSP hover as Monaco's: markdown (or plain text, escaped) and the range it covers. */
import type { IMarkdownString, languages } from 'monaco-editor/editor';
import type { Hover, MarkedString, MarkupContent } from 'vscode-languageserver-protocol';
import { toMonacoRange } from './positions.js';

export function toMonacoHover(hover: Hover | null | undefined): languages.Hover | null {
  if (!hover) return null;
  const parts = Array.isArray(hover.contents) ? hover.contents.map(markdownOf) : [markdownOf(hover.contents)];
  const contents = parts.filter((part) => part.value.length > 0);
  if (contents.length === 0) return null;
  return { contents, ...(hover.range ? { range: toMonacoRange(hover.range) } : {}) };
}

function markdownOf(content: MarkupContent | MarkedString): IMarkdownString {
  if (typeof content === 'string') return { value: content };
  if ('kind' in content) return { value: content.kind === 'markdown' ? content.value : escapeMarkdown(content.value) };
  return { value: `\`\`\`${content.language}\n${content.value}\n\`\`\`` };
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}
