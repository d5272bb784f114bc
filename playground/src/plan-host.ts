/**
 * Hosts the extension's plan view (the same bundle, out/plan-view.js) in an iframe beside the
 * editor and speaks its messages (client/src/webview/messages.ts): ToView in, FromView out.
 * Everything shown since the last plan is replayed when the frame (re)loads, as the extension's
 * panel does.
 */
import type { FromView, ToView } from '../../client/src/webview/messages.js';

const PLAN_FRAME = 'plan-frame.html';

export class PlanHost {
  private shown: ToView[] = [];
  private ready = false;

  constructor(
    private readonly frame: HTMLIFrameElement,
    receive: (message: FromView) => void,
  ) {
    window.addEventListener('message', (event: MessageEvent<FromView>) => {
      if (event.source !== frame.contentWindow) return;
      if (event.data.type === 'ready') {
        this.ready = true;
        this.shown.forEach((message) => this.send(message));
      } else receive(event.data);
    });
    // The frame loads only now, so that its 'ready' cannot come before this host listens.
    frame.src = PLAN_FRAME;
  }

  /** A new page of the view (a plan, an error, "planning"): what was shown before is dropped. */
  startOver(message: ToView): void {
    this.shown = [message];
    this.send(message);
  }

  /** Added to the current page (a run, a benchmark). */
  add(message: ToView): void {
    this.shown.push(message);
    this.send(message);
  }

  private send(message: ToView): void {
    if (this.ready) this.frame.contentWindow?.postMessage(message, '*');
  }
}
