// End-to-end: the packaged extension in a real VS Code workbench (code-server in headless
// Chromium), checked by what a user sees. Needs the .vsix (npm run package) and Debian's
// chromium; installs Node 24 and code-server into a cache on first use (see toolchain.mjs).
// Screenshots and logs go to test/e2e/artifacts/.
//
// Two parts: "node", the extension as it ships (its Node entry, in code-server's Node extension
// host), and "web", the web-only package (cein-web.vsix, scripts/package-web.mjs: no "main"), which
// VS Code can only run in its web worker extension host, as vscode.dev does. CEIN_E2E_PARTS=web
// runs one of them.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExtensionHostSuite } from './extension-host-suite.mjs';
import { CHROMIUM, ensureToolchain } from './toolchain.mjs';
import { installExtension, openFile, openWorkbench, runCommand, startCodeServer, stopBrowser, textPosition, WEBGPU_CHROMIUM_ARGS, writeUserSettings } from './workbench.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const VSIX = join(root, process.env.CEIN_VSIX ?? 'cein-linux-x64.vsix');
const WEB_VSIX = join(root, process.env.CEIN_WEB_VSIX ?? 'cein-web.vsix');
const PARTS = (process.env.CEIN_E2E_PARTS ?? 'node,web').split(',');
const ARTIFACTS = join(root, 'test/e2e/artifacts');
const RUN_TIMEOUT_MS = 180_000;

const results = [];
let shots = 0;

