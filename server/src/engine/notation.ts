/**
 * The conv_einsum notation (docs/semantics.md section 1):
 *
 *   SPEC   := INPUTS "->" OUTPUT [ "|" CONVS ]
 *   TERM   := INDEX*        INDEX := letter | "(" name ")"
 *   CONVS  := INDEX ("," INDEX)* | INDEX*
 *
 * White space is ignored everywhere. Every index keeps its character range so that problems can
 * point at the exact letter inside the string.
 */
import { error, warning, type Problem, type TextRange } from './problems.js';

export interface IndexOccurrence {
  readonly name: string;
  readonly range: TextRange;
}

export interface Term {
  readonly indices: readonly IndexOccurrence[];
  readonly range: TextRange;
}

export interface ParsedSpec {
  readonly text: string;
  readonly inputs: readonly Term[];
  /** Null when the string has no `->` (an error; see implicitOutput for numpy's rule). */
  readonly output: Term | null;
  readonly convs: readonly IndexOccurrence[];
}

export interface ParseResult {
  /** Null only when the string cannot be read at all. */
  readonly spec: ParsedSpec | null;
  readonly problems: readonly Problem[];
}

/** How an index is written back: a letter as itself, a longer name in parentheses. */
export function formatIndex(name: string): string {
  return name.length === 1 ? name : `(${name})`;
}

export function formatTerm(names: readonly string[]): string {
  return names.map(formatIndex).join('');
}

const NAME_CHAR = /[A-Za-z0-9_]/;
const LETTER = /[A-Za-z]/;

type Token =
  | { kind: 'index'; name: string; range: TextRange }
  | { kind: 'comma' | 'arrow' | 'bar'; range: TextRange };

/** One pass over the string, linear in its length; a character outside the BMP is one character (one problem). */
function tokenize(text: string, problems: Problem[]): Token[] {
  const tokens: Token[] = [];
  const arrow = /-\s*>/y;
  // The next ')' and '(' at or after a position only move forward, so each is searched for once per match.
  let close = text.indexOf(')');
  let nextOpen = text.indexOf('(');
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (LETTER.test(ch)) {
      tokens.push({ kind: 'index', name: ch, range: { start: i, end: i + 1 } });
      i++;
    } else if (ch === '(') {
      if (close !== -1 && close <= i) close = text.indexOf(')', i + 1);
      if (nextOpen !== -1 && nextOpen <= i) nextOpen = text.indexOf('(', i + 1);
      if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
        problems.push(error('unclosed-name', `'(' at column ${i + 1} is never closed; write names as (t1)`, { range: { start: i, end: i + 1 } }));
        i++;
        continue;
      }
      const range = { start: i, end: close + 1 };
      const name = text.slice(i + 1, close).replace(/\s+/g, '');
      if (name.length === 0) {
        problems.push(error('empty-name', 'empty index name "()"', { range }));
      } else if (![...name].every((c) => NAME_CHAR.test(c))) {
        problems.push(error('invalid-name', `index name "${name}" may only hold letters, digits and _`, { range }));
      } else {
        tokens.push({ kind: 'index', name, range });
      }
      i = close + 1;
    } else if (ch === ',') {
      tokens.push({ kind: 'comma', range: { start: i, end: i + 1 } });
      i++;
    } else if (ch === '|') {
      tokens.push({ kind: 'bar', range: { start: i, end: i + 1 } });
      i++;
    } else if (ch === '-' && ((arrow.lastIndex = i), arrow.test(text))) {
      const end = arrow.lastIndex;
      tokens.push({ kind: 'arrow', range: { start: i, end } });
      i = end;
    } else if (text.startsWith('...', i)) {
      problems.push(error('ellipsis-unsupported', 'ellipsis "..." is not supported: name every index', { range: { start: i, end: i + 3 } }));
      i += 3;
    } else {
      const character = String.fromCodePoint(text.codePointAt(i)!);
      const hint = ch === '-' ? ' (did you mean "->"?)' : '';
      problems.push(error('unexpected-character', `unexpected character '${character}'${hint}`, { range: { start: i, end: i + character.length } }));
      i += character.length;
    }
  }
  return tokens;
}

/** Splits tokens into comma-separated terms; a term's range covers its indices (or its position when empty). */
function readTerms(tokens: readonly Token[], at: number): Term[] {
  const terms: Term[] = [];
  let current: IndexOccurrence[] = [];
  let start = at;
  let end = at;
  for (const token of tokens) {
    if (token.kind === 'comma') {
      terms.push({ indices: current, range: { start, end: Math.max(start, end) } });
      current = [];
      start = end = token.range.end;
    } else if (token.kind === 'index') {
      if (current.length === 0) start = token.range.start;
      current.push({ name: token.name, range: token.range });
      end = token.range.end;
    }
  }
  terms.push({ indices: current, range: { start, end: Math.max(start, end) } });
  return terms;
}

