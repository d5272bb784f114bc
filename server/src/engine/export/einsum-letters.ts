/**
 * Single letters for the index names of one step, as torch.einsum wants them: an index whose
 * name is one letter keeps it where it can; longer names (`t1`, `r0`) and the window indices the
 * general convolution form adds take the free letters in order.
 */
import type { PlanStep } from '../plan.js';

const LETTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'];

/** An expression that cannot be written as PyTorch code; the message says why. */
export class ExportError extends Error {
  override name = 'ExportError';
}

export class EinsumLetters {
  private readonly byName = new Map<string, string>();
  private readonly free: string[];

  /** Letters for every index of `step`, plus `extra` more for window indices. */
  constructor(step: PlanStep, extra: number) {
    const names = step.axes.map((axis) => axis.name);
    const needed = names.length + extra;
    if (needed > LETTERS.length) {
      throw new ExportError(`step ${step.spec} needs ${needed} distinct einsum letters (${names.length} indices, ${extra} convolution windows); torch.einsum takes at most ${LETTERS.length}`);
    }
    const own = new Set(names.filter((name) => LETTERS.includes(name)));
    for (const name of own) this.byName.set(name, name);
    this.free = LETTERS.filter((letter) => !own.has(letter));
    for (const name of names) if (!this.byName.has(name)) this.byName.set(name, this.free.shift()!);
  }

  of(name: string): string {
    const letter = this.byName.get(name);
    if (letter === undefined) throw new Error(`index ${name} has no einsum letter`);
    return letter;
  }

  /** A letter no index of the step uses. */
  fresh(): string {
    const letter = this.free.shift();
    if (letter === undefined) throw new Error('out of einsum letters');
    return letter;
  }
}
