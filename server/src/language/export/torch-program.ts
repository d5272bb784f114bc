/**
 * The layers and networks of a typed .cein document as a TorchProgram, the neutral description
 * the PyTorch generator (engine/export/torch.ts) turns into modules. Plans are made here with the
 * export's objective (default `training`: exported modules are trained); a layer's own
 * `objective` option still wins, as everywhere else.
 */
import type { LangiumDocument } from 'langium';
import type { Objective } from '../../engine/options.js';
import { DEFAULT_BUDGET_MS } from '../../engine/planner.js';
import type { TorchLayer, TorchNetwork, TorchOperandRole, TorchProgram } from '../../engine/export/program.js';
import { isLayer, isLayerOutput, isNetwork, type CeinFile, type Layer, type Network } from '../generated/ast.js';
import { planLayer } from '../typing/cein-typing.js';
import { DocumentTypes, type LayerTypes } from '../typing/document-types.js';

export interface TorchExportTarget {
  /** One layer: a top-level layer, or with `network` a layer of that network (else the first network layer so named). */
  readonly layer?: string;
  /** One network with its layers. Neither: every top-level layer and every network. */
  readonly network?: string;
}

export interface TorchExportOptions {
  /** What the plans minimise (default `training`). */
  readonly objective?: Objective;
  /** The planner's time budget per layer, in ms. */
  readonly budgetMs?: number;
}

export type TorchProgramOutcome = { readonly program: TorchProgram } | { readonly problem: string };

export const DEFAULT_EXPORT_OBJECTIVE: Objective = 'training';

export function torchProgramOf(document: LangiumDocument, target: TorchExportTarget = {}, options: TorchExportOptions = {}): TorchProgramOutcome {
  const root = document.parseResult.value as CeinFile;
  const selection = select(root, target);
  if ('problem' in selection) return selection;
  const types = new DocumentTypes(root);
  const settings = { objective: options.objective ?? DEFAULT_EXPORT_OBJECTIVE, budgetMs: options.budgetMs ?? DEFAULT_BUDGET_MS };

  const layers: TorchLayer[] = [];
  const positions = new Map<Layer, number>();
  const add = (layer: Layer): string | undefined => {
    if (positions.has(layer)) return undefined;
    const typed = types.layerOf(layer);
    const outcome = typed ? planLayer(typed, settings) : undefined;
    if (!typed || !outcome) return `${where(layer)}: layer ${layer.name} has errors${firstError(document, layer)}; fix them before exporting`;
    if ('problem' in outcome) return `${where(layer)}: layer ${layer.name} cannot be planned: ${outcome.problem.message}`;
    positions.set(layer, layers.length);
    layers.push(torchLayer(typed, outcome.plan));
    return undefined;
  };

  for (const layer of selection.layers) {
    const problem = add(layer);
    if (problem) return { problem };
  }
  const networks: TorchNetwork[] = [];
  for (const network of selection.networks) {
    const members = network.statements.filter(isLayer);
    if (members.length === 0) return { problem: `${where(network)}: network ${network.name} has no layers to export` };
    for (const layer of members) {
      const problem = add(layer);
      if (problem) return { problem };
    }
    networks.push(torchNetwork(network, members, positions, layers));
  }
  return { program: { origin: document.uri.path.split('/').at(-1) ?? 'cein', layers, networks } };
}

function select(root: CeinFile, target: TorchExportTarget): { layers: Layer[]; networks: Network[] } | { problem: string } {
  const networks = root.statements.filter(isNetwork);
  const network = target.network !== undefined ? networks.find((n) => n.name === target.network) : undefined;
  if (target.network !== undefined && !network) return { problem: `no network ${target.network}` };
  if (target.layer !== undefined) {
    const candidates = network ? network.statements.filter(isLayer) : [...root.statements.filter(isLayer), ...networks.flatMap((n) => n.statements.filter(isLayer))];
    const layer = candidates.find((l) => l.name === target.layer);
    if (!layer) return { problem: `no layer ${target.layer}${network ? ` in network ${network.name}` : ''}` };
    return { layers: [layer], networks: [] };
  }
  if (network) return { layers: [], networks: [network] };
  return { layers: root.statements.filter(isLayer), networks };
}

function torchLayer(typed: LayerTypes, plan: TorchLayer['plan']): TorchLayer {
  const { layer } = typed;
  return {
    name: layer.name,
    output: layer.output.name,
    plan,
    operands: typed.operands.map((operand) => ({ name: operand.name, role: roleOf(operand.source), shape: operand.shape ?? [] })),
    ...(layer.$cstNode ? { source: layer.$cstNode.text.replace(/\s+/g, ' ') } : {}),
  };
}

function roleOf(source: LayerTypes['operands'][number]['source']): TorchOperandRole {
  if (!source || isLayerOutput(source)) return 'layer-output';
  return source.role as TorchOperandRole;
}

/** The network's arguments: its declared inputs, then any data its layers take from outside it. */
function torchNetwork(network: Network, members: readonly Layer[], positions: ReadonlyMap<Layer, number>, layers: readonly TorchLayer[]): TorchNetwork {
  const inputs = network.inputs.map((input) => input.$refText);
  const produced = new Set<string>();
  for (const layer of members) {
    const exported = layers[positions.get(layer)!]!;
    for (const operand of exported.operands) {
      const isData = operand.role === 'input' || operand.role === 'layer-output';
      if (isData && !produced.has(operand.name) && !inputs.includes(operand.name)) inputs.push(operand.name);
    }
    produced.add(exported.output);
  }
  return { name: network.name, layers: members.map((layer) => positions.get(layer)!), inputs, output: members.at(-1)!.output.name };
}

function where(node: Layer | Network): string {
  const start = node.$cstNode?.range.start;
  return start ? `${start.line + 1}:${start.character + 1}` : '1:1';
}

/** The first error the validator reported inside the layer, with its position. */
function firstError(document: LangiumDocument, layer: Layer): string {
  const range = layer.$cstNode?.range;
  if (!range) return '';
  const inside = (document.diagnostics ?? []).find((d) => d.severity === 1 && d.range.start.line >= range.start.line && d.range.end.line <= range.end.line);
  return inside ? ` (${inside.range.start.line + 1}:${inside.range.start.character + 1}: ${inside.message})` : '';
}
