/**
 * `cein fit` as a user runs it (the built bundle, out/cli.cjs: `npm run build` first). The
 * answers are worked out by hand: a CP layer of rank R has 22 R parameters here, against a
 * dense 8x8x3x3 = 576-element kernel.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';

const CP = `let B = 2
let R = 8
input X[B, 8, 6, 6]
weight Ut[R, 8]
weight Us[R, 8]
weight Kh[R, 3]
weight Kw[R, 3]
layer cp: Y = conv_einsum("bshw,rt,rs,rh,rw->bthw|hw", X, Ut, Us, Kh, Kw)
`;

let file: string;

beforeAll(() => {
  expect(existsSync('out/cli.cjs'), 'out/cli.cjs is missing: run npm run build').toBe(true);
  file = join(mkdtempSync(join(tmpdir(), 'cein-fit-')), 'cp.cein');
  writeFileSync(file, CP);
});

function cein(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/cein.cjs', ...args], { encoding: 'utf8', timeout: 45_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cein fit', () => {
  test('params <= 200: R = 9 (198), with a table of nearby values', () => {
    const { code, stdout } = cein('fit', file, '--let', 'R', '--params', '200');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^R = 9 \(now 8\): the largest value for which layer cp meets params ≤ 200\n/);
    expect(stdout).toContain("Tried R = 1 to 27: there the factors reach the dense kernel's 576 elements.");
    const rows = stdout.split('\n').filter((line) => /^\s+\d+/.test(line)).map((line) => line.trim().split(/\s{2,}/));
    expect(rows.map((r) => [r[0], r[1], r.at(-1)])).toEqual([
      ['6', '132', 'yes'],
      ['7', '154', 'yes'],
      ['8', '176', 'yes'],
      ['9 *', '198', 'yes'],
      ['10', '220', 'no: params'],
      ['11', '242', 'no: params'],
      ['12', '264', 'no: params'],
    ]);
    // 198 / 576 = 34.375%.
    expect(rows[3]![2]).toBe('34 %');
  });

  test('--json: the value, the range and every candidate', () => {
    const { code, stdout } = cein('fit', file, '--let', 'R', '--compression', '10%', '--json');
    expect(code).toBe(0);
    const answer = JSON.parse(stdout);
    // 22 R / 576 <= 0.1: R <= 2.6.
    expect(answer).toMatchObject({ name: 'R', current: 8, value: 2, layers: ['cp'], budget: { compression: 0.1 }, range: { from: 1, to: 27, end: 'dense' } });
    expect(answer.candidates).toHaveLength(27);
    expect(answer.candidates[2]).toMatchObject({ value: 3, params: 66, denseParams: 576, fits: false, over: ['compression'] });
    expect(answer.nearby.map((c: { value: number }) => c.value)).toEqual([1, 2, 3, 4, 5]);
  });

  test('no value fits: exit 2, the table and why', () => {
    const { code, stdout, stderr } = cein('fit', file, '--let', 'R', '--params', '10');
    expect(code).toBe(2);
    expect(stdout).toMatch(/^no value of R meets params ≤ 10 for layer cp/);
    expect(stderr).toBe('error: no value of R from 1 to 27 meets params ≤ 10 for layer cp\n');
  });

  test.each([
    [['--params', '-1'], 'error: --params "-1" must be a positive number, optionally with k, M, G or T (e.g. 200k)'],
    [['--compression', '2'], 'error: --compression "2" must be a fraction of the dense kernel above 0 and at most 1 (e.g. 0.1 or 10%)'],
    [['--peak', '12 apples'], 'error: --peak "12 apples" must be a positive number of bytes, optionally with KiB, MiB, GiB or TiB (e.g. 64MiB)'],
    [[], 'error: give a budget: --params, --compression, --flops or --peak'],
  ])('a bad budget %j: exit 2 with a clear message', (flags, message) => {
    const { code, stderr } = cein('fit', file, '--let', 'R', ...flags);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(message);
  });

  test('an unknown constant, one that sizes no factor, one that does not reach the layer, an unknown layer: exit 2', () => {
    expect(cein('fit', file, '--let', 'Q', '--params', '10')).toMatchObject({ code: 2, stderr: `error: no constant Q in ${file} (its constants: B, R)\n` });
    expect(cein('fit', file, '--let', 'B', '--params', '10')).toMatchObject({
      code: 2,
      stderr: 'error: B is not a size of any factor of layer cp (it sizes only data or options there); fitting needs a size of a weight or const\n',
    });
    const other = join(mkdtempSync(join(tmpdir(), 'cein-fit-')), 'two.cein');
    writeFileSync(other, `${CP}let Q = 2\ninput Z[2, 4]\nweight P[Q, 4]\nlayer q: Y2 = conv_einsum("bs,qs->bq", Z, P)\n`);
    expect(cein('fit', other, '--let', 'Q', '--layer', 'cp', '--params', '10')).toMatchObject({ code: 2, stderr: 'error: Q does not influence layer cp: no size or option of its operands depends on it\n' });
    expect(cein('fit', other, '--let', 'R', '--layer', 'nope', '--params', '10')).toMatchObject({ code: 2, stderr: `error: no layer nope in ${other}\n` });
  });

  test('a file that does not parse, or cannot be read: exit 2 with the place', () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'cein-fit-')), 'broken.cein');
    writeFileSync(broken, 'let R = 8\nweight U[R, \n');
    const { code, stderr } = cein('fit', broken, '--let', 'R', '--params', '10');
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^error: ${broken.replace(/[.]/g, '\\.')} has errors; fix them first:\\n${broken.replace(/[.]/g, '\\.')}:\\d+:\\d+: `));
    expect(cein('fit', join(tmpdir(), 'no-such-file.cein'), '--let', 'R', '--params', '10')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: cannot read .*no-such-file\.cein: ENOENT/) });
  });
});
