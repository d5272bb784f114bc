/** The `cein.*` settings, read in one place. Defaults live in the manifest (package.json). */
import * as vscode from 'vscode';

export type Backend = 'auto' | 'webgpu' | 'cpu';
export type Objective = 'flops' | 'memory' | 'training';

export interface Settings {
  readonly backend: Backend;
  readonly objective: Objective;
  /** Largest intermediate allowed, in elements; 0 means no cap. */
  readonly memoryCap: number;
  readonly plannerBudgetMs: number;
  readonly benchmarkRepeats: number;
}

export const SECTION = 'cein';

export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration(SECTION);
  return {
    backend: config.get<Backend>('backend', 'auto'),
    objective: config.get<Objective>('objective', 'flops'),
    memoryCap: config.get<number>('memoryCap', 0),
    plannerBudgetMs: config.get<number>('plannerBudgetMs', 250),
    benchmarkRepeats: config.get<number>('benchmarkRepeats', 10),
  };
}

export async function setBackend(backend: Backend): Promise<void> {
  const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration(SECTION).update('backend', backend, target);
}
