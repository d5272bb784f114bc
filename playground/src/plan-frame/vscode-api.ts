/**
 * The plan view (client/src/webview/view/) talks to its host through `acquireVsCodeApi()`, as a
 * VS Code webview does. In the playground the view runs in an iframe; this adapter, loaded before
 * it, gives it the same shape: its messages go to the page around the frame, its state is kept in
 * the frame's session storage.
 */
const STATE_KEY = 'cein.plan-view.state';

interface VsCodeApi {
  postMessage(message: unknown): void;
  setState(state: unknown): void;
  getState(): unknown;
}

function acquireVsCodeApi(): VsCodeApi {
  return {
    postMessage: (message) => window.parent.postMessage(message, '*'),
    setState: (state) => sessionStorage.setItem(STATE_KEY, JSON.stringify(state)),
    getState: () => JSON.parse(sessionStorage.getItem(STATE_KEY) ?? 'null') as unknown,
  };
}

(globalThis as { acquireVsCodeApi?: () => VsCodeApi }).acquireVsCodeApi = acquireVsCodeApi;
