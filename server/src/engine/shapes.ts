/**
 * Shape inference and validation (docs/semantics.md sections 1-2): index kinds, sizes per operand, the
 * feature and filters of every conv index, resolved padding and conv output sizes.
 */
import { formatIndex, parseSpec, type ParsedSpec, type Term } from './notation.js';
import { type ConvOptionsMap, type Padding, type PaddingMode } from './options.js';
import { isCountableSize, SIZE_LIMIT_REASON } from './exact.js';
import { EngineError, error, hasErrors, type Problem } from './problems.js';

export type IndexKind = 'conv' | 'batch' | 'contracted' | 'free' | 'reduced';

/** Everything about one conv index that has a feature and at least one filter. */
export interface ConvInfo {
  /** Operand holding the largest size along the index (ties: leftmost). */
  readonly feature: number;
  readonly filters: readonly number[];
  /** Feature size before padding. */
  readonly inputSize: number;
  readonly filterSizes: readonly number[];
  /** Extent of the combined filter: (K1-1)+...+(Km-1)+1. */
  readonly kTotal: number;
  /** Dilated extent d*(kTotal-1)+1. */
  readonly extent: number;
  readonly stride: number;
  readonly dilation: number;
  readonly padding: Padding;
  readonly lo: number;
  readonly hi: number;
  readonly mode: PaddingMode;
  /** floor((I + lo + hi - E) / s) + 1. */
  readonly outputSize: number;
}

export interface IndexInfo {
  readonly name: string;
  /** Position in order of first appearance in the inputs. */
  readonly id: number;
  readonly kind: IndexKind;
  /** Distinct operands holding the index, in order. */
  readonly operands: readonly number[];
  /** Size in each operand (undefined where the operand lacks it). */
  readonly sizes: readonly (number | undefined)[];
  readonly inOutput: boolean;
  /** Present only for a conv index held by two or more operands. */
  readonly conv?: ConvInfo;
  /** Size in the output: the conv output size for a conv index, else the one size. */
  readonly size: number;
}

export interface Analysis {
  readonly spec: ParsedSpec;
  readonly shapes: readonly (readonly number[])[];
  readonly options: ConvOptionsMap;
  /** Index names of each operand as written (repeats kept: a repeat is a diagonal). */
  readonly terms: readonly (readonly string[])[];
  readonly output: readonly string[];
  readonly indices: readonly IndexInfo[];
  readonly byName: ReadonlyMap<string, IndexInfo>;
  readonly outputShape: readonly number[];
}

export interface AnalysisResult {
  /** Null when any error was found. */
  readonly analysis: Analysis | null;
  /** The parsed string, when it could be read, for tools that want partial information. */
  readonly spec: ParsedSpec | null;
  readonly problems: readonly Problem[];
}

export function analyze(text: string, shapes: readonly (readonly number[])[], options: ConvOptionsMap = {}): AnalysisResult {
  const parsed = parseSpec(text);
  const problems: Problem[] = [...parsed.problems];
  const spec = parsed.spec;
  if (!spec) return { analysis: null, spec, problems };

  problems.push(...checkOperandShapes(spec, shapes));
  if (hasErrors(problems) || !spec.output) return { analysis: null, spec, problems };

  const terms = spec.inputs.map((t) => t.indices.map((i) => i.name));
  const output = spec.output.indices.map((i) => i.name);
  const convNames = new Set(spec.convs.map((c) => c.name));
  problems.push(...checkOptions(spec, options, convNames));

  const names = [...new Set(terms.flat())];
  const indices: IndexInfo[] = [];
  for (const [id, name] of names.entries()) {
    const sizes = spec.inputs.map((_, k) => sizeIn(terms[k]!, shapes[k]!, name));
    const operands = sizes.flatMap((s, k) => (s === undefined ? [] : [k]));
    const inOutput = output.includes(name);
    const isConv = convNames.has(name) && operands.length >= 2;
    if (isConv) {
      const conv = resolveConv(spec, name, sizes, operands, options[name] ?? {}, problems);
      indices.push({ name, id, kind: 'conv', operands, sizes, inOutput, conv, size: conv.outputSize });
    } else {
      problems.push(...checkPlainSizes(spec, name, sizes, operands, shapes));
      const kind: IndexKind = operands.length >= 2 ? (inOutput ? 'batch' : 'contracted') : inOutput ? 'free' : 'reduced';
      indices.push({ name, id, kind, operands, sizes, inOutput, size: sizes[operands[0]!]! });
    }
  }
  if (hasErrors(problems)) return { analysis: null, spec, problems };

  const byName = new Map(indices.map((info) => [info.name, info]));
  const outputShape = output.map((name) => byName.get(name)!.size);
  return { analysis: { spec, shapes, options, terms, output, indices, byName, outputShape }, spec, problems };
}

