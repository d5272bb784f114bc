/**
 * The commands behind the code lenses. `cein.plan` answers with the plan as JSON;
 * `cein.run` and `cein.bench` hand the planned layer to a LayerRunner (see run-hook.ts);
 * `cein.fit` fits a `let` constant to a budget (the editor's "Fit NAME to a budget..." action);
 * `cein.torch` answers the layer or network as a PyTorch module (see torch-command.ts).
 */
import { AstUtils, DocumentState, URI, type LangiumDocument } from 'langium';
import { AbstractExecuteCommandHandler, type ExecuteCommandAcceptor, type LangiumSharedServices } from 'langium/lsp';
import type { CancellationToken, Position, Range } from 'vscode-languageserver';
import { BudgetError, checkBudget, type Budget } from '../engine/budget-text.js';
import { budgetText, fitConstant, FitError } from '../language/fitting/fit.js';
import type { CeinServices } from '../language/cein-module.js';
import { isLayer, isNetwork, isSizeConstant, type CeinFile, type Layer, type Network, type Statement } from '../language/generated/ast.js';
import { guarded } from './guard.js';
import { readRuntimeSettings, type LayerRunner, type LayerRunRequest, type RuntimeSettings } from './run-hook.js';
import { exportTorch, type TorchExportAnswer } from './torch-command.js';

export const CeinCommands = {
  run: 'cein.run',
  bench: 'cein.bench',
  plan: 'cein.plan',
  fit: 'cein.fit',
  torch: 'cein.torch',
} as const;

/** `cein.fit`: fit the constant `name` of a document to a budget (see language/fitting/fit.ts). */
export interface FitCommandRequest {
  readonly uri: string;
  readonly name: string;
  readonly budget: Budget;
}

/** The answer to `cein.fit`: the value found (null when none fits) and the edit that writes it. */
export interface FitCommandAnswer {
  readonly name: string;
  readonly value: number | null;
  readonly current: number | null;
  readonly message: string;
  readonly edit: { readonly range: Range; readonly newText: string } | null;
}

/** The editor's scan stops after this long; the CLI has --timeout. */
const EDITOR_FIT_TIME_LIMIT_MS = 10_000;

/**
 * What a command acts on: a top-level layer, a network, or a layer of a network, by name; or,
 * without names, the layer (else the network) at a position in the document.
 */
export interface CommandTarget {
  readonly uri: string;
  readonly network?: string;
  readonly layer?: string;
  readonly position?: Position;
}

export type CommandFailure = { readonly error: string };

export class CeinCommandHandler extends AbstractExecuteCommandHandler {
  constructor(
    private readonly shared: LangiumSharedServices,
    private readonly runner: LayerRunner | undefined,
  ) {
    super();
  }

  override registerCommands(accept: ExecuteCommandAcceptor): void {
    accept(CeinCommands.plan, ([target], token) => guarded('cein.plan', failure('planning failed'), () => this.plan(target, token)));
    accept(CeinCommands.fit, ([request], token) => guarded('cein.fit', failure('fitting failed'), () => this.fit(request, token)));
    accept(CeinCommands.torch, ([target], token) => guarded('cein.torch', failure('export failed'), () => this.torch(target, token)));
    accept(CeinCommands.run, ([target, settings], token) => guarded('cein.run', failure('run failed'), () => this.run('run', target, readRuntimeSettings(settings), token)));
    accept(CeinCommands.bench, ([target, settings], token) => guarded('cein.bench', failure('benchmark failed'), () => this.run('bench', target, readRuntimeSettings(settings), token)));
  }

  private async plan(target: CommandTarget, token: CancellationToken): Promise<unknown> {
    const found = await this.find(target, token);
    if ('error' in found) return found;
    const { services, node } = found;
    const typing = services.typing.CeinTyping;
    if (isNetwork(node)) {
      const outcome = typing.networkPlan(node, token);
      if (!outcome || 'unplanned' in outcome) return failure(`these layers cannot be planned yet: ${outcome ? outcome.unplanned.map((l) => l.name).join(', ') : node.name}`);
      const layers = node.statements.filter(isLayer).map((layer, i) => ({ layer: layer.name, plan: outcome.plans[i] }));
      return { network: node.name, layers, totals: outcome.totals };
    }
    const outcome = typing.planOf(node, token);
    if (!outcome) return failure(`layer ${node.name} has problems; fix them first`);
    if ('problem' in outcome) return failure(outcome.problem.message);
    const types = typing.layerTypes(node)!;
    return { layer: node.name, operands: types.operands.map((o) => ({ name: o.name, shape: o.shape })), plan: outcome.plan };
  }

  private async torch(target: CommandTarget, token: CancellationToken): Promise<TorchExportAnswer | CommandFailure> {
    const found = await this.find(target, token);
    if ('error' in found) return found;
    return exportTorch(found.document, found.node);
  }

  private async run(kind: LayerRunRequest['kind'], target: CommandTarget, runtime: RuntimeSettings, token: CancellationToken): Promise<unknown> {
    if (!this.runner) return failure('no runtime is available in this build of the language server');
    const found = await this.find(target, token);
    if ('error' in found) return found;
    const { services, node } = found;
    if (isNetwork(node)) return failure('run a network layer by layer: pick one of its layers');
    const typing = services.typing.CeinTyping;
    const outcome = typing.planOf(node, token);
    if (!outcome) return failure(`layer ${node.name} has problems; fix them first`);
    if ('problem' in outcome) return failure(outcome.problem.message);
    const types = typing.layerTypes(node)!;
    return this.runner.run(
      {
        kind,
        layer: node.name,
        expression: node.expression,
        operands: types.operands.map((o) => ({ name: o.name, shape: o.shape ?? [] })),
        options: types.planOptions,
        plan: outcome.plan,
        runtime,
      },
      token,
    );
  }

