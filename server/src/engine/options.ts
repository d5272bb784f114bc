/** Per-conv-index options (docs/semantics.md section 2); defaults: stride 1, dilation 1, padding same, mode zeros. */

export type Padding =
  | { readonly kind: 'explicit'; readonly lo: number; readonly hi: number }
  | { readonly kind: 'same' }
  | { readonly kind: 'valid' }
  | { readonly kind: 'full' };

export const PADDING_MODES = ['zeros', 'circular', 'reflect', 'replicate'] as const;
export type PaddingMode = (typeof PADDING_MODES)[number];

export interface ConvOptions {
  readonly stride?: number;
  readonly dilation?: number;
  readonly padding?: Padding;
  readonly mode?: PaddingMode;
}

/** Options keyed by index name (`h`, `t1`). */
export type ConvOptionsMap = Readonly<Record<string, ConvOptions>>;

export const OBJECTIVES = ['flops', 'memory', 'training'] as const;
export type Objective = (typeof OBJECTIVES)[number];

export function formatPadding(padding: Padding): string {
  switch (padding.kind) {
    case 'explicit':
      return padding.lo === padding.hi ? String(padding.lo) : `${padding.lo}:${padding.hi}`;
    default:
      return padding.kind;
  }
}

/**
 * Reads a padding written as `1`, `0:1`, `(0,1)`, `same`, `valid` or `full`.
 * Returns a message instead when the text is none of these.
 */
export function parsePadding(text: string): Padding | string {
  const t = text.trim().toLowerCase();
  if (t === 'same' || t === 'valid' || t === 'full') return { kind: t };
  const single = /^\d+$/.exec(t);
  if (single) return { kind: 'explicit', lo: Number(t), hi: Number(t) };
  const pair = /^\(?\s*(\d+)\s*[:,]\s*(\d+)\s*\)?$/.exec(t);
  if (pair) return { kind: 'explicit', lo: Number(pair[1]), hi: Number(pair[2]) };
  return `padding "${text}" is not one of: an integer, lo:hi, same, valid, full`;
}

export function isPaddingMode(text: string): text is PaddingMode {
  return (PADDING_MODES as readonly string[]).includes(text);
}
