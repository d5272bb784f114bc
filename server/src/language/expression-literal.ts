/**
 * The expression string of a layer as it sits in the document. The engine reports positions
 * inside the string's value; the editor needs document offsets. Between the two lie the opening
 * quote and any escapes (`\"` is two characters in the document, one in the value).
 */
import { GrammarUtils } from 'langium';
import type { TextRange } from '../engine/problems.js';
import type { Layer } from './generated/ast.js';

export interface OffsetRange {
  readonly start: number;
  readonly end: number;
}

export class ExpressionLiteral {
  /** starts[i]: document offset of value character i; starts[value.length]: the closing quote. */
  private constructor(
    readonly value: string,
    private readonly starts: readonly number[],
  ) {}

  static of(layer: Layer): ExpressionLiteral | undefined {
    const cst = GrammarUtils.findNodeForProperty(layer.$cstNode, 'expression');
    if (!cst || layer.expression === undefined) return undefined;
    const source = cst.text;
    const starts: number[] = [];
    let i = 1;
    while (i < source.length - 1) {
      starts.push(cst.offset + i);
      i += source[i] === '\\' ? 2 : 1;
    }
    starts.push(cst.offset + Math.min(i, source.length - 1));
    // The value converter and this walk read escapes alike; if they ever disagree, positions would be wrong.
    return starts.length === layer.expression.length + 1 ? new ExpressionLiteral(layer.expression, starts) : undefined;
  }

  /** Document offset of a position in the value (value.length: the closing quote). */
  toDocument(offset: number): number {
    return this.starts[Math.max(0, Math.min(offset, this.starts.length - 1))]!;
  }

  /** Document range of a range in the value; an empty range stays empty. */
  rangeToDocument(range: TextRange): OffsetRange {
    return { start: this.toDocument(range.start), end: this.toDocument(range.end) };
  }

  /** Position in the value of the character at a document offset; undefined outside the value. */
  fromDocument(offset: number): number | undefined {
    if (offset < this.starts[0]! || offset >= this.starts.at(-1)!) return undefined;
    let k = this.starts.length - 2;
    while (k > 0 && this.starts[k]! > offset) k--;
    return k;
  }
}
