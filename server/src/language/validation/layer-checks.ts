/**
 * Checks of a layer that the language makes itself, in terms of its operand names: operand
 * count against the terms of the string, each operand's rank against its term, and the memory
 * cap (which needs the plan).
 */
import { GrammarUtils, type ValidationAcceptor } from 'langium';
import type { CancellationToken } from 'vscode-languageserver';
import type { Term } from '../../engine/notation.js';
import { formatShape } from '../../engine/summary.js';
import { isLayerOutput, isNetwork, isTensorDeclaration, type Layer, type Statement, type TensorDeclaration } from '../generated/ast.js';
import type { CeinTyping } from '../typing/cein-typing.js';
import type { LayerTypes } from '../typing/document-types.js';
import { toRange } from './document-ranges.js';
import type { CeinDiagnosticData, QuickFix } from './quick-fix.js';

export function checkOperandCount(types: LayerTypes, accept: ValidationAcceptor): void {
  const { layer, literal, operands } = types;
  const terms = types.parsed.spec?.inputs;
  if (!terms || terms.length === operands.length || layer.expression === undefined) return;
  const counts = `the expression has ${plural(terms.length, 'term')} but ${plural(operands.length, 'operand')} ${operands.length === 1 ? 'is' : 'are'} given`;

  if (terms.length > operands.length) {
    const missing = terms.slice(operands.length);
    const shown = missing.map((term) => `"${termText(types, term)}"`).join(', ');
    const data: CeinDiagnosticData = { code: 'operand-count', fixes: addMissingOperand(types, missing[0]!) };
    const message = `${counts}: ${missing.length === 1 ? 'term' : 'terms'} ${shown} ${missing.length === 1 ? 'has' : 'have'} no operand`;
    if (literal) {
      const range = literal.rangeToDocument({ start: missing[0]!.range.start, end: Math.max(missing.at(-1)!.range.end, missing[0]!.range.start + 1) });
      accept('error', message, { node: layer, range: toRange(layer, range), code: 'operand-count', data });
    } else {
      accept('error', message, { node: layer, property: 'expression', code: 'operand-count', data });
    }
    return;
  }
  // One diagnostic over all the extra operands: locating each on its own costs a walk of the
  // layer's syntax tree, quadratic in a list of thousands.
  const extra = operands.slice(terms.length);
  const names = extra.slice(0, 5).map((operand) => operand.name).join(', ') + (extra.length > 5 ? ` and ${extra.length - 5} more` : '');
  const message = `${counts}: ${names} ${extra.length === 1 ? 'has' : 'have'} no term`;
  const first = layer.operands[terms.length]?.$refNode;
  const last = layer.operands.at(-1)?.$refNode;
  const info = { code: 'operand-count', data: { code: 'operand-count' } };
  if (first && last) accept('error', message, { node: layer, range: { start: first.range.start, end: last.range.end }, ...info });
  else accept('error', message, { node: layer, property: 'operands', index: terms.length, ...info });
}

/** Tensors in scope that are not yet operands of the layer and whose rank fits the term. */
function addMissingOperand(types: LayerTypes, term: Term): QuickFix[] {
  const { layer } = types;
  const closing = GrammarUtils.findNodeForKeyword(layer.$cstNode, ')');
  const used = new Set(types.operands.map((operand) => operand.source));
  const candidates = tensorsInScope(layer).filter((tensor) => !used.has(tensor) && tensor.dims.length === term.indices.length);
  if (!closing) return [];
  const at = toRange(layer, { start: closing.offset, end: closing.offset });
  return candidates.map((tensor) => ({ title: `Add operand ${tensor.name} for term "${termText(types, term)}"`, edits: [{ range: at, newText: `, ${tensor.name}` }] }));
}

/** Tensor declarations visible to the layer: in its block or the blocks around it. */
function tensorsInScope(layer: Layer): TensorDeclaration[] {
  const blocks: { statements: readonly Statement[] }[] = [layer.$container, ...(isNetwork(layer.$container) ? [layer.$container.$container] : [])];
  return blocks.flatMap((block) => block.statements.filter(isTensorDeclaration));
}

export function checkOperandRanks(types: LayerTypes, accept: ValidationAcceptor): void {
  const { layer, literal, operands } = types;
  const terms = types.parsed.spec?.inputs;
  if (!terms || terms.length !== operands.length) return;
  operands.forEach((operand, k) => {
    const term = terms[k]!;
    if (!operand.shape || operand.shape.length === term.indices.length) return;
    const shape = `${formatShape(operand.shape)} (rank ${operand.shape.length})`;
    const indices = `its term "${termText(types, term)}" has ${plural(term.indices.length, 'index', 'indices')}`;
    const produced = isLayerOutput(operand.source) ? operand.source.$container : undefined;
    const code = produced ? 'network-shape-mismatch' : 'rank-mismatch';
    const message = produced
      ? `${operand.name}, the output of layer ${produced.name}, has shape ${shape}, but ${indices}`
      : `${operand.name} has shape ${shape}, but ${indices}`;
    const where = literal && term.range.end > term.range.start
      ? { node: layer, range: toRange(layer, literal.rangeToDocument(term.range)) }
      : { node: layer, property: 'operands' as const, index: k };
    accept('error', message, { ...where, code, data: { code } });
  });
}

export function checkMemoryCap(types: LayerTypes, typing: CeinTyping, accept: ValidationAcceptor, cancelToken: CancellationToken): void {
  const cap = types.layer.options?.entries.find((entry) => entry.$type === 'CapOption');
  if (!cap || types.settings.memoryCap === undefined) return;
  const outcome = typing.planOf(types.layer, cancelToken);
  if (outcome && 'problem' in outcome) {
    accept('error', outcome.problem.message, { node: cap, property: 'value', code: outcome.problem.code, data: { code: outcome.problem.code } });
  }
}

function termText(types: LayerTypes, term: Term): string {
  return types.parsed.spec!.text.slice(term.range.start, term.range.end);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