async function check(name, page, body) {
  const started = Date.now();
  try {
    const detail = await body();
    results.push({ name, ok: true });
    console.log(`ok - ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)${detail ? `: ${detail}` : ''}`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`not ok - ${name}: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
  }
  if (page) await screenshot(page, name);
}

async function screenshot(page, name) {
  const file = join(ARTIFACTS, `${String(++shots).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().replace(/-+$/, '')}.png`);
  await page.screenshot({ path: file }).catch((e) => console.log(`  (no screenshot: ${e.message})`));
}

async function main() {
  if (PARTS.includes('node') && !existsSync(VSIX)) throw new Error(`${VSIX} is missing: run npm run package first`);
  if (PARTS.includes('web') && !existsSync(WEB_VSIX)) throw new Error(`${WEB_VSIX} is missing: run node scripts/package-web.mjs first`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });

  const toolchain = ensureToolchain();
  const scratch = mkdtempSync(join(tmpdir(), 'cein-e2e-'));
  const dirs = { user: join(scratch, 'user'), extensions: join(scratch, 'extensions') };
  const workspace = join(scratch, 'samples');
  copyWorkspace(workspace);
  writeUserSettings(dirs);

  const webDirs = { user: join(scratch, 'web-user'), extensions: join(scratch, 'web-extensions') };
  writeUserSettings(webDirs);

  const serverLog = [];
  try {
    if (PARTS.includes('node')) {
      await check('the .vsix installs into code-server', null, async () => installExtension(toolchain, VSIX, dirs).split('\n').pop());
      await inWorkbench(toolchain, dirs, workspace, serverLog, runScenario);
      await check('the test/vscode mocha suite passes in the extension host', null, async () => {
        const suiteDirs = { user: join(scratch, 'suite-user'), server: join(scratch, 'suite-server'), extensions: join(scratch, 'suite-extensions') };
        const { code, lines } = await runExtensionHostSuite(toolchain, root, suiteDirs);
        lines.forEach((line) => console.log(`    ${line}`));
        if (code !== 0) throw new Error(`the extension host exited with ${code}`);
        return lines.find((line) => /passing/.test(line))?.trim();
      });
    }
    if (PARTS.includes('web')) {
      await check('the web-only .vsix (a "browser" entry, no "main") installs into code-server', null, async () =>
        installExtension(toolchain, WEB_VSIX, webDirs).split('\n').pop(),
      );
      const withRuntime = installedHas(webDirs.extensions, 'out/browser/runtime-worker.js');
      await inWorkbench(toolchain, webDirs, workspace, serverLog, (page) => runWebScenario(page, workspace, withRuntime), WEBGPU_CHROMIUM_ARGS);
    }
  } finally {
    writeFileSync(join(ARTIFACTS, 'code-server.log'), serverLog.join(''));
    copyLogs(dirs.user);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Whether the installed cein extension ships `file`. */
function installedHas(extensionsDir, file) {
  const folder = readdirSync(extensionsDir).find((name) => name.startsWith('cein.cein-'));
  return folder !== undefined && existsSync(join(extensionsDir, folder, file));
}

/** code-server with the installed extension, the workspace open in the browser, for `scenario`. */
async function inWorkbench(toolchain, dirs, workspace, serverLog, scenario, browserArgs) {
  let server;
  let session;
  try {
    server = await startCodeServer(toolchain, dirs, workspace, (text) => serverLog.push(text));
    session = await openWorkbench(server.url, workspace, browserArgs);
    await scenario(session.page);
  } finally {
    await stopBrowser(session);
    await server?.stop();
  }
}

async function runScenario(page) {
  const refused = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
  });
  await check('a sample opens as a cein file and the extension activates', page, async () => {
    await openFile(page, 'cp.cein');
    await page.locator('.statusbar-item', { hasText: /^cein$/ }).first().waitFor({ timeout: 30_000 });
    const status = page.locator('.statusbar-item', { hasText: 'cein:' }).first();
    await status.waitFor({ timeout: 60_000 });
    return `status bar "${(await status.innerText()).trim()}"`;
  });

  await check('the grammar highlights the layer', page, async () => {
    const line = page.locator('.view-line', { hasText: 'conv_einsum' }).first();
    await line.waitFor();
    const classes = await line.locator('span > span').evaluateAll((spans) => [...new Set(spans.map((s) => s.className))]);
    if (classes.length < 3) throw new Error(`only ${classes.length} token styles on the layer line: ${classes.join(' ')}`);
    return `${classes.length} token styles on the layer line`;
  });

  await checkCostsAndProblems(page, '');

  await check('"cein: Run Layer on WebGPU" from F1 shows its time and error vs the reference, uncut', page, async () => {
    await openFile(page, 'small-cp.cein');
    await putCursorOnLayer(page);
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'cein: Run Layer on WebGPU');
    const text = await notification(page, 'ran in');
    if (!/ran in [0-9.]+ ms, max abs error [0-9.e+-]+/.test(text)) throw new Error(`no time and error figures in "${text}"`);
    await notificationShownWhole(page, 'ran in');
    return `"${text}"`;
  });

  await check('the plan view draws the contraction tree', page, async () => {
    // Room for the picture, as a user would make it: no side bar, no panel.
    await runCommand(page, 'View: Close Primary Side Bar');
    await runCommand(page, 'View: Hide Panel');
    const { view, steps, leaves } = await showCpTree(page);
    const hot = await view.locator('svg.tree g.node.heat-3').count();
    if (hot < 1) throw new Error('no step is marked as the costliest');
    if (refused.length > 0) throw new Error(`the Content-Security-Policy refused: ${refused[0]}`);
    await pictureOfPlanView(page);
    return `${steps} steps, ${leaves} operands, ${hot} marked costliest`;
  });

  await check('a benchmark from the plan view adds the timing charts', page, async () => {
    const view = planView(page);
    await runCommand(page, 'Notifications: Clear All Notifications');
    await view.locator('button', { hasText: 'Benchmark' }).click();
    const summary = await notification(page, 'median:');
    await notificationShownWhole(page, 'median:');
    await view.locator('svg.chart').first().waitFor({ timeout: 30_000 });
    const bars = await view.locator('svg.chart rect.bar').count();
    await runCommand(page, 'Notifications: Clear All Notifications');
    await pictureOfPlanView(page);
    return `${bars} bars; "${summary}"`;
  });

  await check('the charts fit a half-width plan view', page, async () => {
    // A laptop-sized window with the side bar open: the plan view beside the editor is narrower than a chart's natural width.
    const viewport = page.viewportSize();
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await page.setViewportSize({ width: 1280, height: viewport.height });
    try {
      const view = planView(page);
      await view.locator('svg.chart').first().waitFor();
      await page.waitForTimeout(500);
      const boxes = await view.locator('svg.chart').evaluateAll((charts) =>
        charts.map((chart) => {
          const main = chart.closest('main').getBoundingClientRect();
          const box = chart.getBoundingClientRect();
          return { left: box.left, right: box.right, width: box.width, natural: chart.width.baseVal.value, mainLeft: main.left, mainRight: main.right };
        }),
      );
      await page.locator('iframe.webview.ready').last().screenshot({ path: join(ARTIFACTS, 'plan-view-half-width.png') });
      for (const box of boxes) {
        if (box.right > box.mainRight + 0.5 || box.left < box.mainLeft - 0.5) {
          throw new Error(`a chart ${box.width.toFixed(0)} px wide runs out of its view (${(box.mainRight - box.mainLeft).toFixed(0)} px)`);
        }
      }
      const first = boxes[0];
      return `${boxes.length} charts, ${boxes.map((b) => b.width.toFixed(0)).join(' and ')} px wide (natural ${first.natural} px) in a view ${(first.mainRight - first.mainLeft).toFixed(0)} px wide`;
    } finally {
      await page.setViewportSize(viewport);
      await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    }
  });

  await check('the plan view follows an edit of the file', page, async () => {
    const view = planView(page);
    const row = view.locator('table.figures tr').first();
    const before = await row.innerText();
    const rank = await textPosition(page, 'R = 4', 4);
    if (!rank) throw new Error('the rank is not on screen');
    await page.mouse.dblclick(rank.x, rank.y);
    await page.keyboard.type('6');
    await view.locator('table.figures tr').first().filter({ hasNotText: before.split('\t').pop() ?? before }).waitFor({ timeout: 30_000 });
    const after = await row.innerText();
    if (await view.locator('svg.chart').count()) throw new Error('the timings of the old plan are still shown');
    return `"${before.replace(/\s+/g, ' ')}" became "${after.replace(/\s+/g, ' ')}"`;
  });

  await check('the plan view comes back after "Developer: Reload Window"', page, async () => {
    const view = planView(page);
    const title = await view.locator('h1').innerText();
    const steps = await view.locator('svg.tree g.node.step').count();
    // A reload with an edited file may ask to leave the page: leave it.
    page.on('dialog', (dialog) => void dialog.accept().catch(() => {}));
    const reloaded = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    const restored = planView(page);
    // The extension activates for the view, starts its server, which loads the workspace, then plans.
    await restored.locator('svg.tree').waitFor({ timeout: 180_000 });
    const titleAfter = await restored.locator('h1').innerText();
    const stepsAfter = await restored.locator('svg.tree g.node.step').count();
    if (titleAfter !== title || stepsAfter !== steps) throw new Error(`"${title}" with ${steps} steps before, "${titleAfter}" with ${stepsAfter} after`);
    return `"${titleAfter}", ${stepsAfter} steps`;
  });
}

/**
 * The web-only package: VS Code runs it in the web worker extension host, its language server in a
 * Web Worker beside it. What a user sees must be what the Node build shows.
 */
async function runWebScenario(page, workspace, withRuntime) {
  await check('a sample opens as a cein file and the extension activates in the web worker extension host', page, async () => {
    await openFile(page, 'cp.cein');
    await page.locator('.statusbar-item', { hasText: 'cein:' }).first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'Developer: Show Running Extensions');
    // Each row: the extension's name, its version, then where it runs (the server's address, or "web worker").
    const row = page.locator('.monaco-list-row[aria-label="cein"]', { has: page.locator('.activation-time') }).first();
    await row.waitFor({ timeout: 30_000 });
    const text = (await row.innerText()).replace(/\s+/g, ' ').trim();
    await page.screenshot({ path: join(ARTIFACTS, 'web-running-extensions.png') });
    // The list opens as a modal editor over cp.cein.
    await page.keyboard.press('Escape');
    if (!/web worker/i.test(text)) throw new Error(`cein is not in the web worker extension host: "${text}"`);
    return `running extensions: "${text}"`;
  });

  await checkCostsAndProblems(page, ', from the server in a Web Worker');

  await check('the plan view draws the contraction tree', page, async () => {
    await openFile(page, 'small-cp.cein');
    await runCommand(page, 'View: Hide Panel');
    await putCursorOnLayer(page);
    const { steps, leaves } = await showCpTree(page);
    return `${steps} steps, ${leaves} operands`;
  });

  await check('Export as PyTorch Module writes through VS Code\'s file system and opens the module', page, async () => {
    const written = join(workspace, 'small_cp_cp.py');
    rmSync(written, { force: true });
    await putCursorOnLayer(page);
    await runCommand(page, 'cein: Export as PyTorch Module');
    await page.locator('.tabs-container .tab.active[aria-label^="small_cp_cp.py"]').waitFor({ timeout: 60_000 });
    await page.locator('.view-line', { hasText: 'nn.Module' }).first().waitFor({ timeout: 10_000 });
    if (!existsSync(written)) throw new Error(`${written} was not written`);
    const text = readFileSync(written, 'utf8');
    if (!/class \w+\(.*nn\.Module\)/.test(text)) throw new Error(`small_cp_cp.py holds no module: ${text.slice(0, 200)}`);
    return `small_cp_cp.py, ${text.split('\n').length} lines`;
  });

  await check('"cein: Restart Language Server" starts a fresh worker that serves', page, async () => {
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'cein: Restart Language Server');
    await page.locator('.notification-toast', { hasText: 'the language server restarted' }).first().waitFor({ timeout: 60_000 });
    // A file first opened now gets its lens from the new server.
    await openFile(page, 'tucker.cein');
    const lens = page.locator('.editor-group-container.active .codelens-decoration', { hasText: 'FLOPs' }).first();
    await lens.waitFor({ timeout: 60_000 });
    const text = (await lens.innerText()).replace(/\s+/g, ' ').trim();
    return `tucker.cein: "${text}"`;
  });

  if (!withRuntime) {
    await check('Run in a build without the browser runtime says so', page, async () => {
      await runCommand(page, 'Notifications: Clear All Notifications');
      await planView(page).locator('button', { hasText: 'Run' }).first().click();
      return `"${await notification(page, 'no runtime is available')}"`;
    });
    console.log("skip - Run on the browser's WebGPU: this build has no out/browser/runtime-worker.js");
    return;
  }
  await check("Run from the plan view runs on the browser's WebGPU and names its adapter", page, async () => {
    await runCommand(page, 'Notifications: Clear All Notifications');
    await planView(page).locator('button', { hasText: 'Run' }).first().click();
    const text = await notification(page, 'ran in');
    if (!/ran in [0-9.]+ ms, max abs error [0-9.e+-]+ \(WebGPU\)/.test(text)) throw new Error(`no WebGPU time and error figures in "${text}"`);
    // The plan view's last run names the adapter: the browser's own (SwiftShader here), checked against the float64 reference.
    const last = (await planView(page).getByText(/^Last run:/).first().innerText({ timeout: 10_000 })).replace(/\s+/g, ' ').trim();
    if (!/browser WebGPU/.test(last)) throw new Error(`the run does not name the browser's adapter: "${last}"`);
    if (!/within tolerance/.test(last)) throw new Error(`the run does not agree with the float64 reference: "${last}"`);
    return `"${text}"; "${last}"`;
  });
}

