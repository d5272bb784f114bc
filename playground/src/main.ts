/**
 * The cein playground: a Monaco editor on the cein language server (a Web Worker), the samples,
 * and the extension's plan view beside the editor, following the layer at the cursor.
 */
import 'monaco-editor/features/register.all';
// Whole-document semantic tokens, which register.all leaves out (it has the viewport ones only).
import 'monaco-editor/editor/contrib/semanticTokens/browser/documentSemanticTokens';
import './playground.css';
import * as monaco from 'monaco-editor/editor';
import samples from 'cein:samples';
import type { FromView } from '../../client/src/webview/messages.js';
import { CodeLensRequest } from 'vscode-languageserver-protocol/browser';
import { DocumentSync } from './bridge/document-sync.js';
import { startLanguageServer } from './bridge/language-server.js';
import { registerProviders, unlessCancelled } from './bridge/providers.js';
import { CEIN_LANGUAGE_ID, ceinConfiguration, ceinMonarch } from './cein-language.js';
import { LayerActions, type Backend } from './layer-actions.js';
import { targetAtLine } from './layer-at-cursor.js';
import { PlanHost } from './plan-host.js';
import { LANGUAGE_WORKER_URL } from './worker-url.js';
import { StatusLine } from './status-line.js';
import { CEIN_THEME, ceinTheme } from './theme.js';
import { describeWebGpu } from './webgpu-notice.js';

const FOLLOW_DELAY_MS = 300;
const DEFAULT_SAMPLE = 'cp.cein';
const BENCHMARK_REPEATS = 10;

self.MonacoEnvironment = { getWorker: () => new Worker('editor.worker.js') };

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = new StatusLine(element('status'));

async function main(): Promise<void> {
  // Monaco's bundle is evaluated by now (its imports run first): the benchmark's first split.
  performance.mark('cein:script-evaluated');
  monaco.languages.register({ id: CEIN_LANGUAGE_ID, extensions: ['.cein'], aliases: ['cein', 'conv_einsum'] });
  monaco.languages.setMonarchTokensProvider(CEIN_LANGUAGE_ID, ceinMonarch);
  monaco.languages.setLanguageConfiguration(CEIN_LANGUAGE_ID, ceinConfiguration);
  monaco.editor.defineTheme(CEIN_THEME, ceinTheme);

  status.show('Starting the language server…', 'busy');
  const worker = (globalThis as { ceinLanguageWorker?: Worker }).ceinLanguageWorker ?? new Worker(LANGUAGE_WORKER_URL);
  const server = await startLanguageServer(worker);
  performance.mark('cein:server-ready');
  const sync = new DocumentSync(server.connection);
  registerProviders(CEIN_LANGUAGE_ID, server);

  const editor = monaco.editor.create(element('editor'), {
    theme: CEIN_THEME,
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 14,
    inlayHints: { enabled: 'on' },
    'semanticHighlighting.enabled': true,
    scrollBeyondLastLine: false,
    // Completion is the server's: names in scope, keywords and options where the grammar allows them.
    wordBasedSuggestions: 'off',
  });

  const backend = element<HTMLSelectElement>('backend');
  const view = new PlanHost(element<HTMLIFrameElement>('plan'), (message: FromView) => {
    if (message.type === 'action') void actions.act(message.action);
    else if (message.type === 'export') void actions.exportPlan();
  });
  const actions = new LayerActions(server.connection, view, status, () => ({ backend: backend.value as Backend, benchmarkRepeats: BENCHMARK_REPEATS }));
  monaco.editor.registerCommand('cein.run', (_accessor, target) => void actions.act('run', target));
  monaco.editor.registerCommand('cein.bench', (_accessor, target) => void actions.act('bench', target));
  monaco.editor.registerCommand('cein.plan', (_accessor, target) => void actions.showPlan(target));
  monaco.editor.registerCommand('cein.torch', (_accessor, target) => void actions.exportTorch(target));
  element('run').addEventListener('click', () => void actions.act('run'));
  element('bench').addEventListener('click', () => void actions.act('bench'));

  // The plan view follows the layer at the cursor (and its edits), as the server's lenses name it.
  let followTimer: ReturnType<typeof setTimeout> | undefined;
  const follow = () => {
    clearTimeout(followTimer);
    followTimer = setTimeout(async () => {
      const model = editor.getModel();
      if (!model) return;
      const lenses = (await unlessCancelled(server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: model.uri.toString() } })).catch(logged)) ?? [];
      const line = (editor.getPosition()?.lineNumber ?? 1) - 1;
      const found = targetAtLine(lenses.map((lens) => ({ line: lens.range.start.line, arguments: lens.command?.arguments })), line);
      if (found?.target) await actions.showPlan(found.target);
      // A layer with problems: the server names it and says what stops its plan.
      else if (found) await actions.showPlan({ uri: model.uri.toString(), position: { line: found.line, character: 0 } });
    }, FOLLOW_DELAY_MS);
  };
  editor.onDidChangeCursorPosition(follow);
  editor.onDidChangeModelContent(follow);
  // Marks for the tests and the benchmark: each set of diagnostics applied, and the first one.
  sync.onDiagnostics(() => {
    if (performance.getEntriesByName('cein:first-diagnostics').length === 0) performance.mark('cein:first-diagnostics');
    performance.mark('cein:diagnostics');
    follow();
  });

  const picker = element<HTMLSelectElement>('sample');
  picker.replaceChildren(...samples.map(({ name }) => Object.assign(document.createElement('option'), { value: name, textContent: name })));
  const open = (name: string) => {
    const sample = samples.find((s) => s.name === name) ?? samples[0]!;
    const previous = editor.getModel();
    const model = monaco.editor.createModel(sample.text, CEIN_LANGUAGE_ID, monaco.Uri.parse(`file:///samples/${sample.name}`));
    sync.openModel(model, CEIN_LANGUAGE_ID);
    editor.setModel(model);
    if (previous) {
      sync.closeModel(previous);
      previous.dispose();
    }
    picker.value = sample.name;
    follow();
  };
  picker.addEventListener('change', () => open(picker.value));
  open(new URLSearchParams(location.search).get('sample') ?? DEFAULT_SAMPLE);

  (window as unknown as { cein: unknown }).cein = { monaco, editor, actions };
  document.body.dataset.ready = 'true';
  status.show(await describeWebGpu(), 'info');
}

function logged(e: unknown): null {
  console.error('cein playground:', e);
  return null;
}

main().catch((e: unknown) => status.show(`The playground failed to start: ${e instanceof Error ? e.message : String(e)}`, 'error'));
