/**
 * The tiled convolution kernel, for convolution steps too thin for the GEMM kernel (depthwise
 * and small-channel steps: few summed loops, no N to tile). Each invocation computes a block
 * of RUN consecutive outputs along one output loop that B does not move along (the blocked
 * loop, the convolution's output positions): every filter tap read from B is loaded once into
 * a register and used for the whole block, and the block's reads of A step by the loop's delta
 * (stride times the feature's stride). Neighbouring lanes take neighbouring blocks in the
 * output's storage order, so their reads stay close together. Padding stays virtual, the
 * guards moved along the block like the offsets (step-nest.ts). Stride and dilation are in the
 * loop deltas, as for the other kernels.
 *
 * When the only summed loop is the filter's (a depthwise step) and the block's reads overlap
 * (stride 1, or stride and dilation sharing a factor), the block reads its window of the feature
 * once into registers, (RUN - 1) * stride + (taps - 1) * dilation + 1 values instead of RUN *
 * taps, and the taps too; taps, stride and dilation are then part of the kernel's source.
 *
 * When the output's innermost loop is also A's (a channel axis of a depthwise step, a multiple
 * of 4 long) and every other offset in A and the output is a multiple of 4, each invocation
 * works on 4 neighbouring channels at once: A and the output are read and written as vec4, and
 * the filter taps of the 4 channels gathered into a vec4. On CPU rasterizers, which load every
 * lane's value apart, that is a quarter of the loads and stores.
 */
import { elementCount } from '../../cpu/tensor.js';
import type { Loop, StepNest } from '../step-nest.js';
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
  type GuardReads,
  type KernelSource,
  type Spread,
} from './common.js';
import { extentOf, type PerOutputLayout } from '../layout.js';
import { summedLoops } from './per-output.js';

/** Outputs per invocation along the blocked loop. */
export const RUN = 8;

/** Slot 1: (baseA, baseB, blocks, blocked extent); slot 2: (outputs inside the blocked loop's position, blocks along it); guards: bases, limits, strides; a window's step in A and its guards' step; then the blocked loop. */
const HEADER = GRID_SLOTS;
const BLOCKING = GRID_SLOTS + 1;

/** Most taps and window values a block holds in registers. */
const MAX_TAPS = 16;
const MAX_WINDOW = 48;

/** A block's reads as a window: output j, tap t reads window value j * stride + t * dilation, one `step` apart in A. */
export interface Window {
  readonly taps: number;
  readonly stride: number;
  readonly dilation: number;
  readonly size: number;
  /** Offset in A between neighbouring window values, and the guards' moves. */
  readonly step: number;
  readonly guardSteps: readonly number[];
}

/** The window of a block of `run` outputs, when the filter's loop is the only summed loop and the window is smaller than the reads it replaces. */
export function windowOf(layout: PerOutputLayout, blocked: number, run: number): Window | null {
  const along = layout.out[blocked]!;
  const filter = layout.k[0];
  if (layout.k.length !== 1 || !filter || filter.b === 0 || filter.extent > MAX_TAPS || along.a <= 0 || filter.a <= 0) return null;
  const step = gcd(along.a, filter.a);
  const [stride, dilation] = [along.a / step, filter.a / step];
  const size = (run - 1) * stride + (filter.extent - 1) * dilation + 1;
  if (size >= run * filter.extent || size > MAX_WINDOW) return null;
  // The guards must move in the same unit steps as the offsets.
  const guardSteps = along.guards.map((g) => g / stride);
  if (!guardSteps.every((g, i) => Number.isInteger(g) && g * dilation === filter.guards[i])) return null;
  return { taps: filter.extent, stride, dilation, size, step, guardSteps };
}

function gcd(x: number, y: number): number {
  return y === 0 ? Math.abs(x) : gcd(y, x % y);
}

/**
 * The output loop to block along: one B does not move along and A does; of those, the innermost
 * whose block reads a window (a convolution's output positions), else the innermost. Null when
 * none spans two outputs.
 */
export function blockedLoop(layout: PerOutputLayout): number | null {
  const candidates = layout.out.flatMap((loop, i) => (loop.b === 0 && loop.a !== 0 && loop.extent > 1 ? [i] : [])).reverse();
  return candidates.find((i) => windowOf(layout, i, runAlong(layout.out[i]!)) !== null) ?? candidates[0] ?? null;
}

