/**
 * A second real LSP client: Neovim headless with its built-in client opens a sample and a
 * broken file. CI installs Debian's neovim; without it (a developer machine) the test is
 * skipped with a loud message, unless CEIN_REQUIRE_NEOVIM=1 or CI is set.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const hasNeovim = spawnSync('nvim', ['--version'], { encoding: 'utf8' }).status === 0;
const required = process.env.CEIN_REQUIRE_NEOVIM === '1' || Boolean(process.env.CI);
if (!hasNeovim && !required) {
  console.warn('\n*** SKIPPING the Neovim LSP test: `nvim` is not installed (apt-get install neovim). ***\n');
}

// Output index x is unknown: the error sits on the x inside the string (line 3, column of x).
const BROKEN = `input X[2, 3, 5, 5]
weight W[4, 3, 3, 3]
layer conv: Y = conv_einsum("bshw,tshw->bxhw|hw", X, W)
`;

interface Seen {
  files: { file: string; arrived: boolean; diagnostics: { message: string; range: { start: { line: number; character: number } } }[]; hover: string | null }[];
}

describe.runIf(hasNeovim || required)('Neovim as an LSP client', () => {
  it('shows no problems on a sample, the error on a broken file, and hovers with the cost', () => {
    expect(hasNeovim, 'nvim is required here but not installed').toBe(true);
    expect(existsSync('out/server.cjs'), 'out/server.cjs is missing: run npm run build').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'cein-nvim-'));
    const broken = join(dir, 'broken.cein');
    writeFileSync(broken, BROKEN);
    const result = join(dir, 'result.json');
    const run = spawnSync('nvim', ['--headless', '-u', 'NONE', '-c', `luafile ${resolve('test/lsp/neovim-client.lua')}`], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, CEIN_FILES: `${resolve('samples/cp.cein')},${broken}`, CEIN_RESULT: result },
    });
    expect(existsSync(result), `nvim wrote no result: ${run.stderr}${run.stdout}`).toBe(true);
    const seen = JSON.parse(readFileSync(result, 'utf8')) as Seen;
    const [sample, bad] = seen.files;

    expect(sample!.arrived).toBe(true);
    expect(sample!.diagnostics).toEqual([]);
    // samples/cp.cein: B=128, S=T=64, 32x32, R=16. Best order: X.Us, conv w, conv h, .Ut:
    // 2*(128*64*32*32*16) + 2*(128*32*32*16*3) = 281,018,368 MACs.
    expect(sample!.hover).toContain('281.0M');

    expect(bad!.arrived).toBe(true);
    const unknown = bad!.diagnostics.find((d) => d.message.includes('output index x does not occur in any input'));
    expect(unknown, JSON.stringify(bad!.diagnostics)).toBeDefined();
    expect(unknown!.range.start).toEqual({ line: 2, character: BROKEN.split('\n')[2]!.indexOf('bxhw') + 1 });
  }, 90_000);
});
