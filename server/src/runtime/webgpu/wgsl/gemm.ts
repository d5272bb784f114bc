/**
 * The GEMM kernel: out[batch, m, n] = sum_k A[batch, m, k] * B[batch, k, n], where each of
 * batch, m, n, k is a group of loops (layout.ts), so the same kernel runs plain and batched
 * matrix products and convolutions as implicit GEMM (the feature gathered through its offsets).
 *
 * A workgroup computes a TM x TN tile of one batch entry; each invocation accumulates an
 * RM x RN register block (rows ty, ty + TM/RM, ..., columns tx, tx + TN/RN, ...), so every
 * value it reads is reused RN or RM times from registers. Two ways to feed it:
 * - staged (GPUs): per K-tile the workgroup copies TM x TK of A and TK x TN of B into
 *   workgroup memory, then every invocation reads from there;
 * - unstaged (CPU-backed adapters such as llvmpipe, where workgroup memory is ordinary memory
 *   behind a barrier and the caches already do the staging): invocations read A and B as they go.
 * Rows and columns past the edge read a clamped neighbour and are not written; in the staged
 * form k past the end reads zero. With guards (step-nest.ts), every load of A and B goes
 * through them: zero outside a zero padding, moved back inside by the other modes.
 */
import { extentOf, type GemmLayout } from '../layout.js';
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
  type GuardReads,
  type KernelSource,
} from './common.js';

export interface GemmTiles {
  readonly tm: number;
  readonly tn: number;
  /** K-tile of the staged form. */
  readonly tk: number;
  /** Register block per invocation. */
  readonly rm: number;
  readonly rn: number;
  readonly staged: boolean;
}

export function invocationsOf(tiles: GemmTiles): number {
  return (tiles.tm / tiles.rm) * (tiles.tn / tiles.rn);
}

export function workgroupBytesOf(tiles: GemmTiles): number {
  return tiles.staged ? (tiles.tm + tiles.tn) * tiles.tk * 4 : 0;
}

const HEADER_SLOTS = 2;

