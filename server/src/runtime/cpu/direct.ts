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
 */
import type { Analysis, IndexInfo } from '../../engine/shapes.js';
import { padAxis } from './pad.js';
import { elementCount, formatShape, sameShape, stridesOf, zeros, type Tensor } from './tensor.js';

/** A position along one axis as a weighted sum of variables. */
type Position = readonly { readonly variable: number; readonly weight: number }[];

interface IndexVariables {
  /** The variable an output index takes its position from. */
  readonly output: number;
  /** How each operand's axis of this index reads its position from the variables. */
  readonly positionIn: (operand: number) => Position;
}

export function evaluateDirect(analysis: Analysis, inputs: readonly Tensor[]): Tensor {
  checkInputs(analysis, inputs);
  const extents: number[] = [];
  const addVariable = (extent: number) => extents.push(extent) - 1;
  const variables = new Map(analysis.indices.map((info) => [info.name, variablesOf(info, addVariable)]));

  const operands = inputs.map((t, k) => padFeature(analysis, t, k));
  const reads = operands.map((t, k) => {
    const strides = stridesOf(t.shape);
    return analysis.terms[k]!.map((name, axis) => ({ stride: strides[axis]!, position: variables.get(name)!.positionIn(k) }));
  });

  const out = zeros(analysis.outputShape);
  const outStrides = stridesOf(analysis.outputShape);
  const writes = analysis.output.map((name, axis) => ({ stride: outStrides[axis]!, variable: variables.get(name)!.output }));

  const values = new Int32Array(extents.length);
  const combinations = elementCount(extents);
  for (let c = 0; c < combinations; c++) {
    let product = 1;
    operands.forEach((t, k) => {
      let offset = 0;
      for (const { stride, position } of reads[k]!) {
        for (const { variable, weight } of position) offset += stride * weight * values[variable]!;
      }
      product *= t.data[offset]!;
    });
    let offset = 0;
    for (const { stride, variable } of writes) offset += stride * values[variable]!;
    out.data[offset]! += product;
    advance(values, extents);
  }
  return out;
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

/** Next combination, last variable fastest. */
function advance(values: Int32Array, extents: readonly number[]): void {
  for (let v = values.length - 1; v >= 0; v--) {
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