/** Like analyze, but throws the problems when there is any error. */
export function analyzeOrThrow(text: string, shapes: readonly (readonly number[])[], options: ConvOptionsMap = {}): Analysis {
  const result = analyze(text, shapes, options);
  if (!result.analysis) throw new EngineError(result.problems);
  return result.analysis;
}

function sizeIn(term: readonly string[], shape: readonly number[], name: string): number | undefined {
  const at = term.indexOf(name);
  return at < 0 ? undefined : shape[at];
}

function describeShape(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.join('x');
}

function checkOperandShapes(spec: ParsedSpec, shapes: readonly (readonly number[])[]): Problem[] {
  const problems: Problem[] = [];
  const n = spec.inputs.length;
  if (shapes.length !== n) {
    const first = spec.inputs[0]!.range.start;
    const last = spec.inputs.at(-1)!.range.end;
    problems.push(error('operand-count', `the expression has ${n} operand${n === 1 ? '' : 's'} but ${shapes.length} shape${shapes.length === 1 ? ' was' : 's were'} given`, { range: { start: first, end: Math.max(last, first + 1) } }));
    return problems;
  }
  spec.inputs.forEach((term: Term, k) => {
    const shape = shapes[k]!;
    if (term.indices.length !== shape.length) {
      problems.push(error('rank-mismatch', `operand ${k + 1} has ${term.indices.length} ind${term.indices.length === 1 ? 'ex' : 'ices'} but its shape ${describeShape(shape)} has rank ${shape.length}`, { range: termRange(term), operand: k }));
      return;
    }
    term.indices.forEach((index, axis) => {
      const size = shape[axis]!;
      const what = `index ${formatIndex(index.name)} of operand ${k + 1} has size ${size}`;
      if (!Number.isInteger(size) || size < 1) {
        problems.push(error('non-positive-size', `${what}; sizes must be positive integers`, { range: index.range, operand: k }));
      } else if (!isCountableSize(size)) {
        problems.push(error('size-too-large', `${what}, ${SIZE_LIMIT_REASON}`, { range: index.range, operand: k }));
      }
    });
  });
  return problems;
}

function termRange(term: Term) {
  return term.range.end > term.range.start ? term.range : { start: term.range.start, end: term.range.start + 1 };
}

/** A non-conv index has one size everywhere, repeats within one term included. */
function checkPlainSizes(spec: ParsedSpec, name: string, sizes: readonly (number | undefined)[], operands: readonly number[], shapes: readonly (readonly number[])[]): Problem[] {
  const problems: Problem[] = [];
  const first = operands[0]!;
  const expected = sizes[first]!;
  for (const k of operands) {
    spec.inputs[k]!.indices.forEach((index, axis) => {
      if (index.name !== name) return;
      const size = shapes[k]![axis]!;
      if (size !== expected) {
        const where = k === first ? `twice in operand ${k + 1}` : `in operands ${first + 1} and ${k + 1}`;
        problems.push(error('size-mismatch', `index ${formatIndex(name)} has size ${expected} and ${size} ${where}; a non-conv index must have one size`, { range: index.range, operand: k }));
      }
    });
  }
  return problems;
}

