// Bundles the CLI, the language server, the benchmarks and the VS Code extension with esbuild.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['webgpu'],
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'out/cli.cjs' }),
  build({ ...common, entryPoints: ['server/src/main.ts'], outfile: 'out/server.cjs' }),
  build({ ...common, entryPoints: ['bench/planner.ts'], outfile: 'out/bench-planner.cjs' }),
  build({ ...common, entryPoints: ['bench/lsp.ts'], outfile: 'out/bench-lsp.cjs' }),
  // The WebGPU worker process sits next to the bundles that start it (cli.cjs, server.cjs).
  build({ ...common, entryPoints: ['server/src/runtime/jobs/worker-main.ts'], outfile: 'out/gpu-worker.cjs' }),
  build({ ...common, entryPoints: ['server/src/runtime/jobs/cpu-thread.ts'], outfile: 'out/cpu-thread.cjs' }),
  build({ ...common, entryPoints: ['bench/runtime.ts'], outfile: 'out/bench-runtime.cjs' }),
  build({ ...common, entryPoints: ['bench/torch.ts'], outfile: 'out/bench-torch.cjs' }),
  // The VS Code extension, its plan view (a browser bundle) and its extension-host test suite.
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'out/extension.cjs', external: ['vscode'], minify: true }),
  build({ ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: ['client/src/webview/view/main.ts'], outfile: 'out/plan-view.js', minify: true }),
  build({ ...common, entryPoints: ['client/src/webview/view/plan-view.css'], outfile: 'out/plan-view.css' }),
  // The extension for VS Code for the Web (the manifest's "browser" entry): a Node built-in reaching it fails this build.
  // Named .cjs: the web worker extension host loads CommonJS only, and takes a .js of a "type": "module" package for ESM.
  build({ ...common, platform: 'browser', target: 'es2022', entryPoints: ['client/src/browser/extension.ts'], outfile: 'out/browser/extension.cjs', external: ['vscode'], minify: true }),
  // The language server for browsers (a page, VS Code for the Web): a Web Worker bundle.
  build({ ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: ['server/src/browser/language-worker.ts'], outfile: 'out/browser/language-worker.js', minify: true }),
  // Its runtime (Run and Benchmark on navigator.gpu, or the CPU reference), a worker it starts beside itself.
  build({ ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: ['server/src/browser/runtime-worker.ts'], outfile: 'out/browser/runtime-worker.js', minify: true }),
  build({ ...common, entryPoints: ['test/vscode/suite/index.ts'], outfile: 'out/test/vscode/suite.cjs', external: ['vscode', 'mocha'] }),
]);
