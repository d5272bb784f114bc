/**
 * Above each layer and network: what it costs ("1.180G FLOPs · 64.0x fewer than left-to-right ·
 * 3.4 % params · peak 8.00 MiB") and the actions Run, Benchmark, Show plan and PyTorch (export).
 */
import { AstUtils, type LangiumDocument } from 'langium';
import type { CodeLensProvider } from 'langium/lsp';
import type { CancellationToken, CodeLens, CodeLensParams, Command, Range } from 'vscode-languageserver';
import { formatCompression } from '../engine/summary.js';
import type { CeinServices } from '../language/cein-module.js';
import { isLayer, isNetwork, type CeinFile, type Layer, type Network } from '../language/generated/ast.js';
import type { CeinTyping } from '../language/typing/cein-typing.js';
import { CeinCommands, type CommandTarget } from './commands.js';
import { flopsText, peakText, versusLeftToRight } from './figures.js';
import { guarded } from './guard.js';

export class CeinCodeLensProvider implements CodeLensProvider {
  private readonly typing: CeinTyping;

  constructor(services: CeinServices) {
    this.typing = services.typing.CeinTyping;
  }

  provideCodeLens(document: LangiumDocument, _params: CodeLensParams, cancelToken?: CancellationToken): Promise<CodeLens[]> {
    return guarded('code lens', [], () => {
      const lenses: CodeLens[] = [];
      const uri = document.uri.toString();
      for (const node of AstUtils.streamAllContents(document.parseResult.value as CeinFile)) {
        if (cancelToken?.isCancellationRequested) break;
        const range = node.$cstNode?.range;
        if (!range) continue;
        if (isLayer(node)) lenses.push(...this.layerLenses(node, range, uri, cancelToken));
        else if (isNetwork(node)) lenses.push(...this.networkLenses(node, range, uri, cancelToken));
      }
      return lenses;
    });
  }

  private layerLenses(layer: Layer, range: Range, uri: string, cancelToken?: CancellationToken): CodeLens[] {
    const outcome = this.typing.planOf(layer, cancelToken);
    const target: CommandTarget = isNetwork(layer.$container) ? { uri, network: layer.$container.name, layer: layer.name } : { uri, layer: layer.name };
    if (!outcome) return [lens(range, label('fix the problems to see the cost'))];
    if ('problem' in outcome) return [lens(range, label(outcome.problem.message))];
    const { plan } = outcome;
    const summary = headline(flopsText(plan), versusLeftToRight(plan), formatCompression(plan), peakText(plan));
    return [lens(range, label(summary)), ...actions(range, target, true)];
  }

  private networkLenses(network: Network, range: Range, uri: string, cancelToken?: CancellationToken): CodeLens[] {
    const outcome = this.typing.networkPlan(network, cancelToken);
    if (!outcome) return [];
    if ('unplanned' in outcome) return [lens(range, label(`cost unknown: fix layers ${outcome.unplanned.map((l) => l.name).join(', ')}`))];
    const { totals } = outcome;
    const summary = headline(`${totals.layers} layers`, flopsText(totals), versusLeftToRight(totals), formatCompression(totals), peakText(totals));
    return [lens(range, label(summary)), ...actions(range, { uri, network: network.name }, false)];
  }
}

/** The parts that a plan has, joined: a plan without a dense kernel has no "% params". */
function headline(...parts: (string | null)[]): string {
  return parts.filter((part) => part !== null).join(' · ');
}

/** A lens that only shows text: an empty command id is not clickable. */
function label(title: string): Command {
  return { title, command: '' };
}

function actions(range: Range, target: CommandTarget, runnable: boolean): CodeLens[] {
  const run = runnable
    ? [lens(range, { title: 'Run', command: CeinCommands.run, arguments: [target] }), lens(range, { title: 'Benchmark', command: CeinCommands.bench, arguments: [target] })]
    : [];
  return [
    ...run,
    lens(range, { title: 'Show plan', command: CeinCommands.plan, arguments: [target] }),
    lens(range, { title: 'PyTorch', command: CeinCommands.torch, arguments: [target] }),
  ];
}

function lens(range: Range, command: Command): CodeLens {
  return { range: { start: range.start, end: range.start }, command };
}
