/**
 * The .cein language for Monaco: a Monarch tokenizer with the TextMate grammar's scopes
 * (syntaxes/cein.tmLanguage.json) and the editor settings of language/language-configuration.json.
 * Inside an expression string, indices, the arrow and the conv list after `|` read apart; the
 * server's semantic tokens then colour each index by its kind.
 */
import type { languages } from 'monaco-editor/editor';
import configuration from '../../language/language-configuration.json' with { type: 'json' };

export const CEIN_LANGUAGE_ID = 'cein';

export const ceinMonarch: languages.IMonarchLanguage = {
  defaultToken: '',
  tokenPostfix: '.cein',
  keywords: ['let', 'input', 'weight', 'const', 'layer', 'network', 'conv_einsum'],
  options: ['stride', 'dilation', 'padding', 'mode', 'objective', 'cap'],
  constants: ['same', 'valid', 'full', 'zeros', 'circular', 'reflect', 'replicate', 'flops', 'memory', 'training'],
  tokenizer: {
    root: [
      [/\/\*/, 'comment', '@comment'],
      [/\/\/.*$/, 'comment'],
      [/"/, 'string', '@expression'],
      [/'/, 'string', '@expressionSingle'],
      [/[A-Za-z_]\w*/, { cases: { '@keywords': 'keyword', '@options': 'keyword.option', '@constants': 'constant', '@default': 'identifier' } }],
      [/\d+/, 'number'],
      [/[{}()[\]]/, '@brackets'],
      [/[-+*/=:,]/, 'operator'],
    ],
    comment: [
      [/\*\//, 'comment', '@pop'],
      [/[^*]+/, 'comment'],
      [/\*/, 'comment'],
    ],
    expression: [
      [/"/, 'string', '@pop'],
      [/$/, 'string', '@pop'],
      [/\\./, 'string.escape'],
      [/->/, 'operator.arrow'],
      [/\|/, 'operator.conv', '@convList'],
      [/\([A-Za-z0-9_\s]*\)|[A-Za-z]/, 'variable.index'],
      [/,/, 'delimiter'],
      [/\.\.\./, 'invalid'],
      [/./, 'string'],
    ],
    convList: [
      [/(?=")/, 'string', '@pop'],
      [/$/, 'string', '@popall'],
      [/\([A-Za-z0-9_\s]*\)|[A-Za-z]/, 'function.conv-index'],
      [/,/, 'delimiter'],
      [/./, 'string'],
    ],
    expressionSingle: [
      [/'/, 'string', '@pop'],
      [/$/, 'string', '@pop'],
      [/\\./, 'string.escape'],
      [/->/, 'operator.arrow'],
      [/\|/, 'operator.conv'],
      [/\([A-Za-z0-9_\s]*\)|[A-Za-z]/, 'variable.index'],
      [/./, 'string'],
    ],
  },
};

/** language-configuration.json with its patterns as the regular expressions Monaco takes. */
export const ceinConfiguration: languages.LanguageConfiguration = {
  comments: { lineComment: configuration.comments.lineComment, blockComment: configuration.comments.blockComment as [string, string] },
  brackets: configuration.brackets as languages.CharacterPair[],
  autoClosingPairs: configuration.autoClosingPairs,
  surroundingPairs: configuration.surroundingPairs.map(([open, close]) => ({ open: open!, close: close! })),
  wordPattern: new RegExp(configuration.wordPattern),
  indentationRules: {
    increaseIndentPattern: new RegExp(configuration.indentationRules.increaseIndentPattern),
    decreaseIndentPattern: new RegExp(configuration.indentationRules.decreaseIndentPattern),
  },
};
