/**
 * The manifest's `browser` entry, as VS Code for the Web loads it: a CommonJS bundle evaluated with
 * a `require` that knows only `vscode` (there is no Node there). Reads the built bundle (npm run build).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { browser?: string; main?: string };

/** Stands for the whole `vscode` API: any property, call or construction gives itself. */
const anything: unknown = new Proxy(function vscode() {}, {
  get: (target, key) => (key === 'prototype' ? target.prototype : anything),
  apply: () => anything,
  construct: () => anything as object,
});

describe('the browser entry', () => {
  const code = readFileSync(manifest.browser ?? '(no "browser" entry in package.json)', 'utf8');

  test('names nothing to require but vscode', () => {
    const required = new Set([...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]));
    expect([...required]).toEqual(['vscode']);
  });

  test('loads as CommonJS with only vscode and exports activate and deactivate', () => {
    const module = { exports: {} as Record<string, unknown> };
    const requireInBrowser = (name: string): unknown => {
      if (name !== 'vscode') throw new Error(`the browser entry requires ${name}`);
      return anything;
    };
    new Function('module', 'exports', 'require', code)(module, module.exports, requireInBrowser);
    expect(typeof module.exports.activate).toBe('function');
    expect(typeof module.exports.deactivate).toBe('function');
  });

  test('is named .cjs: the web worker extension host takes a .js of a "type": "module" package for ESM, which it refuses', () => {
    expect(manifest.browser).toMatch(/\.cjs$/);
    expect(manifest.browser).not.toBe(manifest.main);
  });
});
