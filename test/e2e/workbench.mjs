// A real VS Code workbench for the end-to-end test: code-server serving a workspace, with the
// extension installed from its .vsix, opened in headless Chromium by playwright-core. The helpers
// act as a user does: keyboard, quick input, mouse over text.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM } from './toolchain.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * For a workbench whose extension runs layers on the browser's own WebGPU (the web build): the
 * GPU process kept, WebGPU on SwiftShader (a CPU adapter that headless Chromium offers everywhere).
 */
export const WEBGPU_CHROMIUM_ARGS = [
  ...CHROMIUM_ARGS.filter((arg) => arg !== '--disable-gpu'),
  '--enable-unsafe-webgpu',
  '--use-angle=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'editor.codeLens': true,
  'editor.hover.delay': 200,
  'window.zoomLevel': 0,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export function installExtension(toolchain, vsix, dirs) {
  const result = spawnSync(
    toolchain.node,
    [toolchain.codeServer, '--install-extension', vsix, '--force', '--extensions-dir', dirs.extensions, '--user-data-dir', dirs.user],
    { encoding: 'utf8' },
  );
  const said = `${result.stdout}${result.stderr}`;
  if (result.status !== 0 || !/successfully installed/i.test(said)) throw new Error(`installing ${vsix} failed:\n${said}`);
  return said.trim();
}

export function writeUserSettings(dirs) {
  mkdirSync(join(dirs.user, 'User'), { recursive: true });
  writeFileSync(join(dirs.user, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
}

/** Starts code-server on a free port; resolves once it listens. */
export async function startCodeServer(toolchain, dirs, workspace, log) {
  const port = await freePort();
  const child = spawn(
    toolchain.node,
    [
      toolchain.codeServer,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--user-data-dir', dirs.user,
      '--extensions-dir', dirs.extensions,
      workspace,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EGL_PLATFORM: 'surfaceless' } },
  );
  child.stdout.on('data', (chunk) => log(String(chunk)));
  child.stderr.on('data', (chunk) => log(String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, child);
  return { url, stop: () => stopProcess(child) };
}

/** Polls `url` until it answers 200; fails when `child` exits or after 60 s. */
export async function waitForHttp(url, child) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within 60 s`);
    await sleep(500);
  }
}

export async function openWorkbench(url, workspace, args = CHROMIUM_ARGS) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args, headless: true });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  // The explorer is a sign that the workspace and the extension host are up.
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 90_000 });
  return { browser, page };
}

/** F1, then a command by its palette title. */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await pressEnterOn(page, { hasText: title });
}

/**
 * Quick Open (Ctrl+P) a workspace file by name; resolves once its editor is active and has the
 * language `languageId`. On a cold workbench the file search answers late (tens of seconds) and
 * an early Enter finds no row: Enter waits for the file's row, and a pick that opened nothing is
 * made again from a fresh Quick Open.
 */
export async function openFile(page, name, languageId = 'cein') {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const tab = page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).first();
  // The row of this very file (typing "cp.cein" also lists "small-cp.cein").
  const row = { has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) };
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press('Control+P');
      await input.waitFor({ state: 'visible' });
      await input.fill(name);
      await pressEnterOn(page, row, 60_000);
      await tab.waitFor({ timeout: 15_000 });
      break;
    } catch (e) {
      if (attempt === 3) throw new Error(`Quick Open did not open ${name} in 3 attempts: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
      await page.keyboard.press('Escape');
    }
  }
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor();
  await page.locator('[id="status.editor.mode"]', { hasText: languageId }).waitFor({ timeout: 30_000 });
}

/** Enter in the quick input, once the row described by `row` (locator options) is the focused one, not while the list is still filling. */
async function pressEnterOn(page, row, timeout = 30_000) {
  const focused = page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused', row).first();
  await focused.waitFor({ state: 'visible', timeout });
  await page.keyboard.press('Enter');
}

/** Centre of the first occurrence of `text` in the active editor's visible lines (or of its character at `at`). */
export async function textPosition(page, text, at) {
  return page.evaluate(([wanted, at]) => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor .view-lines') ?? document.querySelector('.monaco-editor .view-lines');
    for (const line of editor?.querySelectorAll('.view-line') ?? []) {
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      const found = (line.textContent ?? '').replace(/\u00a0/g, ' ').indexOf(wanted);
      if (found < 0) continue;
      // Tokens are separate spans: find the text node that holds the wanted character.
      let offset = found + (at ?? 0);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const length = node.textContent.length;
        if (offset < length) {
          const range = document.createRange();
          range.setStart(node, offset);
          range.setEnd(node, at === undefined ? Math.min(length, offset + wanted.length) : offset + 1);
          const box = range.getBoundingClientRect();
          return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
        }
        offset -= length;
      }
    }
    return null;
  }, [text, at]);
}

export async function stopBrowser(session) {
  await session?.browser.close().catch(() => {});
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function stopProcess(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
