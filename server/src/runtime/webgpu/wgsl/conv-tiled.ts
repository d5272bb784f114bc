/**
 * The tiled convolution kernel, for convolution steps too thin for the GEMM kernel (depthwise
 * and small-channel steps: few summed loops, no N to tile). Each invocation computes a block
 * of RUN consecutive outputs along one output loop that B does not move along (the blocked
 * loop, the convolution's output positions): every filter tap read from B is loaded once into
 * a register and used for the whole block, and the block's reads of A step by the loop's delta
 * (stride times the feature's stride). Neighbouring lanes take neighbouring blocks in the
 * output's storage order, so their reads stay close together. Zero padding stays virtual, the
 * guards moved along the block like the offsets. Stride, dilation and every padding mode are
 * in the loop deltas and the padded copies, as for the other kernels.
 */
import type { Loop, StepNest } from '../step-nest.js';
import {
  bindingsDeclaration,
  GRID_SLOTS,
  guardedOffsetFunction,
  guardType,
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
import { extentOf, type PerOutputLayout } from '../layout.js';
import { summedLoops } from './per-output.js';

/** Outputs per invocation along the blocked loop. */
export const RUN = 8;

/** Slot 1: (baseA, baseB, blocks, blocked extent); slot 2: (outputs inside the blocked loop's position, blocks along it); guards: bases, limits; then the blocked loop. */
const HEADER = GRID_SLOTS;
const BLOCKING = GRID_SLOTS + 1;

/** The output loop to block along: one B does not move along and A does, the innermost such (in the output's order); null when none spans two outputs. */
export function blockedLoop(layout: PerOutputLayout): number | null {
  let best: number | null = null;
  layout.out.forEach((loop, i) => {
    if (loop.b === 0 && loop.a !== 0 && loop.extent > 1) best = i;
  });
  return best;
}

export function convTiledKernel(nest: StepNest, layout: PerOutputLayout, blocked: number, spread: Spread): KernelSource {
  const along = layout.out[blocked]!;
  const run = Math.min(RUN, 2 ** Math.ceil(Math.log2(along.extent)));
  const blocksAlong = Math.ceil(along.extent / run);
  // The blocked loop becomes a loop over blocks: extent / run iterations, deltas times run.
  const coarse: Loop = { extent: blocksAlong, a: along.a * run, b: along.b * run, out: along.out * run, guards: along.guards.map((g) => g * run) };
  const outLoops = layout.out.map((loop, i) => (i === blocked ? coarse : loop));
  const blocks = extentOf(outLoops);
  const inside = extentOf(outLoops.slice(blocked + 1));

  const guards = nest.guards.length;
  const guarded = guards > 0;
  const guard = guarded ? guardType(guards) : null;
  const perLoop = guarded ? 2 : 1;
  const guardBases = BLOCKING + 1;
  const guardLimits = BLOCKING + 2;
  const blockedSlot = GRID_SLOTS + (guarded ? 4 : 2);
  const firstOut = blockedSlot + perLoop;
  const firstK = firstOut + perLoop * outLoops.length;
  const slots = firstK + perLoop * layout.k.length;
  const lanes = Array.from({ length: run }, (_, j) => j);

  const accumulate = (p: string, g: string) =>
    [
      `let w = b[${p}.y];`,
      ...lanes.map((j) => (guard ? `if (${guard.inside(`${g} + gj${j}`, 'limit')}) { acc${j} += a[${p}.x + aj${j}] * w; }` : `acc${j} += a[${p}.x + aj${j}] * w;`)),
    ].join(' ');
  const start = guarded
    ? [
        `  let p = position.p.xy + params.v[${HEADER}].xy;`,
        `  let g = position.g + params.v[${guardBases}].${guard!.swizzle};`,
        `  let limit = params.v[${guardLimits}].${guard!.swizzle};`,
      ]
    : [`  let p = position.xy + params.v[${HEADER}].xy;`];
  const outOffset = guarded ? 'position.p.z' : 'position.z';
  const source = [
    paramsDeclaration(slots),
    bindingsDeclaration(2),
    splitFunction(blocks),
    ...(guarded ? [positionStruct(guards), guardedOffsetFunction('blockOffsets', firstOut, outLoops.length, guards)] : [offsetFunction('blockOffsets', firstOut, outLoops.length)]),
    '',
    'fn block(index: i32) {',
    '  let position = blockOffsets(index);',
    `  let blocking = params.v[${BLOCKING}];`,
    `  let blockLoop = params.v[${blockedSlot}];`,
    `  let valid = min(${run}, params.v[${HEADER}].w - split(split(index, blocking.x).x, blocking.y).y * ${run});`,
    ...start,
    // Outputs past the loop's end repeat the last valid one's reads, and are not written.
    ...lanes.map((j) => `  let aj${j} = min(${j}, valid - 1) * blockLoop.y;`),
    ...(guarded ? lanes.map((j) => `  let gj${j} = min(${j}, valid - 1) * params.v[${blockedSlot + 1}].${guard!.swizzle};`) : []),
    ...lanes.map((j) => `  var acc${j} = 0.0;`),
    ...summedLoops(firstK, layout.k.length, guard?.swizzle ?? null, accumulate),
    ...lanes.map((j) => `  if (${j} < valid) { out[${outOffset} + ${j} * blockLoop.w] = acc${j}; }`),
    '}',
    '',
    `@compute @workgroup_size(${spread.workgroupSize})`,
    'fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lane: u32) {',
    `  let first = (${LINEAR_WORKGROUP}) * ${spread.workgroupSize * spread.perInvocation} + i32(lane);`,
    `  for (var e = 0; e < ${spread.perInvocation}; e++) {`,
    `    let index = first + e * ${spread.workgroupSize};`,
    `    if (index < params.v[${HEADER}].z) { block(index); }`,
    '  }',
    '}',
  ].join('\n');

  const header: number[][] = [
    [nest.baseA, nest.baseB, blocks, along.extent],
    [inside, blocksAlong, 0, 0],
  ];
  if (guarded) {
    header.push(nest.guards.map((g) => g.base));
    header.push(nest.guards.map((g) => g.limit));
  }
  return {
    label: `conv-tiled ${run} along loop ${blocked + 1} of ${layout.out.length}, ${layout.k.length} summed${guarded ? `, ${guards} guarded` : ''}`,
    source,
    workgroupSize: spread.workgroupSize,
    workgroups: workgroupsFor(blocks, spread),
    params: packSlots([...header, ...packLoopSlots([along, ...outLoops, ...layout.k], guarded)]),
    inputs: 2,
  };
}
