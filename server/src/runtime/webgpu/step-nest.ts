/**
 * A plan step as a loop nest over its inputs: every StepAxis becomes one or two loops, each
 * moving the read offsets in A and B and the write offset in the output by a fixed delta.
 * Loops the output does not move along (delta 0) are summed. Kernels are generated from this
 * description alone.
 *
 * - plain: one loop shared by whichever inputs hold the index.
 * - correlate: an output loop o (the feature moves by stride) and a filter loop k (the feature
 *   moves by dilation, the filter by one); the feature is padded first when the axis says so.
 * - full: out[q] = sum_ka a[ka] * b[q - ka] is rewritten as a correlation so every kernel is
 *   output-stationary: the smaller input P is zero-padded by K-1 on both sides (K the other
 *   input's length) and the other input R is read backwards, out[q] = sum_j R[K-1-j] * P[q+j].
 *
 * Padding can also be left virtual: the input is read unpadded, and a guard (a position along
 * the padded axis, moved by the loops like an offset) says where a read falls. Inside, the read
 * is as is; outside, zero padding makes the term zero, and the other modes map the position back
 * inside (reflect, replicate, circular: docs/semantics.md section 2) and move the read by the
 * difference times the axis's stride. That saves a dispatch and a padded copy for kernels that
 * check guards.
 */
import type { PaddingMode } from '../../engine/options.js';
import type { PlanStep, StepAxis } from '../../engine/plan.js';
import { elementCount, stridesOf } from '../cpu/tensor.js';

export interface Loop {
  readonly extent: number;
  readonly a: number;
  readonly b: number;
  readonly out: number;
  /** How far one iteration moves each guard's position. */
  readonly guards: readonly number[];
}

/**
 * A read is inside the input when its position, base + the loops' guard deltas, lies in
 * [0, limit); outside, the mode says what it reads.
 */
export interface Guard {
  readonly base: number;
  readonly limit: number;
  readonly mode: PaddingMode;
  /** The input the guarded axis belongs to (0: A, 1: B), and that axis's stride in it. */
  readonly input: 0 | 1;
  readonly stride: number;
}

/** At most this many virtual paddings per step (guards travel as one vec4). */
export const MAX_GUARDS = 4;

export interface AxisPad {
  readonly axis: number;
  readonly lo: number;
  readonly hi: number;
  readonly mode: PaddingMode;
}

export interface StepNest {
  /** 1 for a reduction or permutation of a single input. */
  readonly operands: 1 | 2;
  /** Per input, the padding it needs before the step (empty: read as is). */
  readonly pads: readonly (readonly AxisPad[])[];
  /** Per input, its shape as the loops read it (after padding). */
  readonly readShapes: readonly (readonly number[])[];
  /** Offset of the first element read in A and in B. */
  readonly baseA: number;
  readonly baseB: number;
  readonly loops: readonly Loop[];
  readonly guards: readonly Guard[];
  readonly outputShape: readonly number[];
}

export interface NestOptions {
  /** Leave the padding of inputs virtual (guarded reads) instead of padding a copy, up to MAX_GUARDS axes. */
  readonly virtualPadding?: boolean;
}