/**
 * What both builds must show alike on cp.cein (open in the active editor): the layer's code lens,
 * a hover that agrees with it, then broken.cein's error in the Problems view.
 */
async function checkCostsAndProblems(page, where) {
  let lens;
  await check(`the code lens shows the cost and the parameters of the layer${where}`, page, async () => {
    lens = await readLens(page);
    return `"${lens.text}"`;
  });
  await check('hover over a layer shows its FLOPs, parameters and contraction tree', page, () => hoverAgreesWithLens(page, lens));
  await page.keyboard.press('Escape');
  await check("a broken file's error is in the Problems view", page, () => brokenFileInProblems(page));
}

/** "cein: Show Contraction Tree" on the CP layer at the cursor: the plan view must draw its 4 steps and 5 operands. */
async function showCpTree(page) {
  await runCommand(page, 'cein: Show Contraction Tree');
  const view = planView(page);
  await view.locator('svg.tree').waitFor({ timeout: 60_000 });
  const steps = await view.locator('svg.tree g.node.step').count();
  const leaves = await view.locator('svg.tree g.node.leaf').count();
  if (steps !== 4 || leaves !== 5) throw new Error(`${steps} steps and ${leaves} operands drawn; the CP layer has 4 and 5`);
  return { view, steps, leaves };
}