export function parseSpec(text: string): ParseResult {
  const problems: Problem[] = [];
  if (text.trim().length === 0) {
    return { spec: null, problems: [error('empty-expression', 'empty expression: write e.g. "bshw,tshw->bthw|hw"', { range: { start: 0, end: text.length } })] };
  }
  const tokens = tokenize(text, problems);

  const arrows = tokens.filter((t) => t.kind === 'arrow');
  const bars = tokens.filter((t) => t.kind === 'bar');
  for (const extra of arrows.slice(1)) problems.push(error('duplicate-arrow', 'only one "->" is allowed', { range: extra.range }));
  for (const extra of bars.slice(1)) problems.push(error('duplicate-bar', 'only one "|" is allowed', { range: extra.range }));
  const arrow = arrows[0];
  const bar = bars[0];
  if (arrow && bar && bar.range.start < arrow.range.start) {
    problems.push(error('unexpected-character', 'the conv list "|..." must come after the output', { range: bar.range }));
  }

  const beforeArrow = (t: Token) => !arrow || t.range.start < arrow.range.start;
  const beforeBar = (t: Token) => !bar || t.range.start < bar.range.start;
  const inputTokens = tokens.filter((t) => beforeArrow(t) && beforeBar(t) && t.kind !== 'arrow' && t.kind !== 'bar');
  const inputs = readTerms(inputTokens, 0);

  let output: Term | null = null;
  if (!arrow) {
    const end = bar ? bar.range.start : text.length;
    problems.push(error('missing-arrow', 'missing "->" and output indices; conv_einsum needs an explicit output', { range: { start: Math.max(0, end - 1), end } }));
  } else {
    const outputTokens = tokens.filter((t) => t.range.start >= arrow.range.end && beforeBar(t) && t.kind !== 'arrow');
    for (const comma of outputTokens.filter((t) => t.kind === 'comma')) {
      problems.push(error('unexpected-character', 'the output is a single term: remove this ","', { range: comma.range }));
    }
    const indices = outputTokens.filter((t): t is Extract<Token, { kind: 'index' }> => t.kind === 'index');
    const start = indices[0]?.range.start ?? arrow.range.end;
    output = { indices: indices.map((t) => ({ name: t.name, range: t.range })), range: { start, end: indices.at(-1)?.range.end ?? start } };
  }

  let convs: IndexOccurrence[] = [];
  if (bar) {
    const convTokens = tokens.filter((t) => t.range.start >= bar.range.end && t.kind !== 'bar' && t.kind !== 'arrow');
    convs = convTokens.filter((t): t is Extract<Token, { kind: 'index' }> => t.kind === 'index').map((t) => ({ name: t.name, range: t.range }));
    if (convs.length === 0) problems.push(error('empty-conv-list', 'nothing after "|": list the conv indices or remove "|"', { range: bar.range }));
  }

  const spec: ParsedSpec = { text, inputs, output, convs };
  problems.push(...checkIndexUse(spec));
  return { spec, problems };
}

/** Rules that need only the string: output and conv indices must name input indices, once. */
function checkIndexUse(spec: ParsedSpec): Problem[] {
  const problems: Problem[] = [];
  const inputNames = new Set(spec.inputs.flatMap((t) => t.indices.map((i) => i.name)));

  const seenOut = new Set<string>();
  for (const index of spec.output?.indices ?? []) {
    if (seenOut.has(index.name)) {
      problems.push(error('output-index-repeated', `output index ${formatIndex(index.name)} appears twice; output indices must be distinct`, { range: index.range }));
    }
    seenOut.add(index.name);
    if (!inputNames.has(index.name)) {
      problems.push(error('output-index-unknown', `output index ${formatIndex(index.name)} does not occur in any input`, { range: index.range }));
    }
  }

  const seenConv = new Set<string>();
  for (const conv of spec.convs) {
    const shown = formatIndex(conv.name);
    if (seenConv.has(conv.name)) {
      problems.push(error('conv-index-repeated', `conv index ${shown} is listed twice`, { range: conv.range }));
      continue;
    }
    seenConv.add(conv.name);
    if (!inputNames.has(conv.name)) {
      problems.push(error('conv-index-unknown', `conv index ${shown} does not occur in any input`, { range: conv.range }));
      continue;
    }
    const holders = spec.inputs.filter((t) => t.indices.some((i) => i.name === conv.name));
    for (const term of holders) {
      const inTerm = term.indices.filter((i) => i.name === conv.name);
      if (inTerm.length > 1) {
        problems.push(error('conv-index-repeated-in-term', `conv index ${shown} appears twice in one term; a conv index cannot be a diagonal`, { range: inTerm[1]!.range }));
      }
    }
    if (holders.length === 1) {
      problems.push(warning('conv-index-single-operand', `conv index ${shown} occurs in only one operand, so it is a plain index`, { range: conv.range }));
    }
  }
  return problems;
}

/** numpy.einsum's implicit output: indices that occur exactly once, in alphabetical order. */
export function implicitOutput(spec: ParsedSpec): string[] {
  const counts = new Map<string, number>();
  for (const term of spec.inputs) for (const index of term.indices) counts.set(index.name, (counts.get(index.name) ?? 0) + 1);
  return [...counts].filter(([, n]) => n === 1).map(([name]) => name).sort();
}

/** The expression written back in canonical form: no spaces, conv list comma-free. */
export function formatSpec(inputs: readonly (readonly string[])[], output: readonly string[], convs: readonly string[]): string {
  const body = `${inputs.map(formatTerm).join(',')}->${formatTerm(output)}`;
  return convs.length > 0 ? `${body}|${formatTerm(convs)}` : body;
}
