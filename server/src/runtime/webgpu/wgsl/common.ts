/**
 * WGSL pieces every kernel shares: the parameter block, the linear workgroup id, and offset
 * functions generated from a group of loops.
 *
 * Parameters are one uniform array of vec4<i32>. Slot 0 is the dispatch grid (x, y, workgroup
 * count, unused), written by whoever dispatches; a kernel's own header slots follow, then its
 * loops, one vec4 each: (extent, delta in A, delta in B, delta in the output). Extents and
 * deltas are data, so one compiled kernel serves every step with the same loop structure.
 */
import type { Loop } from '../step-nest.js';

/** A kernel before dispatch: its source, and its parameters after the grid slot. */
export interface KernelSource {
  readonly label: string;
  readonly source: string;
  readonly workgroupSize: number;
  /** Workgroups to launch, before folding into the grid's dimensions. */
  readonly workgroups: number;
  /** Parameter slots 1.. as vec4<i32>, flattened. */
  readonly params: Int32Array;
  /** Which inputs the kernel binds: 1 (A) or 2 (A and B). */
  readonly inputs: 1 | 2;
}

export const GRID_SLOTS = 1;

export function paramsDeclaration(slots: number): string {
  return [
    `struct Params { v: array<vec4<i32>, ${Math.max(1, slots)}> }`,
    '@group(0) @binding(0) var<uniform> params: Params;',
  ].join('\n');
}

export function bindingsDeclaration(inputs: 1 | 2): string {
  return [
    '@group(0) @binding(1) var<storage, read> a: array<f32>;',
    ...(inputs === 2 ? ['@group(0) @binding(2) var<storage, read> b: array<f32>;'] : []),
    '@group(0) @binding(3) var<storage, read_write> out: array<f32>;',
  ].join('\n');
}

/** The workgroup's position in launch order, over a grid of up to three dimensions. */
export const LINEAR_WORKGROUP = 'i32(group.x) + params.v[0].x * (i32(group.y) + params.v[0].y * i32(group.z))';

/**
 * How an elementwise kernel (per-output, pad) spreads over the device: invocations per
 * workgroup and elements per invocation. CPU rasterizers pay per workgroup and run one
 * 8-lane workgroup as a single vector, so there few lanes each take many elements.
 */
export interface Spread {
  readonly workgroupSize: number;
  readonly perInvocation: number;
}

export function workgroupsFor(elements: number, spread: Spread): number {
  return Math.ceil(elements / (spread.workgroupSize * spread.perInvocation));
}

/** `main` calling `element(index)` for this invocation's indices below `count` (a WGSL expression); neighbouring lanes take neighbouring indices. */
export function elementwiseMain(spread: Spread, count: string): string[] {
  const { workgroupSize, perInvocation } = spread;
  return [
    `@compute @workgroup_size(${workgroupSize})`,
    'fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lane: u32) {',
    `  let first = (${LINEAR_WORKGROUP}) * ${workgroupSize * perInvocation} + i32(lane);`,
    `  for (var e = 0; e < ${perInvocation}; e++) {`,
    `    let index = first + e * ${workgroupSize};`,
    `    if (index < ${count}) { element(index); }`,
    '  }',
    '}',
  ];
}

export function packSlots(slots: readonly (readonly number[])[]): Int32Array {
  const flat = slots.flatMap((slot) => [...slot, 0, 0, 0, 0].slice(0, 4));
  return Int32Array.from(flat);
}

/**
 * Index spaces below this size split positions with f32 division (exact after one correction
 * either way, as the quotient's error stays under 1), which is far cheaper than i32 division
 * where that runs one lane at a time, as on CPU rasterizers.
 */
export const FLOAT_DIVISION_LIMIT = 2 ** 22;

