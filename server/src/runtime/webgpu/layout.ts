/**
 * How a step's loops map onto a kernel's index space.
 *
 * Every step is a batched, gathered matrix product: out[batch, m, n] = sum_k A[..] * B[..],
 * where each of batch, m, n and k is a group of loops. Output loops that move A and B are batch
 * loops, those that move only A are M, only B are N; loops the output does not move along are
 * K. A convolution is the same thing with the feature moving along an output loop and a K loop
 * at once (implicit GEMM). Within a group loops are ordered outer to inner and merged where
 * they are really one loop, which turns most steps into plain matrix products.
 */
import type { Loop, StepNest } from './step-nest.js';

export interface GemmLayout {
  readonly batch: readonly Loop[];
  readonly m: readonly Loop[];
  readonly n: readonly Loop[];
  readonly k: readonly Loop[];
}

/** Output loops in the output's storage order (outer to inner) and the summed loops. */
export interface PerOutputLayout {
  readonly out: readonly Loop[];
  readonly k: readonly Loop[];
}

export function extentOf(loops: readonly Loop[]): number {
  return loops.reduce((product, loop) => product * loop.extent, 1);
}

export function perOutputLayout(nest: StepNest): PerOutputLayout {
  const loops = nest.loops.filter((loop) => loop.extent > 1);
  return {
    out: merge(sortBy(loops.filter((l) => l.out !== 0), (l) => Math.abs(l.out))),
    k: merge(sortBy(loops.filter((l) => l.out === 0), (l) => Math.abs(l.a) + Math.abs(l.b))),
  };
}

export function gemmLayout(nest: StepNest): GemmLayout {
  const loops = nest.loops.filter((loop) => loop.extent > 1);
  const out = loops.filter((l) => l.out !== 0);
  return {
    batch: merge(sortBy(out.filter((l) => (l.a !== 0 && l.b !== 0) || (l.a === 0 && l.b === 0)), (l) => Math.abs(l.out))),
    m: merge(sortBy(out.filter((l) => l.a !== 0 && l.b === 0), (l) => Math.abs(l.a))),
    n: merge(sortBy(out.filter((l) => l.a === 0 && l.b !== 0), (l) => Math.abs(l.b))),
    k: merge(sortBy(loops.filter((l) => l.out === 0), (l) => Math.abs(l.a) + Math.abs(l.b))),
  };
}

/**
 * The same nest with A and B exchanged. The GEMM kernel writes each thread's register block
 * along N fastest, so a step whose output is contiguous along an M loop runs swapped.
 */
export function swapInputs(nest: StepNest): StepNest {
  return {
    ...nest,
    pads: [...nest.pads].reverse(),
    readShapes: [...nest.readShapes].reverse(),
    baseA: nest.baseB,
    baseB: nest.baseA,
    loops: nest.loops.map((loop) => ({ ...loop, a: loop.b, b: loop.a })),
    guards: nest.guards.map((guard) => ({ ...guard, input: guard.input === 0 ? 1 : 0 })),
  };
}

/** Whether the output's innermost loop moves only A, so that swapping puts it in N. */
export function prefersSwap(nest: StepNest): boolean {
  const innermost = nest.loops.find((loop) => loop.out === 1 && loop.extent > 1);
  return nest.operands === 2 && innermost !== undefined && innermost.a !== 0 && innermost.b === 0;
}

/** Outer to inner: descending by key. */
function sortBy(loops: readonly Loop[], key: (loop: Loop) => number): Loop[] {
  return [...loops].sort((x, y) => key(y) - key(x));
}

/** Merges neighbours that step like one loop: the outer moves exactly one full sweep of the inner. */
function merge(loops: readonly Loop[]): Loop[] {
  const merged: Loop[] = [];
  for (const loop of loops) {
    const outer = merged.at(-1);
    const sweeps = (outerDelta: number, innerDelta: number) => outerDelta === innerDelta * loop.extent;
    if (outer && sweeps(outer.a, loop.a) && sweeps(outer.b, loop.b) && sweeps(outer.out, loop.out) && outer.guards.every((g, i) => sweeps(g, loop.guards[i]!))) {
      merged[merged.length - 1] = { ...loop, extent: outer.extent * loop.extent };
    } else {
      merged.push(loop);
    }
  }
  return merged;
}
