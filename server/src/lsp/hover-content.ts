/**
 * Hover texts (markdown). Every figure comes from the typing service, that is from the engine;
 * this module only lays them out.
 */
import { formatIndex } from '../engine/notation.js';
import { formatPadding } from '../engine/options.js';
import { BEYOND_EXACT, isExact } from '../engine/exact.js';
import type { FigureName, Plan } from '../engine/plan.js';
import type { ConvInfo, IndexInfo } from '../engine/shapes.js';
import { APPROXIMATE_NOTE, type DesignFigures, formatElements, formatFigure, formatGuarantee, formatLargestIntermediate, formatParams, formatRatio, formatShape, isExactFigure } from '../engine/summary.js';
import type { PlanTotals } from '../engine/totals.js';
import { formatPlanTree } from '../engine/tree-text.js';
import { isLayerOutput, type Layer, type Network, type SizeConstant, type TensorSource } from '../language/generated/ast.js';
import type { PlanOutcome } from '../language/typing/cein-typing.js';
import type { LayerTypes } from '../language/typing/document-types.js';
import { elementCount, f32Bytes, flopsText, peakText, versusLeftToRight } from './figures.js';

export function expressionHover(types: LayerTypes, outcome: PlanOutcome | undefined): string {
  const { layer } = types;
  const shape = types.outputShape ? ` → \`${formatShape(types.outputShape)}\`` : '';
  const title = `**layer ${layer.name}** · \`${layer.output?.name ?? '?'}\`${shape}`;
  if (!outcome) return `${title}\n\nThe cost appears once the layer's problems are fixed.`;
  if ('problem' in outcome) return `${title}\n\n${outcome.problem.message}`;
  const { plan } = outcome;
  return [title, planTable(plan), paramsLine(plan), memoryLine(plan), ...(plan.exact ? [] : [`_${APPROXIMATE_NOTE}_`]), treeBlock(plan, types)].join('\n\n');
}

function planTable(plan: Plan): string {
  const chosenExact = isExactFigure(plan, 'macs');
  const row = (order: string, macs: number, name: FigureName) => {
    const exact = isExactFigure(plan, name);
    const versus = name === 'macs' ? '' : formatRatio(macs, plan.macs, exact && chosenExact);
    return `| ${order} | ${formatFigure(macs, exact)} | ${formatFigure(2 * macs, exact && isExact(2 * macs))} | ${versus} |`;
  };
  const chosen = `${plan.optimality ? formatGuarantee(plan.optimality) : 'best found (heuristic)'}, objective ${plan.objective}`;
  return [
    '| order | MACs | FLOPs | vs. chosen |',
    '| --- | ---: | ---: | ---: |',
    row(chosen, plan.macs, 'macs'),
    row('left-to-right', plan.naiveMacs, 'naiveMacs'),
    ...(plan.rebuiltMacs !== null ? [row('rebuilt kernel', plan.rebuiltMacs, 'rebuiltMacs')] : []),
  ].join('\n');
}

/** "Parameters: 12.3k = 3.4 % of the dense kernel's 368.6k" (docs/semantics.md section 3). */
function paramsLine(figures: DesignFigures): string {
  return `Parameters: ${formatParams(figures)}`;
}

function memoryLine(plan: Plan): string {
  const exact = (name: FigureName) => isExactFigure(plan, name);
  return `Largest intermediate: ${formatLargestIntermediate(plan.largestIntermediate, exact('largestIntermediate'))} · peak live: ${formatElements(plan.peakElements, exact('peakElements'))}`;
}

/** Steps of the tree a hover draws; a larger tree is in the plan view (Show plan). */
const HOVER_TREE_STEPS = 8;

function treeBlock(plan: Plan, types: LayerTypes): string {
  const block = ['```text', formatPlanTree(plan, types.operands.map((o) => o.name), HOVER_TREE_STEPS), '```'].join('\n');
  return plan.steps.length > HOVER_TREE_STEPS ? `${block}\n\nShow plan draws the whole tree.` : block;
}

