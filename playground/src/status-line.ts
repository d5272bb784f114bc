/** The line under the editor that says what the page is doing and what the last run gave. */
export type StatusKind = 'info' | 'busy' | 'ok' | 'error';

export class StatusLine {
  constructor(private readonly element: HTMLElement) {}

  show(text: string, kind: StatusKind = 'info'): void {
    this.element.textContent = text;
    this.element.dataset.kind = kind;
  }
}
