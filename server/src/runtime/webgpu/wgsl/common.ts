/**
 * WGSL pieces every kernel shares: the parameter block, the linear workgroup id, and offset
 * functions generated from a group of loops.
 *
 * Parameters are one uniform array of vec4<i32>. Slot 0 is the dispatch grid (x, y, workgroup
 * count, unused), written by whoever dispatches; a kernel's own header slots follow, then its
 * loops, one vec4 each: (extent, delta in A, delta in B, delta in the output). Extents and
 * deltas are data, so one compiled kernel serves every step with the same loop structure.
 */
import type { PaddingMode } from '../../../engine/options.js';
import type { Guard, Loop } from '../step-nest.js';

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

/**
 * How a kernel reads through its guards (step-nest.ts): the test that every zero-padding guard
 * lies inside, and per input the shift that moves a read outside back inside by the other
 * guards' modes. Both are generated from the modes alone; limits and strides are parameters.
 */
export interface GuardReads {
  readonly type: string;
  readonly swizzle: string;
  /** WGSL functions the shifts call. */
  readonly functions: readonly string[];
  /** The test that the zero-padding guards among `g` (those of `input` when given) lie in [0, limit), or null when none pads with zeros. */
  inside(g: string, limit: string, input?: 0 | 1): string | null;
  /** What to add to a read offset of `input` at guard positions `g`, or null when no guard of that input maps reads. */
  shift(input: 0 | 1, g: string, limit: string, strides: string): string | null;
}

/**
 * Mode maps from a position i, within the padding of an axis of n, to the position it reads,
 * as in docs/semantics.md section 2: reflect mirrors without repeating the edge, circular wraps
 * once (padding of at most n), replicate repeats the edge. Positions past the padding (reads
 * a kernel makes but never writes, e.g. a window's tail) are clamped into the axis.
 */
const MODE_MAPS: Record<Exclude<PaddingMode, 'zeros'>, { name: string; source: string }> = {
  reflect: { name: 'reflected', source: 'fn reflected(i: i32, n: i32) -> i32 { let r = abs(i); return clamp(select(r, 2 * (n - 1) - r, r >= n), 0, n - 1); }' },
  circular: { name: 'wrapped', source: 'fn wrapped(i: i32, n: i32) -> i32 { return clamp(select(select(i, i - n, i >= n), i + n, i < 0), 0, n - 1); }' },
  replicate: { name: 'replicated', source: 'fn replicated(i: i32, n: i32) -> i32 { return clamp(i, 0, n - 1); }' },
};

export function guardReads(guards: readonly Guard[]): GuardReads {
  const { type, swizzle, inside } = guardType(guards.length);
  const component = (v: string, i: number) => (guards.length === 1 ? `(${v})` : `(${v}).${'xyzw'[i]}`);
  const zerosOf = (input?: 0 | 1) => guards.flatMap((guard, i) => (guard.mode === 'zeros' && (input === undefined || guard.input === input) ? ['xyzw'[i]!] : []));
  const modes = [...new Set(guards.flatMap((guard) => (guard.mode === 'zeros' ? [] : [guard.mode])))];
  return {
    type,
    swizzle,
    functions: modes.map((mode) => MODE_MAPS[mode].source),
    inside: (g, limit, input) => {
      const zeros = zerosOf(input);
      if (zeros.length === 0) return null;
      if (zeros.length === guards.length) return inside(g, limit);
      const only = zeros.join('');
      return guardType(zeros.length).inside(`(${g}).${only}`, `(${limit}).${only}`);
    },
    shift: (input, g, limit, strides) => {
      const terms = guards.flatMap((guard, i) => {
        if (guard.input !== input || guard.mode === 'zeros') return [];
        const at = component(g, i);
        return [`(${MODE_MAPS[guard.mode].name}(${at}, ${component(limit, i)}) - ${at}) * ${component(strides, i)}`];
      });
      return terms.length === 0 ? null : terms.join(' + ');
    },
  };
}

/** How a kernel's label names its guards: ", 2 guarded (zeros,reflect)", or nothing. */
export function guardsLabel(guards: readonly Guard[]): string {
  return guards.length === 0 ? '' : `, ${guards.length} guarded (${guards.map((g) => g.mode).join(',')})`;
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
