/**
 * One plan step on float64 tensors, as a strided loop nest: every StepAxis becomes one or two
 * loops, each moving an offset into A, B and the output by a fixed delta per iteration, and the
 * body accumulates out += A * B. Indices the output does not keep have output delta 0, so they
 * are summed.
 */
import type { PlanStep, StepAxis } from '../../engine/plan.js';
import { padAxis } from './pad.js';
import { formatShape, sameShape, stridesOf, zeros, type Tensor } from './tensor.js';

/** One loop of the nest: its extent and how far one iteration moves in A, B and the output. */
interface Loop {
  readonly extent: number;
  readonly a: number;
  readonly b: number;
  readonly out: number;
}

/** One input of the step: its (padded) tensor, index names, and offset delta per index. */
interface Side {
  readonly tensor: Tensor;
  readonly indices: readonly string[];
  readonly deltas: ReadonlyMap<string, number>;
}

/** Operand of a one-input step in place of B: a single 1, never moved. */
const ONE: Tensor = { shape: [], data: Float64Array.of(1) };

export function executeStep(step: PlanStep, inputs: readonly Tensor[]): Tensor {
  checkInputs(step, inputs);
  checkAxesCoverIndices(step);
  const operands = padFeatures(step, inputs);
  const a = side(operands[0]!, step.inputIndices[0]!);
  const b = side(operands[1] ?? ONE, step.inputIndices[1] ?? []);
  const out = zeros(step.outputShape);
  const outStrides = stridesOf(step.outputShape);

  const loops = step.axes.flatMap((axis) => {
    let toOut = 0;
    if (axis.kept) {
      const position = step.indices.indexOf(axis.name);
      checkLength(step, axis, step.outputShape[position]!, axis.size);
      toOut = outStrides[position]!;
    }
    switch (axis.role) {
      case 'plain':
        return plainLoops(step, axis, a, b, toOut);
      case 'correlate':
        return correlateLoops(step, axis, a, b, toOut);
      case 'full':
        return fullLoops(step, axis, a, b, toOut);
    }
  });
  runLoops(loops, a.tensor.data, b.tensor.data, out.data);
  return out;
}

function plainLoops(step: PlanStep, axis: StepAxis, a: Side, b: Side, toOut: number): Loop[] {
  if (axis.inA) checkLength(step, axis, lengthIn(a, axis), axis.size);
  if (axis.inB) checkLength(step, axis, lengthIn(b, axis), axis.size);
  return [{ extent: axis.size, a: deltaIn(a, axis), b: deltaIn(b, axis), out: toOut }];
}

/** out[o] += feature[o*stride + dilation*k] * filter[k]: loops o and k. */
function correlateLoops(step: PlanStep, axis: StepAxis, a: Side, b: Side, toOut: number): Loop[] {
  const featureIsA = axis.feature === 'a';
  const [feature, filter] = featureIsA ? [a, b] : [b, a];
  const stride = axis.stride ?? 1;
  const dilation = axis.dilation ?? 1;
  const filterSize = axis.filterSize!;
  checkLength(step, axis, lengthIn(filter, axis), filterSize);
  const reach = (axis.size - 1) * stride + dilation * (filterSize - 1) + 1;
  if (reach > lengthIn(feature, axis)) {
    throw new Error(`step ${step.spec}: correlating ${axis.name} reads ${reach} feature positions but the (padded) feature has ${lengthIn(feature, axis)}`);
  }
  const moves = (inFeature: number, inFilter: number) => (featureIsA ? { a: inFeature, b: inFilter } : { a: inFilter, b: inFeature });
  const featureDelta = deltaIn(feature, axis);
  return [
    { extent: axis.size, ...moves(featureDelta * stride, 0), out: toOut },
    { extent: filterSize, ...moves(featureDelta * dilation, deltaIn(filter, axis)), out: 0 },
  ];
}

/** out[ka + kb] += a[ka] * b[kb]: loops ka and kb, both moving the output. */
function fullLoops(step: PlanStep, axis: StepAxis, a: Side, b: Side, toOut: number): Loop[] {
  const [lengthA, lengthB] = [lengthIn(a, axis), lengthIn(b, axis)];
  checkLength(step, axis, lengthA + lengthB - 1, axis.size);
  return [
    { extent: lengthA, a: deltaIn(a, axis), b: 0, out: toOut },
    { extent: lengthB, a: 0, b: deltaIn(b, axis), out: toOut },
  ];
}

