// Builds the playground into out/playground/: a static folder (HTML, scripts, styles, fonts) that
// any web server can host. The language server, the plan view and the samples are the project's
// own: the worker bundle and the plan view come from `npm run build`, the samples are embedded.
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'out/playground');

/** `import samples from 'cein:samples'`: every samples/*.cein file, by name, read at build time. */
const samplesPlugin = {
  name: 'cein-samples',
  setup(b) {
    b.onResolve({ filter: /^cein:samples$/ }, () => ({ path: 'samples', namespace: 'cein-samples' }));
    b.onLoad({ filter: /.*/, namespace: 'cein-samples' }, async () => {
      const dir = join(root, 'samples');
      const files = (await readdir(dir)).filter((f) => f.endsWith('.cein')).sort();
      const samples = await Promise.all(files.map(async (file) => ({ name: file, text: await readFile(join(dir, file), 'utf8') })));
      return { contents: `export default ${JSON.stringify(samples)};`, loader: 'js', watchFiles: files.map((f) => join(dir, f)) };
    });
  },
};

const browser = {
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
};

/**
 * Built by `npm run build`: the extension's plan view, and the language server for browsers with
 * the workers it starts beside itself (every script of out/browser/ is copied).
 */
const FROM_MAIN_BUILD = [
  ['out/browser/language-worker.js', 'language-worker.js'],
  ['out/plan-view.js', 'plan-view.js'],
  ['out/plan-view.css', 'plan-view.css'],
];

async function browserWorkers() {
  const files = await readdir(join(root, 'out/browser')).catch(() => []);
  return files.filter((f) => f.endsWith('.js') && f !== 'language-worker.js').map((f) => [`out/browser/${f}`, f]);
}

export async function buildPlayground() {
  const copies = [...FROM_MAIN_BUILD, ...(await browserWorkers())];
  for (const [from] of FROM_MAIN_BUILD) {
    await readFile(join(root, from)).catch(() => {
      throw new Error(`${from} is missing: run npm run build first`);
    });
  }
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await Promise.all([
    build({
      ...browser,
      entryPoints: { playground: 'playground/src/main.ts' },
      outdir: out,
      loader: { '.ttf': 'file' },
      assetNames: '[name]',
      plugins: [samplesPlugin],
    }),
    build({ ...browser, entryPoints: { 'editor.worker': 'node_modules/monaco-editor/esm/vs/editor/editor.worker.js' }, outdir: out }),
    build({ ...browser, entryPoints: { boot: 'playground/src/boot.ts', 'vscode-api': 'playground/src/plan-frame/vscode-api.ts' }, outdir: out }),
    ...['index.html', 'plan-frame.html', 'plan-theme.css'].map((file) => copyFile(join(root, 'playground', file), join(out, file))),
    ...copies.map(([from, to]) => copyFile(join(root, from), join(out, to))),
  ]);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = await buildPlayground();
  console.log(`Built the playground into ${dir}`);
}
