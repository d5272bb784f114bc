/**
 * The engine's problems with a layer, as diagnostics: a problem inside the expression string is
 * shown on the offending characters of the string literal; an option problem on the option; a
 * shape mismatch involving an earlier layer's output is worded as a network mismatch.
 */
import { AstUtils, type AstNode, type DiagnosticInfo, type ValidationAcceptor } from 'langium';
import type { DiagnosticRelatedInformation } from 'vscode-languageserver-types';
import { formatIndex, formatTerm, implicitOutput, type ParsedSpec } from '../../engine/notation.js';
import type { Problem } from '../../engine/problems.js';
import { formatShape } from '../../engine/summary.js';
import { isLayerOutput, isTensorDeclaration, type IndexOptions, type Layer, type TensorDeclaration } from '../generated/ast.js';
import type { LayerTypes } from '../typing/document-types.js';
import { nodeRange, toRange } from './document-ranges.js';
import type { CeinDiagnosticData, QuickFix } from './quick-fix.js';

/** Engine problems the language reports itself, with operand names (see layer-checks.ts). */
const REPORTED_BY_LANGUAGE = new Set<Problem['code']>(['operand-count', 'rank-mismatch']);

export function reportEngineProblems(types: LayerTypes, accept: ValidationAcceptor): void {
  if (types.layer.expression === undefined) return; // a syntax error already says what is missing
  const problems = types.analysis?.problems ?? types.parsed.problems;
  for (const problem of problems) {
    if (REPORTED_BY_LANGUAGE.has(problem.code)) continue;
    const mismatch = problem.code === 'size-mismatch' ? networkMismatch(problem, types) : undefined;
    const code = mismatch ? 'network-shape-mismatch' : problem.code;
    const fixes = fixesFor(problem, types);
    const data: CeinDiagnosticData = fixes.length > 0 ? { code, fixes } : { code };
    const info: DiagnosticInfo<AstNode> = { ...locate(problem, types), code, data };
    const related = relatedDeclarations(problem, types);
    if (related.length > 0) info.relatedInformation = related;
    accept(problem.severity, mismatch ? `${mismatch}: ${problem.message}` : problem.message, info);
  }
}

/** Where a problem shows: its characters in the string, else its option, else the expression. */
function locate(problem: Problem, types: LayerTypes): DiagnosticInfo<AstNode> {
  const { layer, literal } = types;
  if (problem.range && literal) {
    const range = literal.rangeToDocument(problem.range);
    // An empty range (e.g. an empty term) still gets one character to underline.
    return { node: layer, range: toRange(layer, range.end > range.start ? range : { start: range.start, end: range.start + 1 }) };
  }
  if (problem.index !== undefined) {
    const options = optionsFor(layer, problem.index);
    if (options) {
      if (problem.code === 'same-padding-stride') {
        const setting = options.settings.find((s) => s.key === 'padding') ?? options.settings.find((s) => s.key === 'stride');
        if (setting) return { node: setting };
      }
      return { node: options, property: 'index' };
    }
  }
  return { node: layer, property: 'expression' };
}

function optionsFor(layer: Layer, index: string): IndexOptions | undefined {
  return layer.options?.entries.find((entry): entry is IndexOptions => entry.$type === 'IndexOptions' && entry.index === index);
}

/** The index named at a problem's range, and the operands that hold it (the first is the reference). */
function indexAt(problem: Problem, spec: ParsedSpec): { name: string; holders: number[] } | undefined {
  const k = problem.operand;
  if (k === undefined || !problem.range) return undefined;
  const occurrence = spec.inputs[k]?.indices.find((i) => i.range.start === problem.range!.start);
  if (!occurrence) return undefined;
  const holders = spec.inputs.flatMap((term, j) => (term.indices.some((i) => i.name === occurrence.name) ? [j] : []));
  return { name: occurrence.name, holders };
}

/** "Y1, the output of layer a (128x64x32x32), does not fit this layer" when a layer output is involved. */
function networkMismatch(problem: Problem, types: LayerTypes): string | undefined {
  const spec = types.parsed.spec;
  const at = spec && indexAt(problem, spec);
  if (!at) return undefined;
  const involved = [at.holders[0]!, problem.operand!];
  const produced = involved.map((k) => types.operands[k]).find((operand) => isLayerOutput(operand?.source));
  if (!produced || !isLayerOutput(produced.source)) return undefined;
  const shape = produced.shape ? ` (${formatShape(produced.shape)})` : '';
  return `${produced.name}, the output of layer ${produced.source.$container.name}${shape}, does not fit this layer`;
}

