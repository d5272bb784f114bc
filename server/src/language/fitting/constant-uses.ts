/**
 * Which layers a `let` constant reaches: through the constants defined from it, the tensors it
 * sizes, the options it sets, and the outputs of layers it changes. Read from the syntax alone,
 * so it holds whatever value the constant takes.
 */
import { AstUtils, type AstNode } from 'langium';
import { parseSpec } from '../../engine/notation.js';
import { isConstantReference, isLayer, isNetwork, isSizeConstant, isTensorDeclaration, type CeinFile, type Layer, type SizeConstant, type Statement, type TensorSource } from '../generated/ast.js';

export interface ConstantUses {
  /** The constant and every constant defined from it, directly or through others. */
  readonly constants: ReadonlySet<SizeConstant>;
  /** Layers whose operand sizes or options depend on it, in document order. */
  readonly layers: readonly Layer[];
  /** Of those, the layers where it sizes a factor (a `weight` or `const` operand). */
  readonly factorLayers: ReadonlySet<Layer>;
}

export function constantUses(root: CeinFile, constant: SizeConstant): ConstantUses {
  const constants = dependentConstants(root, constant);
  const dependsOn = (node: AstNode | undefined) => node !== undefined && referencedConstants(node).some((c) => constants.has(c));
  // Per tensor, which of its axes the constant sizes: a declaration's dims, a layer output's indices.
  const axes = new Map<TensorSource, readonly boolean[]>();
  const axesOf = (source: TensorSource | undefined): readonly boolean[] => {
    if (!source) return [];
    if (isTensorDeclaration(source) && !axes.has(source)) axes.set(source, source.dims.map(dependsOn));
    return axes.get(source) ?? [];
  };
  const layers: Layer[] = [];
  const factorLayers = new Set<Layer>();
  for (const layer of layersInOrder(root.statements)) {
    const sources = layer.operands.map((operand) => operand.ref);
    const sized = sources.map((source) => axesOf(source));
    const factor = sources.some((source, k) => isTensorDeclaration(source) && source.role !== 'input' && sized[k]!.some(Boolean));
    const options = dependsOn(layer.options);
    if (!factor && !options && !sized.some((s) => s.some(Boolean))) continue;
    layers.push(layer);
    if (factor) factorLayers.add(layer);
    if (layer.output) axes.set(layer.output, outputAxes(layer, sized, options));
  }
  return { constants, layers, factorLayers };
}

/**
 * Which axes of a layer's output the constant sizes: an output index is sized by it when some
 * operand axis carrying that index is; with options sized by it (stride, padding), every axis is.
 */
function outputAxes(layer: Layer, sized: readonly (readonly boolean[])[], options: boolean): readonly boolean[] {
  const spec = parseSpec(layer.expression ?? '').spec;
  const output = spec?.output?.indices;
  // Unknown (the expression does not parse): the layer has errors, so its output carries nothing on.
  if (!spec || !output) return [];
  if (options) return output.map(() => true);
  const sizedIndices = new Set(spec.inputs.flatMap((term, k) => term.indices.filter((_, axis) => sized[k]?.[axis]).map((index) => index.name)));
  return output.map((index) => sizedIndices.has(index.name));
}

/** "cp", or "a in network block" for a layer of a network. */
export function layerLabel(layer: Layer): string {
  return isNetwork(layer.$container) ? `${layer.name} in network ${layer.$container.name}` : layer.name;
}

function layersInOrder(statements: readonly Statement[]): Layer[] {
  return statements.flatMap((statement) => (isLayer(statement) ? [statement] : isNetwork(statement) ? statement.statements.filter(isLayer) : []));
}

/** The constant and the constants defined from it, found over the reverse "is defined from" edges. */
function dependentConstants(root: CeinFile, constant: SizeConstant): Set<SizeConstant> {
  const dependents = new Map<SizeConstant, SizeConstant[]>();
  for (const node of AstUtils.streamAllContents(root)) {
    if (!isSizeConstant(node) || !node.value) continue;
    for (const used of referencedConstants(node.value)) {
      const list = dependents.get(used);
      if (list) list.push(node);
      else dependents.set(used, [node]);
    }
  }
  const found = new Set([constant]);
  const queue = [constant];
  while (queue.length > 0) {
    for (const next of dependents.get(queue.pop()!) ?? []) {
      if (!found.has(next)) {
        found.add(next);
        queue.push(next);
      }
    }
  }
  return found;
}

function referencedConstants(node: AstNode): SizeConstant[] {
  return AstUtils.streamAst(node)
    .filter(isConstantReference)
    .map((reference) => reference.constant.ref)
    .filter((c): c is SizeConstant => c !== undefined)
    .toArray();
}
