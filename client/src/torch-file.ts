/**
 * Where "Export as PyTorch Module" writes, and whether it may: decisions that need no editor,
 * so that they are tested on their own (the VS Code half is LayerCommands.exportTorch). Paths are
 * URI paths (always `/`-separated), so that a workspace on any file system, local, remote or
 * virtual, gets the same answer.
 */
export const OVERWRITE = 'Overwrite';

export type Destination = { readonly path: string } | { readonly problem: string };

/**
 * The file next to the .cein file, under the name the server suggests. Only the name's last
 * segment is used, so an answer cannot write elsewhere; a name without `.py` gets it.
 */
export function torchDestination(cein: { readonly scheme: string; readonly path: string }, suggested: string): Destination {
  if (cein.scheme === 'untitled') return { problem: 'save the .cein file first: the module is written next to it' };
  const name = suggested.replace(/\\/g, '/').split('/').pop() ?? '';
  if (name === '' || name === '.' || name === '..') return { problem: `the server suggested no file name (${JSON.stringify(suggested)})` };
  const folder = cein.path.slice(0, cein.path.lastIndexOf('/') + 1);
  return { path: `${folder}${name.endsWith('.py') ? name : `${name}.py`}` };
}

/**
 * Whether to write: always over nothing; over an existing file only when the user picks
 * Overwrite (`ask` shows the question; closing it answers undefined). `ask` is not called for a new file.
 */
export async function mayWrite(exists: boolean, ask: () => PromiseLike<string | undefined>): Promise<boolean> {
  if (!exists) return true;
  return (await ask()) === OVERWRITE;
}
