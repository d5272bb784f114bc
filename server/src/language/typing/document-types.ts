/**
 * Everything the editor knows about one parsed .cein file: the value of every size constant,
 * the shape of every tensor, and for every layer the engine's analysis of its expression with
 * the operands' shapes. Layers are typed in document order, so a layer's output shape (from the
 * engine) is known before any later layer uses it. Validators and LSP providers read from here;
 * none of them evaluates sizes or calls the engine's analysis on their own.
 */
import { parseSpec, type ParseResult } from '../../engine/notation.js';
import type { PlanOptions } from '../../engine/planner.js';
import { analyze, type AnalysisResult } from '../../engine/shapes.js';
import { ExpressionLiteral } from '../expression-literal.js';
import { isLayer, isLayerOutput, isNetwork, isSizeConstant, isTensorDeclaration, type CeinFile, type Layer, type Network, type SizeConstant, type Statement, type TensorDeclaration, type TensorSource } from '../generated/ast.js';
import { readLayerSettings, type LayerSettings } from './layer-options.js';
import { SizeEvaluator } from './sizes.js';
import type { TypingProblem } from './typing-problem.js';

/** Operands of one layer: far beyond real layers, and within what planning and its figures handle quickly. */
export const MAX_OPERANDS = 256;

export interface OperandTypes {
  /** The operand's name as written. */
  readonly name: string;
  readonly source?: TensorSource;
  readonly shape?: readonly number[];
  readonly requiresGrad: boolean;
  /** The data a layer works on, not a weight: an input tensor or an earlier layer's output. */
  readonly isData: boolean;
}

export interface LayerTypes {
  readonly layer: Layer;
  readonly literal?: ExpressionLiteral;
  /** The expression string as the engine reads it, with or without shapes. */
  readonly parsed: ParseResult;
  readonly operands: readonly OperandTypes[];
  readonly settings: LayerSettings;
  readonly planOptions: PlanOptions;
  /** The engine's analysis; present when every operand has a known shape whose rank fits its term. */
  readonly analysis?: AnalysisResult;
  readonly outputShape?: readonly number[];
  /** Whether the output carries a gradient: some operand requires one. */
  readonly requiresGrad: boolean;
}

export interface NetworkTypes {
  readonly network: Network;
  readonly layers: readonly LayerTypes[];
}

export class DocumentTypes {
  readonly problems: TypingProblem[] = [];
  private readonly sizes: SizeEvaluator;
  private readonly declared = new Map<TensorDeclaration, readonly number[] | undefined>();
  private readonly layers = new Map<Layer, LayerTypes>();
  private readonly networks = new Map<Network, NetworkTypes>();

  /** `overrides`: constants typed with these values instead of their definitions (see language/fitting). */
  constructor(
    readonly root: CeinFile,
    overrides: ReadonlyMap<SizeConstant, number> = new Map(),
  ) {
    this.sizes = new SizeEvaluator((problem) => this.problems.push(problem), overrides);
    this.typeStatements(root.statements);
  }

  constantValue(constant: SizeConstant): number | undefined {
    return this.sizes.constant(constant);
  }

  /** Shape of a declared tensor or of a layer output typed so far. */
  shapeOf(source: TensorSource | undefined): readonly number[] | undefined {
    if (!source) return undefined;
    return isLayerOutput(source) ? this.layers.get(source.$container)?.outputShape : this.declaredShape(source);
  }

  layerOf(layer: Layer): LayerTypes | undefined {
    return this.layers.get(layer);
  }

  networkOf(network: Network): NetworkTypes | undefined {
    return this.networks.get(network);
  }

  allLayers(): Iterable<LayerTypes> {
    return this.layers.values();
  }

  private typeStatements(statements: readonly Statement[]): LayerTypes[] {
    const typed: LayerTypes[] = [];
    for (const statement of statements) {
      if (isSizeConstant(statement)) this.sizes.constant(statement);
      else if (isTensorDeclaration(statement)) this.declaredShape(statement);
      else if (isLayer(statement)) typed.push(this.typeLayer(statement));
      else if (isNetwork(statement)) this.networks.set(statement, { network: statement, layers: this.typeStatements(statement.statements) });
    }
    return typed;
  }

  private declaredShape(tensor: TensorDeclaration): readonly number[] | undefined {
    if (this.declared.has(tensor)) return this.declared.get(tensor);
    const dims = tensor.dims.map((dim, axis) => this.sizes.evaluateAtLeast(dim, 1, `size ${axis + 1} of ${tensor.name}`));
    const shape = dims.every((d) => d !== undefined) ? (dims as number[]) : undefined;
    this.declared.set(tensor, shape);
    return shape;
  }

  private typeLayer(layer: Layer): LayerTypes {
    const operands = layer.operands.map((reference, k) => this.typeOperand(layer, k, reference.ref, reference.$refText));
    const settings = readLayerSettings(layer, this.sizes, (problem) => this.problems.push(problem));
    const expression = layer.expression ?? '';
    const parsed = parseSpec(expression);
    const dataOperands = operands.flatMap((operand, k) => (operand.isData ? [k] : []));
    const planOptions: PlanOptions = {
      conv: settings.conv,
      ...(settings.objective ? { objective: settings.objective } : {}),
      ...(settings.memoryCap !== undefined ? { memoryCap: settings.memoryCap } : {}),
      requiresGrad: operands.map((operand) => operand.requiresGrad),
      dataOperands,
    };
    const terms = parsed.spec?.inputs ?? [];
    const shapes = operands.map((operand) => operand.shape);
    const tooMany = operands.length > MAX_OPERANDS;
    if (tooMany) {
      this.problems.push({ code: 'too-many-operands', severity: 'error', message: `${operands.length} operands; a layer takes at most ${MAX_OPERANDS}, so this one is not analysed`, node: layer, property: 'operands', index: MAX_OPERANDS });
    }
    const analyzable = !tooMany && terms.length === operands.length && shapes.every((shape, k) => shape !== undefined && shape.length === terms[k]!.indices.length);
    const analysis = analyzable ? analyze(expression, shapes as number[][], settings.conv) : undefined;
    const typed: LayerTypes = {
      layer,
      literal: ExpressionLiteral.of(layer),
      parsed,
      operands,
      settings,
      planOptions,
      ...(analysis ? { analysis } : {}),
      ...(analysis?.analysis ? { outputShape: analysis.analysis.outputShape } : {}),
      requiresGrad: operands.some((operand) => operand.requiresGrad),
    };
    this.layers.set(layer, typed);
    return typed;
  }

  private typeOperand(layer: Layer, k: number, source: TensorSource | undefined, name: string): OperandTypes {
    if (!source) return { name, requiresGrad: false, isData: false };
    if (isLayerOutput(source)) {
      const producer = this.layers.get(source.$container);
      if (!producer) {
        this.problems.push({
          code: 'used-before-computed',
          severity: 'error',
          message: source.$container === layer
            ? `${name} is this layer's own output; a layer can only use outputs of the layers above it`
            : `${name} is the output of layer ${source.$container.name}, which comes later; a layer can only use outputs of the layers above it`,
          node: layer,
          property: 'operands',
          index: k,
        });
        return { name, source, requiresGrad: false, isData: true };
      }
      return { name, source, ...(producer.outputShape ? { shape: producer.outputShape } : {}), requiresGrad: producer.requiresGrad, isData: true };
    }
    const shape = this.declaredShape(source);
    return { name, source, ...(shape ? { shape } : {}), requiresGrad: source.role === 'weight', isData: source.role === 'input' };
  }
}