function fixesFor(problem: Problem, types: LayerTypes): QuickFix[] {
  if (problem.code === 'missing-arrow') return insertImplicitOutput(types);
  if (problem.code === 'size-mismatch') return matchDeclaredSize(problem, types);
  if (problem.code === 'output-index-unknown') return replaceOrRemoveOutputIndex(problem, types);
  return [];
}

/** numpy's implicit output, inserted before the conv list or at the end of the string. */
function insertImplicitOutput(types: LayerTypes): QuickFix[] {
  const { parsed, literal, layer } = types;
  if (!parsed.spec || !literal) return [];
  const output = formatTerm(implicitOutput(parsed.spec));
  const bar = literal.value.indexOf('|');
  const at = literal.toDocument(bar >= 0 ? bar : literal.value.length);
  return [{ title: `Insert the implicit output "->${output}"`, edits: [{ range: toRange(layer, { start: at, end: at }), newText: `->${output}` }] }];
}

/**
 * An output index that no input has is most often a typo of one that numpy would put in the
 * output (it occurs once among the inputs) but that the output lacks: offer each such index in
 * its place, then removing it.
 */
function replaceOrRemoveOutputIndex(problem: Problem, types: LayerTypes): QuickFix[] {
  const { parsed, literal, layer } = types;
  const output = parsed.spec?.output;
  const index = output?.indices.find((i) => i.range.start === problem.range?.start);
  if (!parsed.spec || !output || !index || !literal) return [];
  const range = toRange(layer, literal.rangeToDocument(index.range));
  const shown = formatIndex(index.name);
  const written = new Set(output.indices.map((i) => i.name));
  const replacements = implicitOutput(parsed.spec)
    .filter((name) => !written.has(name))
    .map((name): QuickFix => ({ title: `Replace ${shown} with ${formatIndex(name)}`, edits: [{ range, newText: formatIndex(name) }] }));
  return [...replacements, { title: `Remove ${shown} from the output`, edits: [{ range, newText: '' }] }];
}

/** Change one operand's declared size to the other's, for each declared operand involved. */
function matchDeclaredSize(problem: Problem, types: LayerTypes): QuickFix[] {
  const spec = types.parsed.spec;
  const at = spec && indexAt(problem, spec);
  if (!spec || !at) return [];
  const axisOf = (k: number) => spec.inputs[k]!.indices.findIndex((i) => i.name === at.name);
  const sizeIn = (k: number, axis: number) => types.operands[k]?.shape?.[axis];
  const first = at.holders[0]!;
  const other = problem.operand!;
  const otherAxis = spec.inputs[other]!.indices.findIndex((i) => i.range.start === problem.range!.start);
  const pairs: [number, number, number | undefined][] = [
    [other, otherAxis, sizeIn(first, axisOf(first))],
    [first, axisOf(first), sizeIn(other, otherAxis)],
  ];
  const fixes: QuickFix[] = [];
  for (const [k, axis, size] of pairs) {
    const source = types.operands[k]?.source;
    const dim = isTensorDeclaration(source) ? source.dims[axis] : undefined;
    const range = dim && nodeRange(dim);
    if (!range || size === undefined || !isTensorDeclaration(source)) continue;
    fixes.push({ title: `Change size ${axis + 1} of ${source.name} (index ${formatIndex(at.name)}) to ${size}`, edits: [{ range, newText: String(size) }] });
  }
  return fixes;
}

/** For a problem with one operand: where that operand is declared, with its shape. */
function relatedDeclarations(problem: Problem, types: LayerTypes): DiagnosticRelatedInformation[] {
  const operand = problem.operand === undefined ? undefined : types.operands[problem.operand];
  const source = operand?.source;
  if (!source || !operand) return [];
  const declaration: TensorDeclaration | Layer = isLayerOutput(source) ? source.$container : source;
  const range = nodeRange(declaration);
  if (!range) return [];
  const shape = operand.shape ? formatShape(operand.shape) : 'unknown';
  const what = isLayerOutput(source) ? `${operand.name} is computed here, shape ${shape}` : `${operand.name} is declared here, shape ${shape}`;
  return [{ location: { uri: AstUtils.getDocument(declaration).uri.toString(), range }, message: what }];
}
