/**
 * Design numbers of a tensorial layer (docs/semantics.md section 3): how many parameters its
 * factors hold against the dense kernel they stand for. The data operands are the layer's inputs;
 * every other operand is a factor. The dense kernel is the tensor the rebuilt-kernel baseline
 * builds by contracting all factors, so its size and the MACs of applying it are read from that
 * plan, not derived by a second rule.
 */
import { elementCount } from './summary.js';
import type { TreeDescription } from './tree.js';

export interface DesignNumbers {
  /** Elements of the factors that need a gradient (`weight`). */
  readonly params: number;
  /** Elements of the factors that need none (`const`). */
  readonly constElements: number;
  /** Elements of the dense kernel; null without a rebuilt-kernel baseline (no data operand, or no factor). */
  readonly denseParams: number | null;
  /** params / denseParams. */
  readonly compression: number | null;
  /** MACs of one pass with the dense kernel: the rebuilt-kernel plan's last step. */
  readonly denseMacs: number | null;
}

export function designNumbers(
  shapes: readonly (readonly number[])[],
  dataOperands: readonly number[],
  requiresGrad: readonly boolean[] | undefined,
  rebuilt: TreeDescription | null,
): DesignNumbers {
  const factors = shapes.map((_, k) => k).filter((k) => !dataOperands.includes(k));
  const elementsOf = (operands: readonly number[]) => operands.reduce((total, k) => total + elementCount(shapes[k]!), 0);
  const params = elementsOf(factors.filter((k) => requiresGrad?.[k] ?? true));
  const constElements = elementsOf(factors.filter((k) => !(requiresGrad?.[k] ?? true)));
  const denseParams = rebuilt ? kernelElements(shapes, factors, rebuilt) : null;
  return {
    params,
    constElements,
    denseParams,
    compression: denseParams ? params / denseParams : null,
    denseMacs: rebuilt ? rebuilt.steps.at(-1)!.macs : null,
  };
}

/** The kernel is the step of the rebuilt plan over exactly the factors, or the one factor itself. */
function kernelElements(shapes: readonly (readonly number[])[], factors: readonly number[], rebuilt: TreeDescription): number {
  if (factors.length === 1) return elementCount(shapes[factors[0]!]!);
  const kernel = rebuilt.steps.find((step) => step.operands.length === factors.length && factors.every((k) => step.operands.includes(k)));
  if (!kernel) throw new Error('the rebuilt-kernel plan has no step over exactly the factors');
  return elementCount(kernel.outputShape);
}