/** `fn split(x: i32, d: i32) -> vec2<i32>`: (x / d, x % d) for 0 <= x < `range`. */
export function splitFunction(range: number): string {
  if (range >= FLOAT_DIVISION_LIMIT) return 'fn split(x: i32, d: i32) -> vec2<i32> { return vec2<i32>(x / d, x % d); }';
  return [
    'fn split(x: i32, d: i32) -> vec2<i32> {',
    '  let guess = i32(f32(x) / f32(d));',
    '  let rest = x - guess * d;',
    '  let q = guess + select(0, -1, rest < 0) + select(0, 1, rest >= d);',
    '  return vec2<i32>(q, x - q * d);',
    '}',
  ].join('\n');
}

/**
 * `fn name(index: i32) -> vec3<i32>`: the (A, B, output) offsets of position `index` in a group
 * of `count` loops stored from slot `first`, outer to inner; the innermost varies fastest.
 * Uses `split`.
 */
export function offsetFunction(name: string, first: number, count: number): string {
  const lines = [`fn ${name}(index: i32) -> vec3<i32> {`];
  if (count === 0) {
    lines.push('  return vec3<i32>(0);');
  } else if (count === 1) {
    lines.push(`  return index * params.v[${first}].yzw;`);
  } else {
    lines.push('  var rest = index;', '  var offset = vec3<i32>(0);');
    for (let slot = first + count - 1; slot > first; slot--) {
      lines.push(`  { let l = params.v[${slot}]; let qr = split(rest, l.x); offset += qr.y * l.yzw; rest = qr.x; }`);
    }
    lines.push(`  offset += rest * params.v[${first}].yzw;`, '  return offset;');
  }
  lines.push('}');
  return lines.join('\n');
}

/** WGSL type and swizzle of `count` guard positions (1 to 4), and the test that all lie in [0, limit). */
export function guardType(count: number): { type: string; swizzle: string; inside: (g: string, limit: string) => string } {
  const swizzle = ['x', 'xy', 'xyz', 'xyzw'][count - 1]!;
  // Unsigned comparison tests 0 <= g < limit at once: a negative g wraps to a huge value.
  return count === 1
    ? { type: 'i32', swizzle, inside: (g, limit) => `u32(${g}) < u32(${limit})` }
    : { type: `vec${count}<i32>`, swizzle, inside: (g, limit) => `all(vec${count}<u32>(${g}) < vec${count}<u32>(${limit}))` };
}

/** What a guarded offset function returns: the (A, B, output) offsets and the guard positions. */
export function positionStruct(guards: number): string {
  return `struct Position { p: vec3<i32>, g: ${guardType(guards).type} }`;
}

/**
 * As offsetFunction, for loops that also move `guards` guards: each loop takes two slots,
 * (extent, a, b, out) then its guard deltas. Returns a Position.
 */
export function guardedOffsetFunction(name: string, first: number, count: number, guards: number): string {
  const { type, swizzle } = guardType(guards);
  const lines = [`fn ${name}(index: i32) -> Position {`, '  var rest = index;', '  var p = vec3<i32>(0);', `  var g = ${type}(0);`];
  for (let loop = count - 1; loop >= 0; loop--) {
    const slot = first + 2 * loop;
    lines.push(loop > 0
      ? `  { let l = params.v[${slot}]; let qr = split(rest, l.x); p += qr.y * l.yzw; g += qr.y * params.v[${slot + 1}].${swizzle}; rest = qr.x; }`
      : `  p += rest * params.v[${slot}].yzw;\n  g += rest * params.v[${slot + 1}].${swizzle};`);
  }
  lines.push('  return Position(p, g);', '}');
  return lines.join('\n');
}

/** Loops as (extent, a, b, out) slots, each followed by its guard deltas when `guarded`. */
export function packLoopSlots(loops: readonly Loop[], guarded: boolean): number[][] {
  return loops.flatMap((loop) => {
    const slot = [loop.extent, loop.a, loop.b, loop.out];
    return guarded ? [slot, [0, 1, 2, 3].map((g) => loop.guards[g] ?? 0)] : [slot];
  });
}