/** The feature of a correlate axis is padded in its first convolution step along that index. */
function padFeatures(step: PlanStep, inputs: readonly Tensor[]): Tensor[] {
  const operands = [...inputs];
  for (const axis of step.axes) {
    if (axis.role !== 'correlate' || !axis.pad) continue;
    const which = axis.feature === 'a' ? 0 : 1;
    const position = step.inputIndices[which]!.indexOf(axis.name);
    operands[which] = padAxis(operands[which]!, position, axis.pad.lo, axis.pad.hi, axis.pad.mode);
  }
  return operands;
}

/** A repeated index (a diagonal) moves along all its axes at once: its delta is the sum of their strides. */
function side(tensor: Tensor, indices: readonly string[]): Side {
  const strides = stridesOf(tensor.shape);
  const deltas = new Map<string, number>();
  indices.forEach((name, axis) => deltas.set(name, (deltas.get(name) ?? 0) + strides[axis]!));
  return { tensor, indices, deltas };
}

function deltaIn(s: Side, axis: StepAxis): number {
  return s.deltas.get(axis.name) ?? 0;
}

function lengthIn(s: Side, axis: StepAxis): number {
  return s.tensor.shape[s.indices.indexOf(axis.name)]!;
}

/** Runs the nest; the longest loop goes innermost, where iterating is cheapest. */
function runLoops(loops: readonly Loop[], a: Float64Array, b: Float64Array, out: Float64Array): void {
  if (loops.length === 0) {
    out[0]! += a[0]! * b[0]!;
    return;
  }
  const longest = loops.reduce((best, loop, i) => (loop.extent > loops[best]!.extent ? i : best), 0);
  const outer = loops.filter((_, i) => i !== longest);
  const inner = loops[longest]!;
  const counters = new Int32Array(outer.length);
  let pa = 0;
  let pb = 0;
  let po = 0;
  for (;;) {
    for (let i = 0, ia = pa, ib = pb, io = po; i < inner.extent; i++, ia += inner.a, ib += inner.b, io += inner.out) {
      out[io]! += a[ia]! * b[ib]!;
    }
    let level = outer.length - 1;
    for (; level >= 0; level--) {
      const loop = outer[level]!;
      if (++counters[level]! < loop.extent) {
        pa += loop.a;
        pb += loop.b;
        po += loop.out;
        break;
      }
      counters[level] = 0;
      pa -= loop.a * (loop.extent - 1);
      pb -= loop.b * (loop.extent - 1);
      po -= loop.out * (loop.extent - 1);
    }
    if (level < 0) return;
  }
}

function checkInputs(step: PlanStep, inputs: readonly Tensor[]): void {
  if (inputs.length !== step.inputs.length) {
    throw new Error(`step ${step.spec} takes ${step.inputs.length} input${step.inputs.length === 1 ? '' : 's'}, got ${inputs.length}`);
  }
  inputs.forEach((t, k) => {
    const expected = step.inputShapes[k]!;
    if (!sameShape(t.shape, expected)) {
      throw new Error(`step ${step.spec}: input ${k + 1} has shape ${formatShape(t.shape)}, expected ${formatShape(expected)}`);
    }
  });
}

function checkAxesCoverIndices(step: PlanStep): void {
  const described = new Set(step.axes.map((axis) => axis.name));
  const missing = step.inputIndices.flat().find((name) => !described.has(name));
  if (missing !== undefined) throw new Error(`step ${step.spec}: index ${missing} has no axis description`);
  const kept = step.axes.filter((axis) => axis.kept).map((axis) => axis.name);
  if (kept.length !== step.indices.length || !kept.every((name) => step.indices.includes(name))) {
    throw new Error(`step ${step.spec}: the kept axes ${kept.join(',')} are not the output indices ${step.indices.join(',')}`);
  }
}

function checkLength(step: PlanStep, axis: StepAxis, length: number, expected: number): void {
  if (length !== expected) throw new Error(`step ${step.spec}: index ${axis.name} has length ${length} where the step expects ${expected}`);
}
