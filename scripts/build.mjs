// Bundles the CLI, the language server and the benchmarks with esbuild.
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
]);
