/**
 * The editor's theme: Monaco's light theme plus colours for the semantic token types the server
 * sends (server/src/lsp/semantic-tokens.ts), with VS Code Light+'s values, so that each index
 * of an expression is coloured by its kind (conv, batch, contracted, free, reduced) as in VS Code.
 */
import type { editor } from 'monaco-editor/editor';

export const CEIN_THEME = 'cein-light';

export const ceinTheme: editor.IStandaloneThemeData = {
  base: 'vs',
  inherit: true,
  rules: [
    { token: 'function', foreground: '795E26' },
    { token: 'typeParameter', foreground: '267F99' },
    { token: 'enumMember', foreground: '0070C1' },
    { token: 'variable', foreground: '001080' },
    { token: 'parameter', foreground: '001080', fontStyle: 'italic' },
    { token: 'namespace', foreground: '267F99' },
    { token: 'number', foreground: '098658' },
  ],
  colors: {},
};
