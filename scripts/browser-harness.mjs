// The browser harness page (test/browser/harness/) with the built browser workers
// (out/browser/), served from a temporary folder and opened in Debian's chromium, headless, with
// or without WebGPU (SwiftShader). Used by the browser tests and the runtime benchmark.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serveStatic } from './serve-static.mjs';

export const CHROMIUM = process.env.CEIN_E2E_CHROMIUM ?? '/usr/bin/chromium';
/** WebGPU on SwiftShader, the CPU adapter headless chromium offers on a machine without a GPU. */
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader'];
const COMMON_ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const WORKERS = ['language-worker.js', 'runtime-worker.js'];

/** What is missing to open the harness (chromium, a built worker), or null. */
export function harnessMissing(root) {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install -y chromium, or set CEIN_E2E_CHROMIUM)`;
  const unbuilt = WORKERS.filter((file) => !existsSync(join(root, 'out/browser', file)));
  return unbuilt.length > 0 ? `out/browser/${unbuilt.join(', ')} missing: run npm run build` : null;
}

/** The harness open in a fresh browser; close() ends the browser, the server and the folder. */
export async function openHarness(root, { webgpu }) {
  const dir = mkdtempSync(join(tmpdir(), 'cein-browser-'));
  cpSync(join(root, 'test/browser/harness'), dir, { recursive: true });
  for (const file of WORKERS) cpSync(join(root, 'out/browser', file), join(dir, file));
  const server = await serveStatic(dir);
  const args = [...COMMON_ARGS, ...(webgpu ? WEBGPU_ARGS : ['--disable-gpu'])];
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
  const page = await browser.newPage();
  const console = [];
  page.on('console', (message) => console.push(message.text()));
  page.on('pageerror', (error) => console.push(`page error: ${error.message}`));
  await page.goto(server.url);
  await page.waitForFunction(() => window.harness !== undefined);
  return {
    page,
    browserVersion: browser.version(),
    console,
    async close() {
      await browser.close().catch(() => {});
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