export function indexHover(types: LayerTypes, name: string): string {
  const shown = formatIndex(name);
  const info = types.analysis?.analysis?.byName.get(name);
  if (!info) return `**${shown}** · index\n\nIts kind and sizes appear once the layer's problems are fixed.`;
  const sizes = info.operands.map((k) => `| ${types.operands[k]?.name ?? `operand ${k + 1}`} | ${info.sizes[k]} |${roleIn(info, k)}`);
  const table = ['| operand | size | |', '| --- | ---: | --- |', ...sizes].join('\n');
  return [`**${shown}** · ${info.kind} index${info.inOutput ? ` · output size ${info.size}` : ' · summed'}`, table, ...convLines(info)].join('\n\n');
}

function roleIn(info: IndexInfo, k: number): string {
  if (!info.conv) return ' |';
  return info.conv.feature === k ? ' feature |' : ' filter |';
}

function convLines(info: IndexInfo): string[] {
  const conv = info.conv;
  if (!conv) return [];
  return [
    `output size **${conv.outputSize}** = ⌊(${conv.inputSize} + ${conv.lo} + ${conv.hi} − ${conv.extent}) / ${conv.stride}⌋ + 1`,
    `stride ${conv.stride} · dilation ${conv.dilation} · padding ${paddingText(conv)} · mode ${conv.mode} · combined filter ${conv.kTotal}, dilated extent ${conv.extent}`,
  ];
}

/** "1", "0:1", or a named padding with the amounts it resolves to: "same (1:1)". */
function paddingText(conv: ConvInfo): string {
  return conv.padding.kind === 'explicit' ? formatPadding(conv.padding) : `${formatPadding(conv.padding)} (${conv.lo}:${conv.hi})`;
}

export function tensorHover(source: TensorSource, shape: readonly number[] | undefined, requiresGrad?: boolean): string {
  const what = isLayerOutput(source) ? `output of layer ${source.$container.name}` : source.role;
  const title = `**${source.name}** · ${what}`;
  if (!shape) return `${title}\n\nShape unknown until its problems are fixed.`;
  const elements = elementCount(shape);
  const exact = isExact(elements);
  const grad = requiresGrad === undefined ? '' : requiresGrad ? ' · requires gradient' : ' · no gradient';
  const note = exact ? '' : ` (${BEYOND_EXACT})`;
  return `${title}${grad}\n\n\`${formatShape(shape)}\` · ${formatFigure(elements, exact)} elements${note} · ${f32Bytes(elements, exact)} f32`;
}

export function constantHover(constant: SizeConstant, value: number | undefined, usedBy: readonly string[]): string {
  return `**${constant.name}** = ${value === undefined ? 'unknown' : value}\n\n${constantUsesLine(usedBy)}`;
}

/** "Used by layers cp, tucker", from the layers a constant reaches (language/fitting/constant-uses.ts). */
export function constantUsesLine(usedBy: readonly string[]): string {
  if (usedBy.length === 0) return 'Used by no layer';
  return `Used by layer${usedBy.length === 1 ? '' : 's'} ${usedBy.join(', ')}`;
}

export function networkHover(network: Network, layers: readonly { layer: Layer; plan: Plan }[], totals: PlanTotals): string {
  const rows = layers.map(({ layer, plan }) => `| ${layer.name} | ${formatShape(plan.outputShape)} | ${formatFigure(plan.macs, isExactFigure(plan, 'macs'))} | ${versusLeftToRight(plan)} |`);
  return [
    `**network ${network.name}** · ${totals.layers} layers · ${flopsText(totals)} · ${versusLeftToRight(totals)} · ${peakText(totals)}`,
    paramsLine(totals),
    ['| layer | output | MACs | |', '| --- | --- | ---: | --- |', ...rows].join('\n'),
    ...(totals.exact && layers.every(({ plan }) => plan.exact) ? [] : [`_${APPROXIMATE_NOTE}_`]),
  ].join('\n\n');
}