export function stepNest(step: PlanStep, options: NestOptions = {}): StepNest {
  const operands = step.inputs.length === 1 ? 1 : 2;
  const indices = step.inputIndices;
  const guarded = options.virtualPadding ? virtualPaddedAxes(step) : [];
  const pads = padsOf(step, guarded);
  const readShapes = step.inputShapes.map((shape, input) => paddedShape(shape, pads[input]!));
  const deltas = readShapes.map((shape, input) => deltasByName(indices[input]!, shape));
  const deltaIn = (input: number, name: string) => deltas[input]?.get(name) ?? 0;
  const outStrides = stridesOf(step.outputShape);
  const deltaOut = (axis: StepAxis) => (axis.kept ? outStrides[step.indices.indexOf(axis.name)]! : 0);

  let baseA = 0;
  let baseB = 0;
  const guards: Guard[] = [];
  const noGuards = guarded.map(() => 0);
  const loops = step.axes.flatMap((axis): Loop[] => {
    const a = deltaIn(0, axis.name);
    const b = deltaIn(1, axis.name);
    const out = deltaOut(axis);
    switch (axis.role) {
      case 'plain':
        return [{ extent: axis.size, a, b, out, guards: noGuards }];
      case 'correlate': {
        const [feature, filter] = axis.feature === 'a' ? [a, b] : [b, a];
        const pair = (f: number, g: number) => (axis.feature === 'a' ? { a: f, b: g } : { a: g, b: f });
        const stride = axis.stride ?? 1;
        const dilation = axis.dilation ?? 1;
        const guard = guarded.indexOf(axis.name);
        const along = (delta: number) => noGuards.map((zero, g) => (g === guard ? delta : zero));
        if (guard >= 0) {
          const { lo, mode } = axis.pad!;
          const input = axis.feature === 'a' ? 0 : 1;
          guards[guard] = { base: -lo, limit: lengthOf(step, input, axis.name), mode, input, stride: feature };
          if (input === 0) baseA -= lo * feature;
          else baseB -= lo * feature;
        }
        return [
          { extent: axis.size, ...pair(feature * stride, 0), out, guards: along(stride) },
          { extent: axis.filterSize!, ...pair(feature * dilation, filter), out: 0, guards: along(dilation) },
        ];
      }
      case 'full': {
        const padded = fullPaddedInput(step);
        const reversed = 1 - padded;
        const length = lengthOf(step, reversed, axis.name);
        const [p, r] = padded === 0 ? [a, b] : [b, a];
        if (reversed === 0) baseA += (length - 1) * a;
        else baseB += (length - 1) * b;
        const pair = (pd: number, rd: number) => (padded === 0 ? { a: pd, b: rd } : { a: rd, b: pd });
        // P padded virtually: position q + j - (K - 1) of the unpadded P.
        const guard = guarded.indexOf(axis.name);
        const along = noGuards.map((zero, g) => (g === guard ? 1 : zero));
        if (guard >= 0) {
          guards[guard] = { base: 1 - length, limit: lengthOf(step, padded, axis.name), mode: 'zeros', input: padded, stride: p };
          if (padded === 0) baseA -= (length - 1) * a;
          else baseB -= (length - 1) * b;
        }
        return [
          { extent: axis.size, ...pair(p, 0), out, guards: along },
          { extent: length, ...pair(p, -r), out: 0, guards: along },
        ];
      }
    }
  });
  return { operands, pads, readShapes, baseA, baseB, loops, guards, outputShape: step.outputShape };
}

/**
 * The axes along which an input of this step is padded (a correlate axis's feature by its mode,
 * the smaller input of a full axis with zeros), as far as guards can stand in for the padding:
 * at most MAX_GUARDS, and not along an index the input repeats (a diagonal).
 */
export function virtualPaddedAxes(step: PlanStep): string[] {
  const repeated = (input: number, name: string) => step.inputIndices[input]!.filter((n) => n === name).length > 1;
  return step.axes
    .filter((axis) => {
      if (axis.role === 'correlate') return axis.pad !== undefined && axis.pad.lo + axis.pad.hi > 0 && !repeated(axis.feature === 'a' ? 0 : 1, axis.name);
      if (axis.role === 'full') return lengthOf(step, 1 - fullPaddedInput(step), axis.name) > 1 && !repeated(fullPaddedInput(step), axis.name);
      return false;
    })
    .map((axis) => axis.name)
    .slice(0, MAX_GUARDS);
}

/** Padding of each input: the feature of a correlate axis by its mode (unless guarded), the smaller input of a full axis with zeros. */
function padsOf(step: PlanStep, guarded: readonly string[]): AxisPad[][] {
  const pads: AxisPad[][] = step.inputs.map(() => []);
  for (const axis of step.axes) {
    if (guarded.includes(axis.name)) continue;
    if (axis.role === 'correlate' && axis.pad && axis.pad.lo + axis.pad.hi > 0) {
      const input = axis.feature === 'a' ? 0 : 1;
      pads[input]!.push({ axis: step.inputIndices[input]!.indexOf(axis.name), ...axis.pad });
    } else if (axis.role === 'full') {
      const padded = fullPaddedInput(step);
      const k = lengthOf(step, 1 - padded, axis.name) - 1;
      if (k > 0) pads[padded]!.push({ axis: step.inputIndices[padded]!.indexOf(axis.name), lo: k, hi: k, mode: 'zeros' });
    }
  }
  return pads;
}

/** The input a full axis pads: the one with fewer elements, as padding copies it. */
function fullPaddedInput(step: PlanStep): 0 | 1 {
  const [a, b] = step.inputShapes.map(elementCount);
  return a! <= b! ? 0 : 1;
}

function lengthOf(step: PlanStep, input: number, name: string): number {
  return step.inputShapes[input]![step.inputIndices[input]!.indexOf(name)]!;
}

export function paddedShape(shape: readonly number[], pads: readonly AxisPad[]): number[] {
  const padded = [...shape];
  for (const pad of pads) padded[pad.axis]! += pad.lo + pad.hi;
  return padded;
}

/** Offset delta per index; a repeated index (a diagonal) moves along all its axes at once. */
function deltasByName(indices: readonly string[], shape: readonly number[]): Map<string, number> {
  const strides = stridesOf(shape);
  const deltas = new Map<string, number>();
  indices.forEach((name, axis) => deltas.set(name, (deltas.get(name) ?? 0) + strides[axis]!));
  return deltas;
}
