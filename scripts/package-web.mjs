// Packages the extension for VS Code for the Web only (cein-web.vsix): the manifest without its
// Node entry ("main"), so that VS Code runs the browser entry in its web worker extension host even
// where a Node extension host exists, and only the files that build needs (no Dawn binary). Run
// after `npm run build`; the end-to-end test installs the result into code-server.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = resolve(root, process.argv[2] ?? 'cein-web.vsix');

/** What the web build runs and shows: the bundles for browsers, the plan view, the manifest's files. */
const FILES = [
  'README.md',
  'images/icon.png',
  'docs/plan-view.png',
  'out/browser/extension.cjs',
  'out/browser/language-worker.js',
  'out/browser/runtime-worker.js',
  'out/plan-view.js',
  'out/plan-view.css',
  'language/language-configuration.json',
  'syntaxes/cein.tmLanguage.json',
  'snippets/cein.json',
];
const REQUIRED = ['out/browser/extension.cjs', 'out/browser/language-worker.js', 'out/plan-view.js'];

const missing = REQUIRED.filter((file) => !existsSync(join(root, file)));
if (missing.length > 0) {
  console.error(`package-web: ${missing.join(', ')} missing: run npm run build first`);
  process.exit(1);
}

const stage = mkdtempSync(join(tmpdir(), 'cein-web-package-'));
try {
  const files = FILES.filter((file) => existsSync(join(root, file)));
  for (const file of files) {
    mkdirSync(dirname(join(stage, file)), { recursive: true });
    cpSync(join(root, file), join(stage, file));
  }
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const key of ['main', 'bin', 'scripts', 'dependencies', 'devDependencies', 'overrides']) delete manifest[key];
  manifest.files = files;
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const result = spawnSync(
    process.execPath,
    [vsce, 'package', '--target', 'web', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '--out', OUT],
    { cwd: stage, encoding: 'utf8' },
  );
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  if (result.status !== 0) process.exit(result.status ?? 1);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
