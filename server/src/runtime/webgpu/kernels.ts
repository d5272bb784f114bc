/**
 * Which kernels run a plan step: the step itself as a tiled GEMM when it is a product big
 * enough along m, n and k to fill tiles; a convolution step too thin for that (depthwise,
 * small-channel) with the tiled convolution kernel, blocked along an output loop the filter
 * does not move along; otherwise with one invocation per output element. Tile sizes follow the
 * device's limits.
 *
 * Padding (step-nest.ts) is read by the step's kernel, every mode through its index map, so a
 * padded step is one dispatch and no padded copy, where that is cheaper than a padding kernel
 * first: always for the tiled convolution and per-output kernels, which load each padded value
 * once per filter tap; for the GEMM while it loads each value at most twice per tap, i.e. the
 * other operand's side of the output fits two register blocks (unstaged) or tiles (staged). Past
 * that the GEMM loads each value again per block of columns, each load paying for the index map
 * again, while the copy costs one pass whatever the reuse. On llvmpipe (unstaged, 8-wide blocks),
 * a 3x3 conv2d on an idle machine ran 1.16-1.60x faster fused at 8 channels and 1.19-1.36x at 16,
 * 1.03-1.06x at 32 (a wash) and 0.95-0.96x at 64 (bench:runtime, "padding fused into the step"). The
 * staged rule follows the same reasoning, not measured on a GPU.
 */
import type { PlanStep } from '../../engine/plan.js';
import { extentOf, gemmLayout, perOutputLayout, prefersSwap, swapInputs } from './layout.js';
import { stepNest, virtualPaddedAxes, type StepNest } from './step-nest.js';
import type { KernelSource, Spread } from './wgsl/common.js';
import { blockedLoop, convTiledKernel } from './wgsl/conv-tiled.js';
import { perOutputKernel } from './wgsl/per-output.js';
import { gemmKernel, invocationsOf, workgroupBytesOf, type GemmTiles } from './wgsl/gemm.js';
import { padKernel } from './wgsl/pad.js';

/** 'conv-tiled' forces the tiled convolution kernel on every two-input step it can run (others run per output). */
export type KernelChoice = 'auto' | 'per-output' | 'gemm' | 'conv-tiled';

export interface DeviceShape {
  /** A CPU-backed adapter (llvmpipe and the like). */
  readonly software: boolean;
  readonly maxInvocations: number;
  readonly maxWorkgroupSizeX: number;
  readonly maxWorkgroupBytes: number;
}

/** Padding read by the step's kernel where cheaper ('auto'), always ('fused'), or from a padded copy ('copied'). */
export type PaddingChoice = 'auto' | 'fused' | 'copied';

export interface KernelOptions {
  readonly choice?: KernelChoice;
  /** Stage GEMM tiles through workgroup memory (default: on hardware adapters). */
  readonly staged?: boolean;
  readonly padding?: PaddingChoice;
}

export interface StepKernels {
  /** Per input: the kernel padding it, or null when the input is read as is. */
  readonly pads: readonly (KernelSource | null)[];
  readonly main: KernelSource;
  /** Whether the main kernel binds the step's inputs in reverse order. */
  readonly swapped: boolean;
  /** Per input: the shape of its padded copy, or null when none. */
  readonly paddedShapes: readonly (readonly number[] | null)[];
}

/** Below these extents a GEMM tile would be mostly empty, and the per-output kernel is faster. */
const GEMM_MIN = { m: 8, n: 8, k: 8 };

export function stepKernels(step: PlanStep, device: DeviceShape, options: KernelOptions = {}): StepKernels {
  const { choice = 'auto', staged, padding = 'auto' } = options;
  const withCopies = stepNest(step);
  const gemm = usesGemm(withCopies, choice);
  const virtual = padding !== 'copied' && virtualPaddedAxes(step).length > 0 ? stepNest(step, { virtualPadding: true }) : null;
  const fused = virtual !== null && (padding === 'fused' || !gemm || gemmLoadsAtMostTwice(virtual, device, staged));
  const reading = fused ? virtual : withCopies;
  const pads = reading.pads.map((pads, input) => (pads.length > 0 ? padKernel(step.inputShapes[input]!, pads, spreadFor(device)) : null));
  const paddedShapes = reading.pads.map((pads, input) => (pads.length > 0 ? reading.readShapes[input]! : null));
  const tiled = !gemm && reading.operands === 2 && (choice === 'conv-tiled' || (choice === 'auto' && hasConvolution(step)));
  let swapped = prefersSwap(reading);
  // The tiled kernel blocks along a loop the filter (B) does not move along: swap when only A's loops qualify.
  if (tiled && blockedLoop(perOutputLayout(swapped ? swapInputs(reading) : reading)) === null) {
    if (blockedLoop(perOutputLayout(swapped ? reading : swapInputs(reading))) !== null) swapped = !swapped;
  }
  const nest = swapped ? swapInputs(reading) : reading;
  const main = gemm ? tiledGemm(nest, device, staged) : gatheredKernel(nest, device, tiled);
  return { pads, main, swapped, paddedShapes };
}

/** A step the GEMM does not run: tiled along a convolution's output positions where it can be, else per output. */
function gatheredKernel(nest: StepNest, device: DeviceShape, tiled: boolean): KernelSource {
  const layout = perOutputLayout(nest);
  const blocked = tiled ? blockedLoop(layout) : null;
  return blocked === null ? perOutputKernel(nest, layout, spreadFor(device)) : convTiledKernel(nest, layout, blocked, blockSpreadFor(device));
}