function runAlong(loop: Loop): number {
  return Math.min(RUN, 2 ** Math.ceil(Math.log2(loop.extent)));
}

/** The output loop to take 4 at a time as vec4 (the innermost, A's and the output's contiguous one), or null when offsets would not stay aligned. */
export function vectorLoop(nest: StepNest, layout: PerOutputLayout, blocked: number): number | null {
  const last = layout.out.length - 1;
  const loop = layout.out[last];
  if (!loop || last === blocked || loop.out !== 1 || loop.a !== 1 || loop.extent % 4 !== 0 || loop.guards.some((g) => g !== 0)) return null;
  // Reads of A that padding maps back inside move by whole vec4s.
  if (nest.guards.some((g) => g.input === 0 && g.mode !== 'zeros' && g.stride % 4 !== 0)) return null;
  const others = [...layout.out.slice(0, last), ...layout.k];
  if (!others.every((l) => l.a % 4 === 0 && l.out % 4 === 0) || nest.baseA % 4 !== 0) return null;
  return elementCount(nest.readShapes[0]!) % 4 === 0 && elementCount(nest.outputShape) % 4 === 0 ? last : null;
}

/** The loops in units of vec4 in A and the output; the vector loop takes 4 of its iterations at once. */
function vectorLayout(layout: PerOutputLayout, vector: number): PerOutputLayout {
  const scaled = (l: Loop): Loop => ({ ...l, a: l.a / 4, out: l.out / 4 });
  return {
    out: layout.out.map((l, i) => (i === vector ? { ...l, extent: l.extent / 4, a: 1, b: 4 * l.b, out: 1 } : scaled(l))),
    k: layout.k.map(scaled),
  };
}