  private async fit(request: FitCommandRequest | undefined, token: CancellationToken): Promise<FitCommandAnswer | CommandFailure> {
    if (typeof request?.name !== 'string') return failure('missing request: { uri, name, budget }');
    let budget: Budget;
    try {
      budget = checkBudget(request.budget);
    } catch (e) {
      if (e instanceof BudgetError) return failure(e.message);
      throw e;
    }
    const found = await this.linkedDocument(request.uri, token);
    if ('error' in found) return found;
    const { services, file } = found;
    const named = AstUtils.streamAllContents(file).filter(isSizeConstant).filter((c) => c.name === request.name).toArray();
    const constant = named.find((c) => c.$container === file) ?? named[0];
    if (!constant?.value?.$cstNode) return failure(`no constant ${request.name} in ${request.uri}`);
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort());
    try {
      const settings = services.typing.CeinTyping.editorSettings;
      const result = await fitConstant({ root: file, constant, target: 'reached', budget, settings, timeLimitMs: EDITOR_FIT_TIME_LIMIT_MS, signal: abort.signal });
      const value = result.best?.value ?? null;
      const last = result.candidates.at(-1)?.value ?? 0;
      const cut = result.end === 'time' ? ` (the scan stopped at ${result.name} = ${last} after ${EDITOR_FIT_TIME_LIMIT_MS / 1000} s)` : '';
      const message =
        value === null
          ? `no value of ${result.name} from 1 to ${last} meets ${budgetText(budget)} for ${result.target}${cut}`
          : `${result.name} = ${value}: the largest value for which ${result.target} meets ${budgetText(budget)}${cut}`;
      const range = constant.value.$cstNode.range;
      return { name: result.name, value, current: result.current ?? null, message, edit: value === null ? null : { range, newText: String(value) } };
    } catch (e) {
      if (e instanceof FitError) return failure(e.message);
      if (abort.signal.aborted) return failure('cancelled');
      throw e;
    } finally {
      subscription.dispose();
    }
  }

  /** A document once it is linked: commands arrive outside Langium's request handlers (see find). */
  private async linkedDocument(uriText: string | undefined, token: CancellationToken): Promise<{ services: CeinServices; document: LangiumDocument; file: CeinFile } | CommandFailure> {
    if (!uriText) return failure('missing target: { uri, layer?, network? }');
    const uri = URI.parse(uriText);
    const { WorkspaceManager, WorkspaceLock, LangiumDocuments: documents, DocumentBuilder } = this.shared.workspace;
    if (!documents.hasDocument(uri)) await WorkspaceManager.ready;
    // A file opened just now reaches the documents with its first build; a read waits for pending builds.
    if (!documents.hasDocument(uri)) await WorkspaceLock.read(() => undefined);
    if (!documents.hasDocument(uri)) return failure(`unknown document ${uriText}`);
    await DocumentBuilder.waitUntil(DocumentState.Linked, uri, token);
    const document: LangiumDocument | undefined = documents.getDocument(uri);
    if (!document) return failure(`unknown document ${uriText}`);
    const services = this.shared.ServiceRegistry.getServices(uri) as CeinServices;
    return { services, document, file: document.parseResult.value as CeinFile };
  }

  /**
   * The target's layer or network, once its document is linked. Commands arrive outside
   * Langium's request handlers, so nothing else waits for a document that an edit has sent
   * back to the parser (typing resolves references), nor, at start-up, for the workspace
   * folders to be loaded or a just-opened file's first build.
   */
  private async find(target: CommandTarget | undefined, token: CancellationToken): Promise<{ services: CeinServices; document: LangiumDocument; node: Layer | Network } | CommandFailure> {
    const found = await this.linkedDocument(target?.uri, token);
    if ('error' in found) return found;
    const { services, document, file } = found;
    if (!target) return failure('missing target: { uri, layer?, network? }');
    if (target.position && !target.layer && !target.network) {
      const node = nodeAt(file, document.textDocument.offsetAt(target.position));
      return node ? { services, document, node } : failure(`no layer or network at line ${target.position.line + 1}`);
    }
    const network = target.network ? file.statements.filter(isNetwork).find((n) => n.name === target.network) : undefined;
    if (target.network && !network) return failure(`no network ${target.network} in ${target.uri}`);
    if (!target.layer) return network ? { services, document, node: network } : failure('name a layer or a network');
    const statements: readonly Statement[] = (network ?? file).statements;
    const layer = statements.filter(isLayer).find((l) => l.name === target.layer);
    return layer ? { services, document, node: layer } : failure(`no layer ${target.layer} in ${target.network ? `network ${target.network}` : target.uri}`);
  }
}

function failure(error: string): CommandFailure {
  return { error };
}

/** The innermost layer, else network, whose text holds the offset. */
function nodeAt(file: CeinFile, offset: number): Layer | Network | undefined {
  const holds = (node: Layer | Network) => node.$cstNode !== undefined && node.$cstNode.offset <= offset && offset <= node.$cstNode.end;
  for (const statement of file.statements) {
    if (isLayer(statement) && holds(statement)) return statement;
    if (isNetwork(statement) && holds(statement)) return statement.statements.filter(isLayer).find(holds) ?? statement;
  }
  return undefined;
}
