// Runs the extension-host test suite in a real VS Code: the one named by VSCODE_EXECUTABLE_PATH,
// or one that @vscode/test-electron downloads (VSCODE_VERSION, default stable).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const profile = mkdtempSync(join(tmpdir(), 'cein-vscode-test-'));

try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out/test/vscode/suite.cjs'),
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH || undefined,
    version: process.env.VSCODE_VERSION || 'stable',
    launchArgs: [
      join(root, 'test/vscode/workspace'),
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      `--user-data-dir=${join(profile, 'user')}`,
      `--extensions-dir=${join(profile, 'extensions')}`,
    ],
  });
} catch (e) {
  console.error(`the VS Code test suite failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