/**
 * Whether the GEMM loads each value of every virtually padded input at most twice per filter
 * tap: the output's extent on the other operand's side fits two register blocks (unstaged: each
 * column of invocations reads each row of A once) or two tiles (staged: each workgroup stages it once).
 */
function gemmLoadsAtMostTwice(nest: StepNest, device: DeviceShape, staged: boolean | undefined): boolean {
  const oriented = prefersSwap(nest) ? swapInputs(nest) : nest;
  const layout = gemmLayout(oriented);
  const [m, n] = [extentOf(layout.m), extentOf(layout.n)];
  const tiles = chooseTiles(m, n, device, staged);
  const block = { a: tiles.staged ? tiles.tn : tiles.rn, b: tiles.staged ? tiles.tm : tiles.rm };
  return oriented.guards.every((guard) => (guard.input === 0 ? n <= 2 * block.a : m <= 2 * block.b));
}

function hasConvolution(step: PlanStep): boolean {
  return step.axes.some((axis) => axis.role !== 'plain');
}

function tiledGemm(nest: StepNest, device: DeviceShape, staged: boolean | undefined): KernelSource {
  const layout = gemmLayout(nest);
  return gemmKernel(nest, layout, chooseTiles(extentOf(layout.m), extentOf(layout.n), device, staged));
}

function usesGemm(nest: StepNest, choice: KernelChoice): boolean {
  if (nest.operands !== 2 || choice === 'per-output') return false;
  if (choice === 'gemm') return true;
  const layout = gemmLayout(nest);
  return extentOf(layout.m) >= GEMM_MIN.m && extentOf(layout.n) >= GEMM_MIN.n && extentOf(layout.k) >= GEMM_MIN.k;
}

/** Tiles for the device: staged through workgroup memory on GPUs, read directly on CPU-backed adapters. */
export function chooseTiles(m: number, n: number, device: DeviceShape, staged = !device.software): GemmTiles {
  const tiles = staged ? stagedTiles(m, n, device) : unstagedTiles(m, n, device);
  if (invocationsOf(tiles) > invocationLimit(device) || workgroupBytesOf(tiles) > device.maxWorkgroupBytes) {
    throw new Error(`the device's compute limits (${invocationLimit(device)} invocations, ${device.maxWorkgroupBytes} bytes of workgroup memory) are below what the smallest GEMM tile needs`);
  }
  return tiles;
}

/**
 * Square-ish tiles no larger than the problem (16, 32 or 64 per side), a 4x4 register block
 * grown to 8 along a side while the workgroup would exceed the invocation limit, and a K-tile
 * of 16 halved while the staged tiles exceed workgroup memory.
 */
function stagedTiles(m: number, n: number, device: DeviceShape): GemmTiles {
  const side = (extent: number) => (extent >= 48 ? 64 : extent >= 24 ? 32 : 16);
  let tiles: GemmTiles = { tm: side(m), tn: side(n), tk: 16, rm: 4, rn: 4, staged: true };
  const limit = invocationLimit(device);
  while (invocationsOf(tiles) > limit && (tiles.rm < 8 || tiles.rn < 8)) {
    tiles = tiles.rm <= tiles.rn ? { ...tiles, rm: tiles.rm * 2 } : { ...tiles, rn: tiles.rn * 2 };
  }
  while (invocationsOf(tiles) > limit && (tiles.tm > tiles.rm || tiles.tn > tiles.rn)) {
    tiles = tiles.tm / tiles.rm >= tiles.tn / tiles.rn ? { ...tiles, tm: tiles.tm / 2 } : { ...tiles, tn: tiles.tn / 2 };
  }
  while (workgroupBytesOf(tiles) > device.maxWorkgroupBytes && tiles.tk > 1) tiles = { ...tiles, tk: tiles.tk / 2 };
  return tiles;
}

/**
 * Small workgroups of 16 invocations (two 256-bit vectors on llvmpipe, which pays per workgroup
 * and per vector in it; 16 measured best for skinny products, as fast as 8 for square ones),
 * each an 8x8 register block (smaller when the problem is), laid out to cover n first.
 */
function unstagedTiles(m: number, n: number, device: DeviceShape): GemmTiles {
  const rm = Math.min(8, powerOfTwoAtLeast(m));
  const rn = Math.min(8, powerOfTwoAtLeast(n));
  const lanes = Math.min(UNSTAGED_LANES, invocationLimit(device));
  const columns = Math.min(lanes, powerOfTwoAtLeast(Math.ceil(n / rn)));
  return { tm: (lanes / columns) * rm, tn: columns * rn, tk: 0, rm, rn, staged: false };
}

const UNSTAGED_LANES = 16;

function powerOfTwoAtLeast(x: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, x)));
}

function invocationLimit(device: DeviceShape): number {
  return Math.min(device.maxInvocations, device.maxWorkgroupSizeX);
}

/** The tiled convolution kernel: each invocation a block of outputs; on CPU rasterizers one 8-lane vector taking 16 blocks per lane. */
function blockSpreadFor(device: DeviceShape): Spread {
  const limit = invocationLimit(device);
  return device.software ? { workgroupSize: Math.min(8, limit), perInvocation: 16 } : { workgroupSize: Math.min(64, limit), perInvocation: 1 };
}

/** Elementwise kernels: 64-invocation workgroups on GPUs; one 8-lane vector taking 32 elements per lane on CPU rasterizers. */
function spreadFor(device: DeviceShape): Spread {
  const limit = invocationLimit(device);
  return device.software ? { workgroupSize: Math.min(8, limit), perInvocation: 32 } : { workgroupSize: Math.min(64, limit), perInvocation: 1 };
}