/** The layer's code lens, once drawn: its text, FLOPs and parameter share; it must offer Run, Benchmark and Show plan. */
async function readLens(page) {
  const lens = page.locator('.codelens-decoration', { hasText: 'FLOPs' }).first();
  await lens.waitFor({ timeout: 60_000 });
  const text = (await lens.innerText()).replace(/\s+/g, ' ').trim();
  for (const action of ['Run', 'Benchmark', 'Show plan']) {
    if (!text.includes(action)) throw new Error(`the lens "${text}" lacks ${action}`);
  }
  const flops = text.match(/^(\S+) FLOPs/)?.[1];
  const share = text.match(/(\S+ %) params/)?.[1];
  if (!flops) throw new Error(`the lens "${text}" shows no FLOPs`);
  if (!share) throw new Error(`the lens "${text}" lacks the parameters' share of the dense kernel`);
  return { text, flops, share };
}

/** Hovers the CP layer's line: the hover must show the lens's FLOPs and parameter share, and a contraction tree. */
async function hoverAgreesWithLens(page, lens) {
  const at = await textPosition(page, 'layer cp');
  if (!at) throw new Error('the layer line is not on screen');
  await page.mouse.move(at.x - 20, at.y);
  await page.mouse.move(at.x - 12, at.y);
  const hover = page.locator('.monaco-hover-content', { hasText: 'FLOPs' }).first();
  await hover.waitFor({ state: 'visible', timeout: 30_000 });
  const text = await hover.innerText();
  if (!/[├└]─/.test(text)) throw new Error(`the hover has no tree: ${text.slice(0, 200)}`);
  if (!lens || !text.includes(lens.flops)) throw new Error(`the hover does not show the lens's ${lens?.flops} FLOPs`);
  const params = text.match(/Parameters: .* of the dense kernel's \S+/)?.[0];
  if (!params) throw new Error(`the hover has no parameters line: ${text.slice(0, 400)}`);
  if (!params.includes(`= ${lens.share} of`)) throw new Error(`the hover's "${params}" does not show the lens's ${lens.share}`);
  const tree = text.split('\n').filter((l) => /[├└]─/.test(l)).length;
  return `the lens's ${lens.flops} FLOPs, "${params}" and a tree of ${tree + 1} lines`;
}

/** Opens broken.cein: its error, naming the index x, must reach the Problems view. */
async function brokenFileInProblems(page) {
  await openFile(page, 'broken.cein');
  await runCommand(page, 'View: Focus Problems');
  const error = page.locator('.markers-panel .monaco-list-row', { has: page.locator('.codicon-error') }).first();
  await error.waitFor({ timeout: 60_000 });
  const text = (await error.innerText()).replace(/\s+/g, ' ').trim();
  if (!text.includes('x')) throw new Error(`the error does not name the index x: ${text}`);
  return `"${text}"`;
}

/**
 * Clicks the layer's line (`conv_einsum`) of the active editor, once its code lens is drawn (the
 * lens moves the line down), and waits until the cursor is there: a palette command acts on it.
 */
async function putCursorOnLayer(page) {
  await page.locator('.editor-group-container.active .codelens-decoration', { hasText: 'FLOPs' }).first().waitFor({ timeout: 60_000 });
  const cursor = page.locator('[id="status.editor.selection"]');
  for (let attempt = 1; ; attempt++) {
    const at = await textPosition(page, 'conv_einsum');
    if (!at) throw new Error('the layer line is not on screen');
    await page.mouse.click(at.x, at.y);
    const where = await cursor.innerText({ timeout: 5000 }).catch(() => '');
    if (!/^Ln 1,/.test(where.trim())) return;
    if (attempt === 3) throw new Error(`the click on the layer left the cursor at ${where}`);
    await page.waitForTimeout(1000);
  }
}

/** Waits for cein's notification that contains `expected`; fails early on any other from cein (clear older ones first). */
const PROGRESS = /Running|Benchmarking|Planning/;

async function notification(page, expected) {
  const toasts = page.locator('.notification-toast');
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  for (;;) {
    for (const text of (await toasts.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim())) {
      // A progress notification can mention the expected words ("checking against the ... reference").
      if (PROGRESS.test(text)) continue;
      if (text.includes(expected)) {
        // Let the finished progress notification go before anyone takes a picture.
        await toasts.filter({ hasText: PROGRESS }).first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
        return text;
      }
      if (text.startsWith('cein:')) throw new Error(`cein answered: ${text}`);
    }
    if (Date.now() > deadline) throw new Error(`no notification with "${expected}" within ${RUN_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Fails when the notification that contains `expected` is cut (an ellipsis, or lines hidden):
 * what the user reads must hold the figures.
 */
async function notificationShownWhole(page, expected) {
  const message = page.locator('.notification-toast .notification-list-item-message', { hasText: expected }).first();
  const size = await message.evaluate((m) => ({ scrollWidth: m.scrollWidth, clientWidth: m.clientWidth, scrollHeight: m.scrollHeight, clientHeight: m.clientHeight }));
  if (size.scrollWidth > size.clientWidth + 1 || size.scrollHeight > size.clientHeight + 1) {
    throw new Error(`the notification is cut: ${size.scrollWidth}x${size.scrollHeight} px of text in ${size.clientWidth}x${size.clientHeight} px`);
  }
}

/** The whole plan view as one picture (plan-view.png): a window tall enough to show all of it. */
async function pictureOfPlanView(page) {
  const viewport = page.viewportSize();
  const height = await planView(page).locator('main').evaluate((main) => main.scrollHeight);
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height + 160) });
  await page.waitForTimeout(500);
  await page.locator('iframe.webview.ready').last().screenshot({ path: join(ARTIFACTS, 'plan-view.png') });
  await page.setViewportSize(viewport);
}

/** The webview's content frame inside the workbench (an iframe in an iframe). */
function planView(page) {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}

/** The packaged samples plus the test's own files: a broken layer and a layer small enough to run anywhere. */
function copyWorkspace(workspace) {
  mkdirSync(workspace, { recursive: true });
  for (const folder of ['samples', 'test/vscode/workspace']) {
    for (const file of readdirSync(join(root, folder)).filter((f) => f.endsWith('.cein'))) {
      cpSync(join(root, folder, file), join(workspace, file));
    }
  }
}

/** The workbench's logs (extension host, the cein output channel) next to the screenshots. */
function copyLogs(userDir) {
  const logs = join(userDir, 'logs');
  if (existsSync(logs)) cpSync(logs, join(ARTIFACTS, 'logs'), { recursive: true });
}

try {
  await main();
} catch (e) {
  results.push({ name: 'setup', ok: false });
  console.log(`not ok - setup: ${e instanceof Error ? e.stack : e}`);
}
const failed = results.filter((r) => !r.ok).length;
console.log(`\nscreenshots and logs: ${ARTIFACTS}`);
console.log(`e2e: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
