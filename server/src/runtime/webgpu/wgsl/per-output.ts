/**
 * The per-output kernel: each output element computed on its own, looping over the summed
 * loops. It runs reductions, permutations, outer products and small steps (depthwise
 * convolutions among them, where it also reads padding virtually through guards), and is the
 * naive baseline the GEMM kernel is measured against.
 */
import { extentOf, type PerOutputLayout } from '../layout.js';
import type { StepNest } from '../step-nest.js';
import {
  bindingsDeclaration,
  GRID_SLOTS,
  guardedOffsetFunction,
  guardReads,
  guardsLabel,
  LINEAR_WORKGROUP,
  offsetFunction,
  packLoopSlots,
  packSlots,
  paramsDeclaration,
  positionStruct,
  splitFunction,
  workgroupsFor,
  type KernelSource,
  type Spread,
} from './common.js';

/** Slot 1: (baseA, baseB, outputs, 0); with guards, slot 2: their bases, slot 3: their limits, slot 4: their strides. */
const HEADER = GRID_SLOTS;
const GUARD_BASES = GRID_SLOTS + 1;
const GUARD_LIMITS = GRID_SLOTS + 2;
const GUARD_STRIDES = GRID_SLOTS + 3;

export function perOutputKernel(nest: StepNest, layout: PerOutputLayout, spread: Spread): KernelSource {
  const outputs = extentOf(layout.out);
  const guards = nest.guards.length;
  const guarded = guards > 0;
  const guard = guarded ? guardReads(nest.guards) : null;
  const perLoop = guarded ? 2 : 1;
  const firstOut = GRID_SLOTS + (guarded ? 4 : 1);
  const firstK = firstOut + perLoop * layout.out.length;
  const slots = firstK + perLoop * layout.k.length;
  const read = (input: 0 | 1, p: string, g: string) => {
    const shift = guard?.shift(input, g, 'limit', 'strides');
    return `${input === 0 ? 'a' : 'b'}[${p}.${input === 0 ? 'x' : 'y'}${shift ? ` + ${shift}` : ''}]`;
  };
  const product = (p: string, g: string) => (nest.operands === 2 ? `${read(0, p, g)} * ${read(1, p, g)}` : read(0, p, g));
  const accumulate = (p: string, g: string) => {
    const inside = guard?.inside(g, 'limit');
    return inside ? `if (${inside}) { sum += ${product(p, g)}; }` : `sum += ${product(p, g)};`;
  };

  // A position: the (A, B, output) offsets of an output element, with its guard positions.
  const position = guarded ? 'Position' : 'vec3<i32>';
  const start = guarded
    ? [
        `  let p = position.p.xy + params.v[${HEADER}].xy;`,
        `  let g = position.g + params.v[${GUARD_BASES}].${guard!.swizzle};`,
        `  let limit = params.v[${GUARD_LIMITS}].${guard!.swizzle};`,
        `  let strides = params.v[${GUARD_STRIDES}].${guard!.swizzle};`,
      ]
    : [`  let p = position.xy + params.v[${HEADER}].xy;`];
  const innermost = layout.out.length > 0 ? firstOut + perLoop * (layout.out.length - 1) : null;
  const step = innermost === null ? null : guarded ? `position.p += params.v[${innermost}].yzw; position.g += params.v[${innermost + 1}].${guard!.swizzle};` : `position += params.v[${innermost}].yzw;`;
  const source = [
    paramsDeclaration(slots),
    bindingsDeclaration(nest.operands),
    splitFunction(outputs),
    ...(guard?.functions ?? []),
    ...(guarded ? [positionStruct(guards), guardedOffsetFunction('outputOffsets', firstOut, layout.out.length, guards)] : [offsetFunction('outputOffsets', firstOut, layout.out.length)]),
    '',
    // The output loops are in storage order, so `index` is also the write offset.
    `fn element(index: i32, position: ${position}) {`,
    ...start,
    '  var sum = 0.0;',
    ...summedLoops(firstK, layout.k.length, guard?.swizzle ?? null, accumulate),
    '  out[index] = sum;',
    '}',
    '',
    // Each invocation takes a run of consecutive outputs: along the innermost output loop the
    // position only steps; it is worked out afresh (divisions) only where that loop wraps.
    `@compute @workgroup_size(${spread.workgroupSize})`,
    'fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lane: u32) {',
    `  let total = params.v[${HEADER}].z;`,
    `  let first = ((${LINEAR_WORKGROUP}) * ${spread.workgroupSize} + i32(lane)) * ${spread.perInvocation};`,
    '  if (first >= total) { return; }',
    '  var position = outputOffsets(first);',
    `  let wrap = ${innermost === null ? '1' : `params.v[${innermost}].x`};`,
    '  var along = split(first, wrap).y;',
    `  for (var e = 0; e < ${spread.perInvocation}; e++) {`,
    '    let index = first + e;',
    '    if (index >= total) { break; }',
    '    element(index, position);',
    '    along += 1;',
    `    if (along == wrap) { along = 0; position = outputOffsets(index + 1); }${step ? ` else { ${step} }` : ''}`,
    '  }',
    '}',
  ].join('\n');

  const header = [[nest.baseA, nest.baseB, outputs, 0]];
  if (guarded) {
    header.push(nest.guards.map((g) => g.base));
    header.push(nest.guards.map((g) => g.limit));
    header.push(nest.guards.map((g) => g.stride));
  }
  return {
    label: `per-output ${layout.out.length}+${layout.k.length} loops${guardsLabel(nest.guards)}`,
    source,
    workgroupSize: spread.workgroupSize,
    workgroups: workgroupsFor(outputs, spread),
    params: packSlots([...header, ...packLoopSlots([...layout.out, ...layout.k], guarded)]),
    inputs: nest.operands,
  };
}

/** Nested loops over the summed loops; loop d carries the read offsets p{d} (and guards g{d}), starting from the enclosing ones. */
export function summedLoops(first: number, count: number, guardSwizzle: string | null, accumulate: (p: string, g: string) => string): string[] {
  const lines: string[] = [];
  const guarded = guardSwizzle !== null;
  const perLoop = guarded ? 2 : 1;
  const indent = (depth: number) => '  '.repeat(depth + 1);
  const outer = (name: string, depth: number) => (depth === 0 ? name : `${name}${depth - 1}`);
  for (let depth = 0; depth < count; depth++) {
    const slot = first + perLoop * depth;
    lines.push(`${indent(depth)}let l${depth} = params.v[${slot}];`);
    lines.push(`${indent(depth)}var p${depth} = ${outer('p', depth)};`);
    if (guarded) lines.push(`${indent(depth)}var g${depth} = ${outer('g', depth)};`);
    lines.push(`${indent(depth)}for (var i${depth} = 0; i${depth} < l${depth}.x; i${depth}++) {`);
  }
  lines.push(`${indent(count)}${accumulate(outer('p', count), outer('g', count))}`);
  for (let depth = count - 1; depth >= 0; depth--) {
    lines.push(`${indent(depth + 1)}p${depth} += l${depth}.yz;`);
    if (guarded) lines.push(`${indent(depth + 1)}g${depth} += params.v[${first + perLoop * depth + 1}].${guardSwizzle};`);
    lines.push(`${indent(depth)}}`);
  }
  return lines;
}
