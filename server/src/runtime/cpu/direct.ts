/**
 * A reference evaluator written straight from the definition (docs/semantics.md section 2), with no plan:
 * one loop over every combination of the expression's variables, accumulating the product of
 * the operands' elements. Slow, and meant to be: it checks the plan executors.
 *
 * Variables: one per plain index (its value is the position along it); per conv index, the
 * output position o and one filter position k_j per filter. Along a conv index the feature is
 * read (after padding) at o*s + d*(k_1+...+k_m), filter j at k_j. An output index keeps its
 * variable's value; every other variable is summed over, which also sums a conv index's output
 * positions when the output lacks it. A repeated index in one term reads the same variable on
 * both axes: the diagonal.
 *
 * Each output element is evaluated alone (its variables fixed, the others summed), so a large
 * layer can be checked at a sample of its output positions.
 */
import type { Analysis, IndexInfo } from '../../engine/shapes.js';
import { padAxis } from './pad.js';
import { formatShape, sameShape, stridesOf, zeros, type Tensor } from './tensor.js';

/** A position along one axis as a weighted sum of variables. */
type Position = readonly { readonly variable: number; readonly weight: number }[];

interface IndexVariables {
  /** The variable an output index takes its position from. */
  readonly output: number;
  /** How each operand's axis of this index reads its position from the variables. */
  readonly positionIn: (operand: number) => Position;
}

/** The loops of the direct evaluation, laid out from the analysis: what it costs and what it reads. */
interface DirectLoops {
  /** Extent of every variable. */
  readonly extents: readonly number[];
  /** The variable of each output axis. */
  readonly outputVariables: readonly number[];
  /** The variables summed over for one output element: all the others. */
  readonly summedVariables: readonly number[];
  readonly variables: ReadonlyMap<string, IndexVariables>;
}

function directLoops(analysis: Analysis): DirectLoops {
  const extents: number[] = [];
  const addVariable = (extent: number) => extents.push(extent) - 1;
  const variables = new Map(analysis.indices.map((info) => [info.name, variablesOf(info, addVariable)]));
  const outputVariables = analysis.output.map((name) => variables.get(name)!.output);
  const summedVariables = extents.map((_, v) => v).filter((v) => !outputVariables.includes(v));
  return { extents, outputVariables, summedVariables, variables };
}

/** What the direct evaluation costs: one product of the operands' elements per combination of the variables' values. */
export interface DirectCost {
  /** Products summed in all: the product of every variable's extent. */
  readonly products: number;
  /** Products summed for one output element: the product of the summed variables' extents. */
  readonly productsPerElement: number;
  readonly outputElements: number;
}

/** Exact while below 2^53; past it a float estimate, which is all a limit needs. */
export function directCost(analysis: Analysis): DirectCost {
  const loops = directLoops(analysis);
  const product = (vs: readonly number[]) => vs.reduce((p, v) => p * loops.extents[v]!, 1);
  return { products: product(loops.extents.map((_, v) => v)), productsPerElement: product(loops.summedVariables), outputElements: product(loops.outputVariables) };
}

export function evaluateDirect(analysis: Analysis, inputs: readonly Tensor[]): Tensor {
  const valueAt = directEvaluator(analysis, inputs);
  const out = zeros(analysis.outputShape);
  for (let offset = 0; offset < out.data.length; offset++) out.data[offset] = valueAt(offset);
  return out;
}

/** The output elements at the given C-order offsets only: a bounded check of a large layer. */
export function evaluateDirectAt(analysis: Analysis, inputs: readonly Tensor[], offsets: readonly number[]): Float64Array {
  const valueAt = directEvaluator(analysis, inputs);
  return Float64Array.from(offsets, valueAt);
}

/** One output element, from its offset: the output variables take its position, the others are summed over. */
function directEvaluator(analysis: Analysis, inputs: readonly Tensor[]): (offset: number) => number {
  checkInputs(analysis, inputs);
  const { extents, outputVariables, summedVariables, variables } = directLoops(analysis);
  const operands = inputs.map((t, k) => padFeature(analysis, t, k));
  // Operand k's element offset is the sum of weights[k][j] * values[readVariables[k][j]].
  const reads = operands.map((t, k) => {
    const strides = stridesOf(t.shape);
    const terms = analysis.terms[k]!.flatMap((name, axis) => variables.get(name)!.positionIn(k).map(({ variable, weight }) => ({ variable, weight: strides[axis]! * weight })));
    return { data: t.data, weights: Float64Array.from(terms, (r) => r.weight), variables: Int32Array.from(terms, (r) => r.variable) };
  });
  const outStrides = stridesOf(analysis.outputShape);
  const summedCount = summedVariables.reduce((p, v) => p * extents[v]!, 1);
  const values = new Int32Array(extents.length);

  return (offset) => {
    outputVariables.forEach((variable, axis) => {
      values[variable] = Math.floor(offset / outStrides[axis]!) % analysis.outputShape[axis]!;
    });
    let sum = 0;
    for (let c = 0; c < summedCount; c++) {
      let product = 1;
      for (const { data, weights, variables: reading } of reads) {
        let at = 0;
        for (let j = 0; j < weights.length; j++) at += weights[j]! * values[reading[j]!]!;
        product *= data[at]!;
      }
      sum += product;
      advance(values, summedVariables, extents);
    }
    return sum;
  };
}

function variablesOf(info: IndexInfo, addVariable: (extent: number) => number): IndexVariables {
  const conv = info.conv;
  if (!conv) {
    const variable = addVariable(info.size);
    return { output: variable, positionIn: () => [{ variable, weight: 1 }] };
  }
  const o = addVariable(conv.outputSize);
  const ks = conv.filterSizes.map((size) => addVariable(size));
  const featurePosition: Position = [{ variable: o, weight: conv.stride }, ...ks.map((variable) => ({ variable, weight: conv.dilation }))];
  return {
    output: o,
    positionIn: (operand) => (operand === conv.feature ? featurePosition : [{ variable: ks[conv.filters.indexOf(operand)]!, weight: 1 }]),
  };
}

/** The operand padded along every conv index it is the feature of. */
function padFeature(analysis: Analysis, t: Tensor, operand: number): Tensor {
  let padded = t;
  analysis.terms[operand]!.forEach((name, axis) => {
    const conv = analysis.byName.get(name)!.conv;
    if (conv?.feature === operand) padded = padAxis(padded, axis, conv.lo, conv.hi, conv.mode);
  });
  return padded;
}

/** Next combination of the given variables, the last fastest; after the last one they are all back at 0. */
function advance(values: Int32Array, variables: readonly number[], extents: readonly number[]): void {
  for (let i = variables.length - 1; i >= 0; i--) {
    const v = variables[i]!;
    if (++values[v]! < extents[v]!) return;
    values[v] = 0;
  }
}

function checkInputs(analysis: Analysis, inputs: readonly Tensor[]): void {
  if (inputs.length !== analysis.shapes.length) {
    throw new Error(`${analysis.spec.text} has ${analysis.shapes.length} operands, but ${inputs.length} tensors were given`);
  }
  inputs.forEach((t, k) => {
    if (!sameShape(t.shape, analysis.shapes[k]!)) {
      throw new Error(`operand ${k + 1} has shape ${formatShape(t.shape)}, expected ${formatShape(analysis.shapes[k]!)}`);
    }
  });
}