export function gemmKernel(nest: StepNest, layout: GemmLayout, tiles: GemmTiles): KernelSource {
  const { tm, tn, rm, rn } = tiles;
  const guard = nest.guards.length > 0 ? guardReads(nest.guards) : null;
  const perLoop = guard ? 2 : 1;
  // With guards, offset functions return a Position (offsets p, guard positions g).
  const at = guard ? '.p' : '';
  const threads = invocationsOf(tiles);
  const [M, N, K, batches] = [extentOf(layout.m), extentOf(layout.n), extentOf(layout.k), extentOf(layout.batch)];
  const workgroups = Math.ceil(M / tm) * Math.ceil(N / tn) * batches;

  const groups = [layout.batch, layout.m, layout.n, layout.k];
  const firsts: number[] = [];
  const guardSlots = GRID_SLOTS + HEADER_SLOTS;
  let slot = guardSlots + (guard ? 3 : 0);
  for (const group of groups) {
    firsts.push(slot);
    slot += perLoop * group.length;
  }
  const offsets = (name: string, group: number) => (guard ? guardedOffsetFunction(name, firsts[group]!, groups[group]!.length, nest.guards.length) : offsetFunction(name, firsts[group]!, groups[group]!.length));
  const rowStep = tm / rm;
  const columnStep = tn / rn;
  const rows = range(rm).map((i) => `m0 + ty + ${i * rowStep}`);
  const columns = range(rn).map((j) => `n0 + tx + ${j * columnStep}`);

  const lines = [
    paramsDeclaration(slot),
    bindingsDeclaration(2),
    splitFunction(Math.max(M, N, K, batches)),
    ...(guard ? [...guard.functions, positionStruct(nest.guards.length)] : []),
    offsets('batchOffsets', 0),
    offsets('mOffsets', 1),
    offsets('nOffsets', 2),
    offsets('kOffsets', 3),
    ...(tiles.staged ? [`var<workgroup> tileA: array<f32, ${tiles.tk * tm}>;`, `var<workgroup> tileB: array<f32, ${tiles.tk * tn}>;`] : []),
    '',
    `@compute @workgroup_size(${threads})`,
    'fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lane32: u32) {',
    `  let tile = ${LINEAR_WORKGROUP};`,
    `  if (tile >= params.v[${GRID_SLOTS}].z) { return; }`,
    `  let M = params.v[${GRID_SLOTS + 1}].x;`,
    `  let N = params.v[${GRID_SLOTS + 1}].y;`,
    `  let K = params.v[${GRID_SLOTS + 1}].z;`,
    `  let tilesN = (N + ${tn - 1}) / ${tn};`,
    `  let tilesM = (M + ${tm - 1}) / ${tm};`,
    `  let m0 = ((tile / tilesN) % tilesM) * ${tm};`,
    `  let n0 = (tile % tilesN) * ${tn};`,
    `  let batchAt = batchOffsets(tile / (tilesN * tilesM));`,
    `  let base = batchAt${at} + vec3<i32>(params.v[${GRID_SLOTS}].xy, 0);`,
    ...(guard
      ? [
          `  let guardBase = batchAt.g + params.v[${guardSlots}].${guard.swizzle};`,
          `  let limit = params.v[${guardSlots + 1}].${guard.swizzle};`,
          `  let strides = params.v[${guardSlots + 2}].${guard.swizzle};`,
        ]
      : []),
    '  let lane = i32(lane32);',
    `  let tx = lane % ${columnStep};`,
    `  let ty = lane / ${columnStep};`,
    ...range(rm).flatMap((i) => range(rn).map((j) => `  var c${i}_${j} = 0.0;`)),
    ...(tiles.staged ? stagedProduct(tiles, threads, guard) : unstagedProduct(rows, columns, guard)),
    ...range(rn).map((j) => `  let columnOffset${j} = nOffsets(min(${columns[j]}, N - 1))${at}.z;`),
    ...range(rm).flatMap((i) => [
      `  if (${rows[i]} < M) {`,
      `    let rowOffset = base.z + mOffsets(${rows[i]})${at}.z;`,
      ...range(rn).map((j) => `    if (${columns[j]} < N) { out[rowOffset + columnOffset${j}] = c${i}_${j}; }`),
      '  }',
    ]),
    '}',
  ];

  const header = [nest.baseA, nest.baseB, workgroups, 0];
  const sizes = [M, N, K, 0];
  const guardHeader = guard ? [nest.guards.map((g) => g.base), nest.guards.map((g) => g.limit), nest.guards.map((g) => g.stride)] : [];
  return {
    label: `gemm ${tm}x${tn}${tiles.staged ? `x${tiles.tk} staged` : ''}/${rm}x${rn} ${groups.map((g) => g.length).join('.')}${guardsLabel(nest.guards)}`,
    source: lines.join('\n'),
    workgroupSize: threads,
    workgroups,
    params: packSlots([header, sizes, ...guardHeader, ...packLoopSlots(groups.flat(), guard !== null)]),
    inputs: 2,
  };
}

/**
 * A read of `input` at `offset` through the guards at positions `g`: zero outside a zero
 * padding, moved back inside by the other modes (step-nest.ts), as `var name`.
 */
function guardedRead(name: string, input: 0 | 1, offset: string, g: string, guard: GuardReads, indent: string): string {
  const array = input === 0 ? 'a' : 'b';
  const shift = guard.shift(input, g, 'limit', 'strides');
  const read = `${array}[${offset}${shift ? ` + ${shift}` : ''}]`;
  const inside = guard.inside(g, 'limit', input);
  return inside ? `${indent}var ${name} = 0.0; if (${inside}) { ${name} = ${read}; }` : `${indent}let ${name} = ${read};`;
}

/** Each invocation reads its rows of A and columns of B straight from memory, one k at a time. */
function unstagedProduct(rows: readonly string[], columns: readonly string[], guard: GuardReads | null): string[] {
  if (guard) {
    return [
      ...rows.flatMap((row, i) => [`  let rowAt${i} = mOffsets(min(${row}, M - 1));`, `  let rowA${i} = base.x + rowAt${i}.p.x;`, `  let rowG${i} = guardBase + rowAt${i}.g;`]),
      ...columns.flatMap((column, j) => [`  let columnAt${j} = nOffsets(min(${column}, N - 1));`, `  let columnB${j} = base.y + columnAt${j}.p.y;`, `  let columnG${j} = guardBase + columnAt${j}.g;`]),
      '  for (var k = 0; k < K; k++) {',
      '    let along = kOffsets(k);',
      ...rows.map((_, i) => guardedRead(`a${i}`, 0, `rowA${i} + along.p.x`, `rowG${i} + along.g`, guard, '    ')),
      ...columns.map((_, j) => guardedRead(`b${j}`, 1, `columnB${j} + along.p.y`, `columnG${j} + along.g`, guard, '    ')),
      ...fmas(rows.length, columns.length, '    '),
      '  }',
    ];
  }
  return [
    ...rows.map((row, i) => `  let rowA${i} = base.x + mOffsets(min(${row}, M - 1)).x;`),
    ...columns.map((column, j) => `  let columnB${j} = base.y + nOffsets(min(${column}, N - 1)).y;`),
    '  for (var k = 0; k < K; k++) {',
    '    let along = kOffsets(k);',
    ...rows.map((_, i) => `    let a${i} = a[rowA${i} + along.x];`),
    ...columns.map((_, j) => `    let b${j} = b[columnB${j} + along.y];`),
    ...fmas(rows.length, columns.length, '    '),
    '  }',
  ];
}

