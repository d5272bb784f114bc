// A test page's side of the browser workers: a minimal LSP client to the language worker over
// postMessage, direct jobs to the runtime worker, and the page's own timer latency. Tests and
// the runtime benchmark call window.harness through playwright.

/** JSON-RPC over a worker's postMessage, as vscode-languageserver/browser speaks it. */
class LspClient {
  constructor(url) {
    this.worker = new Worker(url);
    this.nextId = 1;
    this.pending = new Map();
    this.notifications = [];
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onerror = (event) => this.notifications.push({ method: 'worker/error', params: event.message });
  }

  receive(message) {
    if (message.id !== undefined && message.method === undefined) {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) pending?.reject(new Error(`${message.error.code}: ${message.error.message}`));
      else pending?.resolve(message.result);
    } else if (message.id !== undefined) {
      // A request from the server (progress tokens, registrations): accept it.
      this.worker.postMessage({ jsonrpc: '2.0', id: message.id, result: null });
    } else {
      this.notifications.push(message);
    }
  }

  request(method, params) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method, params) {
    this.worker.postMessage({ jsonrpc: '2.0', method, params });
  }
}

let lsp = null;

/** How late setTimeout callbacks fire on this page while `work` runs: the largest delay past the asked 10 ms. */
async function timerLatencyDuring(work) {
  const ASKED_MS = 10;
  let worst = 0;
  let ticks = 0;
  let running = true;
  const loop = new Promise((done) => {
    const tick = (asked) => {
      worst = Math.max(worst, performance.now() - asked - ASKED_MS);
      ticks++;
      if (running) setTimeout(tick, ASKED_MS, performance.now());
      else done();
    };
    setTimeout(tick, ASKED_MS, performance.now());
  });
  const result = await work();
  running = false;
  await loop;
  return { result, worstLatencyMs: worst, ticks };
}

window.harness = {
  async start() {
    lsp = new LspClient(new URL('language-worker.js', location.href));
    const init = await lsp.request('initialize', {
      processId: null,
      rootUri: null,
      capabilities: { window: { workDoneProgress: true }, textDocument: { codeLens: {}, publishDiagnostics: {} } },
    });
    lsp.notify('initialized', {});
    return init.capabilities.executeCommandProvider?.commands ?? [];
  },

  open(uri, text) {
    lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'cein', version: 1, text } });
  },

  codeLenses(uri) {
    return lsp.request('textDocument/codeLens', { textDocument: { uri } });
  },

  command(command, args) {
    return lsp.request('workspace/executeCommand', { command, arguments: args });
  },

  /** A command, with the page's timer latency while it runs. */
  commandTimed(command, args) {
    return timerLatencyDuring(() => lsp.request('workspace/executeCommand', { command, arguments: args }));
  },

  /** Progress reports the server sent ($/progress), as [kind, message] pairs. */
  progress() {
    return lsp.notifications.filter((n) => n.method === '$/progress').map((n) => [n.params.value.kind, n.params.value.message ?? n.params.value.title ?? '']);
  },

  notifications() {
    return lsp.notifications;
  },

  /** One job straight to a fresh runtime worker (protocol.ts's WorkerRequest); resolves to its result or rejects with its error. */
  runtimeJob(job) {
    const worker = new Worker(new URL('runtime-worker.js', location.href));
    return new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => {
        if (data.type === 'progress') return;
        worker.terminate();
        if (data.type === 'result') resolve(data.result);
        else reject(new Error(data.error?.message ?? data.message));
      };
      worker.onerror = (event) => {
        worker.terminate();
        reject(new Error(`the runtime worker failed: ${event.message}`));
      };
      worker.postMessage({ ...job, id: 1 });
    });
  },

  /** What the page's own navigator.gpu offers, found apart from the workers. */
  async adapterInfo() {
    const adapter = await navigator.gpu?.requestAdapter();
    return adapter ? { vendor: adapter.info.vendor, architecture: adapter.info.architecture, device: adapter.info.device, description: adapter.info.description } : null;
  },
};