export function convTiledKernel(nest: StepNest, scalarLayout: PerOutputLayout, blocked: number, spread: Spread): KernelSource {
  const vector = vectorLoop(nest, scalarLayout, blocked);
  const layout = vector === null ? scalarLayout : vectorLayout(scalarLayout, vector);
  const baseA = vector === null ? nest.baseA : nest.baseA / 4;
  // Between the 4 channels of a vec4, B moves by the vector loop's own delta.
  const laneB = vector === null ? 0 : scalarLayout.out[vector]!.b;
  const type = vector === null ? 'f32' : 'vec4<f32>';
  const tap = (offset: string) => (vector === null ? `b[${offset}]` : `vec4<f32>(b[${offset}], b[${offset} + blocking.z], b[${offset} + 2 * blocking.z], b[${offset} + 3 * blocking.z])`);
  const along = layout.out[blocked]!;
  const run = runAlong(along);
  const blocksAlong = Math.ceil(along.extent / run);
  // The blocked loop becomes a loop over blocks: extent / run iterations, deltas times run.
  const coarse: Loop = { extent: blocksAlong, a: along.a * run, b: along.b * run, out: along.out * run, guards: along.guards.map((g) => g * run) };
  const outLoops = layout.out.map((loop, i) => (i === blocked ? coarse : loop));
  const blocks = extentOf(outLoops);
  const inside = extentOf(outLoops.slice(blocked + 1));

  const guards = nest.guards.length;
  const guarded = guards > 0;
  const guard = guarded ? guardReads(nest.guards) : null;
  const perLoop = guarded ? 2 : 1;
  const guardBases = BLOCKING + 1;
  const guardLimits = BLOCKING + 2;
  const guardStrides = BLOCKING + 3;
  // The window holds values of A only: a step padding B reads its taps one by one.
  const window = nest.guards.some((g) => g.input === 1) ? null : windowOf(layout, blocked, run);
  const windowSlot = BLOCKING + (guarded ? 4 : 1);
  const blockedSlot = windowSlot + (window ? 2 : 0);
  const firstOut = blockedSlot + perLoop;
  const firstK = firstOut + perLoop * outLoops.length;
  const slots = firstK + perLoop * layout.k.length;
  const lanes = Array.from({ length: run }, (_, j) => j);

  const shifted = (input: 0 | 1, offset: string, g: string) => {
    const shift = guard?.shift(input, g, 'limit', 'strides');
    return shift ? `${offset} + ${shift}` : offset;
  };
  // Guards of B do not move along the block (B does not), so its taps are shifted once.
  const accumulate = (p: string, g: string) =>
    [
      `let w = ${tap(shifted(1, `${p}.y`, g))};`,
      ...lanes.map((j) => {
        const term = `acc${j} += a[${shifted(0, `${p}.x + aj${j}`, `${g} + gj${j}`)}] * w;`;
        const inside = guard?.inside(`${g} + gj${j}`, 'limit');
        return inside ? `if (${inside}) { ${term} }` : term;
      }),
    ].join(' ');
  const start = guarded
    ? [
        `  let p = position.p.xy + params.v[${HEADER}].xy;`,
        `  let g = position.g + params.v[${guardBases}].${guard!.swizzle};`,
        `  let limit = params.v[${guardLimits}].${guard!.swizzle};`,
        `  let strides = params.v[${guardStrides}].${guard!.swizzle};`,
      ]
    : [`  let p = position.xy + params.v[${HEADER}].xy;`];
  const outOffset = guarded ? 'position.p.z' : 'position.z';
  const source = [
    paramsDeclaration(slots),
    ...(vector === null
      ? [bindingsDeclaration(2)]
      : ['@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;', '@group(0) @binding(2) var<storage, read> b: array<f32>;', '@group(0) @binding(3) var<storage, read_write> out: array<vec4<f32>>;']),
    splitFunction(blocks),
    ...(guard?.functions ?? []),
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
    ...(window ? windowSums(window, run, firstK, windowSlot, guard, type, tap) : [...lanes.map((j) => `  var acc${j} = ${type}(0.0);`), ...summedLoops(firstK, layout.k.length, guard?.swizzle ?? null, accumulate)]),
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
    [baseA, nest.baseB, blocks, along.extent],
    [inside, blocksAlong, laneB, 0],
  ];
  if (guarded) {
    header.push(nest.guards.map((g) => g.base));
    header.push(nest.guards.map((g) => g.limit));
    // In units of vec4 for A when channels go four at a time (vectorLoop checked they divide).
    header.push(nest.guards.map((g) => (vector !== null && g.input === 0 ? g.stride / 4 : g.stride)));
  }
  if (window) header.push([window.step, 0, 0, 0], [...window.guardSteps]);
  const shape = window ? `${run}x${window.taps} window ${window.size}` : `${run}`;
  return {
    label: `conv-tiled${vector === null ? '' : ' vec4'} ${shape} along loop ${blocked + 1} of ${layout.out.length}, ${layout.k.length} summed${guardsLabel(nest.guards)}`,
    source,
    workgroupSize: spread.workgroupSize,
    workgroups: workgroupsFor(blocks, spread),
    params: packSlots([...header, ...packLoopSlots([along, ...outLoops, ...layout.k], guarded)]),
    inputs: 2,
  };
}

/** A block's sums from its window: the taps and the window values loaded once, each output a fixed sum of products. */
function windowSums(window: Window, run: number, filterSlot: number, windowSlot: number, guard: GuardReads | null, type: string, tap: (offset: string) => string): string[] {
  const taps = Array.from({ length: window.taps }, (_, t) => t);
  const values = Array.from({ length: window.size }, (_, q) => q);
  // Values past the last valid output's reads may lie past the tensor's end: clamped, and never written.
  const last = 'i32(arrayLength(&a)) - 1';
  return [
    `  let filterLoop = params.v[${filterSlot}];`,
    `  let step = params.v[${windowSlot}].x;`,
    ...(guard ? [`  let guardStep = params.v[${windowSlot + 1}].${guard.swizzle};`] : []),
    ...taps.map((t) => `  let w${t} = ${tap(`p.y + ${t} * filterLoop.z`)};`),
    ...values.map((q) => {
      const at = `g + ${q} * guardStep`;
      const shift = guard?.shift(0, at, 'limit', 'strides');
      const read = `a[min(p.x + ${q} * step${shift ? ` + ${shift}` : ''}, ${last})]`;
      const inside = guard?.inside(at, 'limit');
      return inside ? `  var x${q} = ${type}(0.0); if (${inside}) { x${q} = ${read}; }` : `  let x${q} = ${read};`;
    }),
    ...Array.from({ length: run }, (_, j) => `  let acc${j} = ${taps.map((t) => `x${j * window.stride + t * window.dilation} * w${t}`).join(' + ')};`),
  ];
}