function checkOptions(spec: ParsedSpec, options: ConvOptionsMap, convNames: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  const inputNames = new Set(spec.inputs.flatMap((t) => t.indices.map((i) => i.name)));
  for (const [name, option] of Object.entries(options)) {
    const shown = formatIndex(name);
    if (!inputNames.has(name)) {
      problems.push(error('option-unknown-index', `options given for ${shown}, which is not an index of the expression`, { index: name }));
      continue;
    }
    if (!convNames.has(name)) {
      problems.push(error('option-not-conv', `options given for ${shown}, which is not a conv index (list it after "|")`, { index: name }));
      continue;
    }
    for (const key of ['stride', 'dilation'] as const) {
      const value = option[key];
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
        problems.push(error('option-invalid', `${key} of ${shown} is ${value}; it must be a positive integer`, { index: name }));
      } else if (value !== undefined && !isCountableSize(value)) {
        problems.push(error('size-too-large', `${key} of ${shown} is ${value}, ${SIZE_LIMIT_REASON}`, { index: name }));
      }
    }
    const padding = option.padding ?? { kind: 'same' };
    if (padding.kind === 'explicit' && ![padding.lo, padding.hi].every((p) => Number.isInteger(p) && p >= 0)) {
      problems.push(error('option-invalid', `padding of ${shown} must be non-negative integers`, { index: name }));
    } else if (padding.kind === 'explicit' && ![padding.lo, padding.hi].every(isCountableSize)) {
      problems.push(error('size-too-large', `padding of ${shown} is ${padding.lo}:${padding.hi}, ${SIZE_LIMIT_REASON}`, { index: name }));
    }
    if (padding.kind === 'same' && (option.stride ?? 1) !== 1) {
      const which = option.padding ? 'padding "same"' : 'the default padding "same"';
      problems.push(error('same-padding-stride', `${which} of ${shown} needs stride 1 (as in PyTorch); give an explicit padding with stride ${option.stride}`, { index: name }));
    }
  }
  return problems;
}

function resolveConv(
  spec: ParsedSpec,
  name: string,
  sizes: readonly (number | undefined)[],
  operands: readonly number[],
  option: ConvOptionsMap[string],
  problems: Problem[],
): ConvInfo {
  const feature = operands.reduce((best, k) => (sizes[k]! > sizes[best]! ? k : best), operands[0]!);
  const filters = operands.filter((k) => k !== feature);
  const inputSize = sizes[feature]!;
  const filterSizes = filters.map((k) => sizes[k]!);
  const stride = option.stride ?? 1;
  const dilation = option.dilation ?? 1;
  const padding = option.padding ?? { kind: 'same' };
  const mode = option.mode ?? 'zeros';
  const kTotal = filterSizes.reduce((sum, k) => sum + (k - 1), 0) + 1;
  const extent = dilation * (kTotal - 1) + 1;
  const { lo, hi } = resolvePadding(padding, extent);
  const outputSize = Math.floor((inputSize + lo + hi - extent) / stride) + 1;

  const shown = formatIndex(name);
  const range = spec.convs.find((c) => c.name === name)?.range;
  const tooLarge = largeConvSize(inputSize, lo, hi, kTotal, extent);
  if (tooLarge) {
    problems.push(error('size-too-large', `conv index ${shown}: ${tooLarge}, ${SIZE_LIMIT_REASON}`, { range, index: name }));
  } else if (outputSize < 1) {
    problems.push(error('conv-output-empty', `conv index ${shown}: input size ${inputSize} with padding ${lo}+${hi} is shorter than the dilated filter extent ${extent}, so the output would be empty`, { range, index: name }));
  }
  const limit = mode === 'reflect' ? inputSize - 1 : mode === 'circular' ? inputSize : Infinity;
  if (Math.max(lo, hi) > limit) {
    problems.push(error('padding-too-large', `conv index ${shown}: ${mode} padding of ${Math.max(lo, hi)} needs an input of at least ${mode === 'reflect' ? Math.max(lo, hi) + 1 : Math.max(lo, hi)}, but it is ${inputSize}`, { range, index: name }));
  }
  return { feature, filters, inputSize, filterSizes, kTotal, extent, stride, dilation, padding, lo, hi, mode, outputSize };
}

/**
 * Every size along a conv index lies between 1 and the padded input I + lo + hi, or the combined
 * filter extent and its dilation; when these are countable, so is every intermediate's size.
 */
function largeConvSize(inputSize: number, lo: number, hi: number, kTotal: number, extent: number): string | null {
  if (!isCountableSize(kTotal)) return `the combined filter extent is ${kTotal}`;
  if (!isCountableSize(extent)) return `the dilated filter extent is ${extent}`;
  const padded = inputSize + lo + hi;
  return isCountableSize(padded) ? null : `the padded input ${inputSize} + ${lo} + ${hi} is ${padded}`;
}

/** Padding amounts before and after, PyTorch's rule for "same" (the odd one goes after). */
export function resolvePadding(padding: Padding, extent: number): { lo: number; hi: number } {
  switch (padding.kind) {
    case 'explicit':
      return { lo: padding.lo, hi: padding.hi };
    case 'valid':
      return { lo: 0, hi: 0 };
    case 'full':
      return { lo: extent - 1, hi: extent - 1 };
    case 'same': {
      const lo = Math.floor((extent - 1) / 2);
      return { lo, hi: extent - 1 - lo };
    }
  }
}

