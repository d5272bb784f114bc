/**
 * A neutral description of the layers and networks to export: what the language side (a typed
 * .cein document) hands to the PyTorch generator, with no Langium types in it.
 */
import type { Plan } from '../plan.js';

/**
 * What an operand of a layer is: a trained factor (`weight`), a fixed one (`const`), data given
 * to the forward (`input`) or the output of another layer (`layer-output`).
 */
export type TorchOperandRole = 'weight' | 'const' | 'input' | 'layer-output';

export interface TorchOperand {
  /** The tensor's name in the source: a declared tensor, or the output name of a layer. */
  readonly name: string;
  readonly role: TorchOperandRole;
  /** The declared shape (a layer output: the shape the engine gives that layer's output). */
  readonly shape: readonly number[];
}

export interface TorchLayer {
  /** The layer's name, e.g. `cp`; the module class is named after it. */
  readonly name: string;
  /** The name of the layer's output tensor, e.g. `Y`. */
  readonly output: string;
  /** The layer's plan: its steps are the module's forward. */
  readonly plan: Plan;
  /** One per operand of the expression, in order. */
  readonly operands: readonly TorchOperand[];
  /** The layer as written, quoted in the module's docstring. */
  readonly source?: string;
}

export interface TorchNetwork {
  readonly name: string;
  /** Positions in TorchProgram.layers of the network's layers, in the order they run. */
  readonly layers: readonly number[];
  /**
   * The forward's arguments, by tensor name: the network's inputs, then any other input or
   * outside layer output its layers use. Every other data operand is an output of an earlier
   * layer of the network, passed on by name (the latest layer with that output name).
   */
  readonly inputs: readonly string[];
  /** The tensor the forward returns: the last layer's output. */
  readonly output: string;
}

export interface TorchProgram {
  /** Where the program comes from, for the file's docstring (e.g. the .cein file's name). */
  readonly origin?: string;
  /** Every layer with a module: the top-level layers asked for, and the layers of each network. */
  readonly layers: readonly TorchLayer[];
  readonly networks: readonly TorchNetwork[];
}