/** The workgroup stages a K-tile of A and B in workgroup memory, then each invocation reads from there. */
function stagedProduct(tiles: GemmTiles, threads: number, guard: GuardReads | null): string[] {
  const { tm, tn, tk, rm, rn } = tiles;
  const rowStep = tm / rm;
  const columnStep = tn / rn;
  return [
    ...stagingSetup('a', 'm', tm, tk, threads, guard !== null),
    ...stagingSetup('b', 'n', tn, tk, threads, guard !== null),
    `  for (var k0 = 0; k0 < K; k0 += ${tk}) {`,
    ...staging('a', 'x', tm * tk, threads, guard),
    ...staging('b', 'y', tn * tk, threads, guard),
    '    workgroupBarrier();',
    `    for (var kk = 0; kk < ${tk}; kk++) {`,
    ...range(rm).map((i) => `      let a${i} = tileA[kk * ${tm} + ty + ${i * rowStep}];`),
    ...range(rn).map((j) => `      let b${j} = tileB[kk * ${tn} + tx + ${j * columnStep}];`),
    ...fmas(rm, rn, '      '),
    '    }',
    '    workgroupBarrier();',
    '  }',
  ];
}

function fmas(rm: number, rn: number, indent: string): string[] {
  return range(rm).flatMap((i) => range(rn).map((j) => `${indent}c${i}_${j} = fma(a${i}, b${j}, c${i}_${j});`));
}

/**
 * Per staged element s of this invocation: its place in the tile, its row (m or n) offset and
 * whether the row exists, and its k within the tile. These do not change across K-tiles.
 * Neighbouring invocations take neighbouring rows, tile element e = row + rows * k.
 */
function stagingSetup(operand: 'a' | 'b', row: 'm' | 'n', rows: number, tk: number, threads: number, guarded: boolean): string[] {
  const size = row === 'm' ? 'M' : 'N';
  const component = operand === 'a' ? 'x' : 'y';
  return range(Math.ceil((rows * tk) / threads)).flatMap((s) => {
    const name = `${operand}${s}`;
    return [
      `  let ${name}At = lane + ${s * threads};`,
      `  let ${name}Row = ${row}0 + ${name}At % ${rows};`,
      `  let ${name}K = ${name}At / ${rows};`,
      `  let ${name}Ok = ${name}Row < ${size};`,
      ...(guarded
        ? [
            `  let ${name}Position = ${row}Offsets(min(${name}Row, ${size} - 1));`,
            `  let ${name}Offset = base.${component} + ${name}Position.p.${component};`,
            `  let ${name}G = guardBase + ${name}Position.g;`,
          ]
        : [`  let ${name}Offset = base.${component} + ${row}Offsets(min(${name}Row, ${size} - 1)).${component};`]),
    ];
  });
}

function staging(operand: 'a' | 'b', component: 'x' | 'y', elements: number, threads: number, guard: GuardReads | null): string[] {
  const tile = operand === 'a' ? 'tileA' : 'tileB';
  const input = operand === 'a' ? 0 : 1;
  return range(Math.ceil(elements / threads)).flatMap((s) => {
    const name = `${operand}${s}`;
    const store = `${tile}[${name}At] = v;`;
    const read = guard
      ? `{ let along = kOffsets(k); ${guardedRead('g', input, `${name}Offset + along.p.${component}`, `${name}G + along.g`, guard, '')} v = g; }`
      : `{ v = ${operand}[${name}Offset + kOffsets(k).${component}]; }`;
    // When the tile does not divide evenly among the invocations, the last round is partial.
    return [
      `    { let k = k0 + ${name}K; var v = 0.0;`,
      `      if (${name}Ok && k < K) ${read}`,
      (s + 1) * threads > elements ? `      if (${name}At < ${elements}) { ${store} } }` : `      ${store} }`,
    ];
  });
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
