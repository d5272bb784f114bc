// The mocha suite of test/vscode, run in a real extension host: VS Code's server (inside
// code-server) loads the repository as the extension under development and the suite as its
// tests; a browser opens the workbench, which starts the extension host. The workbench reports
// the extension host's exit code through window.codeAutomationExit.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM } from './toolchain.mjs';
import { CHROMIUM_ARGS, freePort, stopProcess, waitForHttp } from './workbench.mjs';

const SUITE_TIMEOUT_MS = 300_000;

/** Resolves to the suite's exit code and the lines it printed. */
export async function runExtensionHostSuite(toolchain, root, dirs) {
  const port = await freePort();
  const server = spawn(
    toolchain.node,
    [
      toolchain.vscodeServer,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--disable-telemetry',
      '--disable-workspace-trust',
      // Lets the page hand the extension-development options to the workbench (its "payload").
      '--enable-smoke-test-driver',
      '--user-data-dir', dirs.user,
      '--server-data-dir', dirs.server,
      '--extensions-dir', dirs.extensions,
    ],
    { stdio: 'ignore', env: { ...process.env, EGL_PLATFORM: 'surfaceless' } },
  );
  const url = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    await waitForHttp(`${url}/version`, server);
    const page = await browser.newPage();
    const lines = [];
    let reporting = false;
    // Mocha's reporter prints with format strings (console.log('%s', ...)): put them together.
    page.on('console', async (message) => {
      let values = await Promise.all(message.args().map((arg) => arg.jsonValue().catch(() => '')));
      // The workbench prefixes what the extension host logs with a coloured level: '%c INFO', 'color: ...'.
      if (typeof values[0] === 'string' && values[0].startsWith('%c')) values = values.slice(2);
      const text = typeof values[0] === 'string' ? format(...values) : message.text();
      if (reporting || /passing|failing/.test(text) || /^\s+✔/.test(text)) lines.push(text.trimEnd());
      if (/failing/.test(text)) reporting = true;
    });
    const exited = new Promise((resolve) => void page.exposeFunction('codeAutomationExit', (code) => resolve(code)));
    const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(root)],
      ['extensionTestsPath', remote(join(root, 'out/test/vscode/suite.cjs'))],
    ];
    const folder = join(root, 'test/vscode/workspace');
    await page.goto(`${url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), SUITE_TIMEOUT_MS));
    const code = await Promise.race([exited, timeout]);
    return { code, lines };
  } finally {
    await browser.close().catch(() => {});
    await stopProcess(server);
  }
}
