/**
 * The `cein` command line as a user runs it: the built bundle in a child process. Expected
 * numbers are worked out by hand or by the hand-written loops of test/runtime/reference.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../../server/src/runtime/npy.js';
import { seeded, randomTensor } from '../helpers/random.js';
import { conv2d, expectClose, paddingOf } from '../runtime/reference.js';

function cein(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/cein.cjs', ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
});

describe('cein plan', () => {
  it('reports a standard 3x3 conv: B*T*S*H*W*9 MACs, twice that in FLOPs', () => {
    const { code, stdout } = cein('plan', '--expr', 'bshw,tshw->bthw|hw', '--shapes', '2x3x8x8,4x3x3x3', '--json');
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    // B=2, T=4, S=3, H=W=8 with same padding: 2*4*3*8*8*9 = 13824.
    expect(plan.macs).toBe(13824);
    expect(plan.flops).toBe(27648);
    expect(plan.naiveMacs).toBe(13824);
    expect(plan.outputShape).toEqual([2, 4, 8, 8]);
    expect(plan.path).toEqual([[0, 1]]);
    expect(plan.optimal).toBe(true);
    for (const key of ['rebuiltMacs', 'steps', 'largestIntermediate', 'peakElements', 'planMs']) expect(plan).toHaveProperty(key);
    // One step: no intermediate at all, which is not an intermediate of 0 elements.
    expect(plan.largestIntermediate).toBeNull();
  });

  it('says which trees a plan is optimal among: all trees, or trees without outer products past the subset DP', () => {
    // A chain of 20 matrices, all 2x2 but the first (3x2): a step with the first matrix under it
    // costs 3*2*2 = 12, any other 2*2*2 = 8; at least one step holds the first matrix, so the
    // best is the 2x2 part first (18 * 8) and then the first matrix: 144 + 12 = 156.
    const terms = Array.from({ length: 20 }, (_, k) => `(i${k})(i${k + 1})`);
    const shapes = ['3x2', ...Array.from({ length: 19 }, () => '2x2')].join(',');
    const long = cein('plan', '--expr', `${terms.join(',')}->(i0)(i20)`, '--shapes', shapes, '--json');
    expect(long.code).toBe(0);
    const plan = JSON.parse(long.stdout);
    expect(plan.macs).toBe(156);
    expect(plan.optimal).toBe(true);
    expect(plan.optimality).toBe('trees without outer products');
    const text = cein('plan', '--expr', `${terms.join(',')}->(i0)(i20)`, '--shapes', shapes);
    expect(text.stdout).toContain('flops (optimal among trees without outer products)');
    const short = JSON.parse(cein('plan', '--expr', 'ab,bc->ac', '--shapes', '2x3,3x4', '--json').stdout);
    expect(short.optimality).toBe('all trees');
  });

  it('applies stride, lo:hi padding and dilation per index', () => {
    const { code, stdout } = cein('plan', '-e', 'bshw,tshw->bthw|hw', '-s', '1x2x9x9,3x2x3x3', '--stride', 'h=2,w=2', '--padding', 'h=1,w=0:1', '--dilation', 'w=2', '--json');
    expect(code).toBe(0);
    // h: floor((9 + 1 + 1 - 3) / 2) + 1 = 5.  w: extent 2*(3-1)+1 = 5, floor((9 + 0 + 1 - 5) / 2) + 1 = 3.
    expect(JSON.parse(stdout).outputShape).toEqual([1, 3, 5, 3]);
  });

  it('prints a readable table with the speed-ups', () => {
    const { code, stdout } = cein('plan', '--expr', 'bshw,rt,rs,rh,rw->bthw|hw', '--shapes', '128x64x32x32,8x64,8x64,8x3,8x3');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Left-to-right MACs:.*x more/);
    expect(stdout).toMatch(/Rebuilt-kernel MACs:.*x more/);
    expect(stdout.split('\n').filter((line) => /^\s+\d+\s+\(\d+,\d+\)/.test(line))).toHaveLength(4);
  });

  it('says a plan of one step has no intermediate', () => {
    const { code, stdout } = cein('plan', '--expr', 'bshw,tshw->bthw|hw', '--shapes', '2x3x8x8,4x3x3x3');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Largest intermediate: +none: one step\n/);
  });
});

describe('cein errors', () => {
  it('exits 2 with a caret under the offending index', () => {
    const expr = 'bshw,rt->bxhw|hw';
    const { code, stderr } = cein('check', '--expr', expr, '--shapes', '8x4x5x5,2x4');
    expect(code).toBe(2);
    const lines = stderr.split('\n');
    const at = lines.findIndex((line) => line.includes('output index x does not occur in any input'));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines[at + 1]).toBe(`  ${expr}`);
    expect(lines[at + 2]).toBe(`  ${' '.repeat(expr.indexOf('x'))}^`);
  });

  it('exits 2 on a shape that does not fit its term', () => {
    const { code, stderr } = cein('plan', '--expr', 'bshw,tshw->bthw|hw', '--shapes', '2x3x8x8,4x5x3x3');
    expect(code).toBe(2);
    expect(stderr).toContain('index s has size 3 and 5 in operands 1 and 2');
  });

  it('exits 2 on an unreadable option value', () => {
    const { code, stderr } = cein('plan', '--expr', 'bshw,tshw->bthw|hw', '--shapes', '2x3x8x8,4x3x3x3', '--padding', 'h=wide');
    expect(code).toBe(2);
    expect(stderr).toContain('padding "wide" is not one of');
  });
});

describe('cein plan at sizes of 2^31 and more', () => {
  // ab,bc->ac costs a*b*c MACs (one step); the expected values are BigInt arithmetic.
  const planJson = (a: bigint, b: bigint, c: bigint) => {
    const { code, stdout, stderr } = cein('plan', '--expr', 'ab,bc->ac', '--shapes', `${a}x${b},${b}x${c}`, '--json');
    expect(code, stderr).toBe(0);
    return JSON.parse(stdout);
  };

  for (const k of [31n, 32n, 40n, 49n]) {
    it(`a = 2^${k}: exact MACs and FLOPs, not flagged`, () => {
      const plan = planJson(2n ** k, 2n, 2n);
      expect(BigInt(plan.macs)).toBe(2n ** k * 4n);
      expect(BigInt(plan.flops)).toBe(2n ** k * 8n);
      expect(plan.exact).toBe(true);
      expect(plan.inexactFigures).toEqual([]);
    });
  }

  it('a = 2^51 + 1, b = 3: the true MACs pass 2^53, so the plan flags them', () => {
    // 3 * (2^51 + 1) = 6,755,399,441,055,747 < 2^53; times c = 2: 13,510,798,882,111,494 >= 2^53.
    const plan = planJson(2n ** 51n + 1n, 3n, 2n);
    expect(plan.exact).toBe(false);
    expect(plan.inexactFigures).toEqual(expect.arrayContaining(['macs', 'flops', 'naiveMacs']));
    expect(plan.steps[0].exact).toBe(false);
    // The output, (2^51 + 1) * 2 elements, is below 2^53 and exact.
    expect(plan.inexactFigures).not.toContain('peakElements');
    expect(BigInt(plan.peakElements)).toBe((2n ** 51n + 1n) * 2n);
  });

  it('the table shows 2^31 correctly and marks figures beyond exact range', () => {
    const small = cein('plan', '--expr', 'ab,bc->ac', '--shapes', '2147483648x2,2x2');
    // 2^31 * 4 = 8,589,934,592 MACs; twice that in FLOPs.
    expect(small.stdout).toMatch(/Optimal MACs:\s+8\.590G {2}\(17\.18G FLOPs\)/);
    expect(small.stdout).not.toContain('beyond exact range');
    const large = cein('plan', '--expr', 'ab,bc->ac', '--shapes', '2251799813685248x4,4x1');
    // 2^51 * 4 = 2^53 MACs = 9.007P.
    expect(large.stdout).toMatch(/Optimal MACs:\s+≈9\.007P/);
    expect(large.stdout).toContain('beyond exact range');
  });

  for (const size of ['9007199254740992', '100000000000000000000']) {
    it(`exits 2 on a size of ${size}, naming the limit, with a caret under the index`, () => {
      const expr = 'ab,bc->ac';
      const { code, stderr } = cein('plan', '--expr', expr, '--shapes', `2x3,3x${size}`);
      expect(code).toBe(2);
      const lines = stderr.split('\n');
      const at = lines.findIndex((line) => line.includes(`index c of operand 2 has size ${size}, above 2^53 - 1`));
      expect(at, stderr).toBeGreaterThanOrEqual(0);
      expect(lines[at + 2]).toBe(`  ${' '.repeat(expr.indexOf('c'))}^`);
    });
  }
});

describe('cein plan: parameters against the dense kernel, and --data', () => {
  // CP with B=2, S=4, T=5, R=3, 6x6 maps, padding same: Ut 3*5 + Us 3*4 + Kh 3*3 + Kw 3*3 = 45
  // parameters; the dense kernel t s h w = 5*4*3*3 = 180 elements: 25 %. Applying it costs
  // B*T*S*H*W*9 = 2*5*4*6*6*9 = 12,960 MACs.
  const CP = ['--expr', 'bshw,rt,rs,rh,rw->bthw|hw', '--shapes', '2x4x6x6,3x5,3x4,3x3,3x3'];

  it('--json has the five design fields', () => {
    const { code, stdout } = cein('plan', ...CP, '--json');
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan).toMatchObject({ dataOperands: [0], params: 45, constElements: 0, denseParams: 180, compression: 0.25, denseMacs: 12960 });
  });

  it('the table has a Parameters row and a Dense kernel MACs row', () => {
    const { code, stdout } = cein('plan', ...CP);
    expect(code).toBe(0);
    expect(stdout).toContain("  Parameters:           45 = 25 % of the dense kernel's 180\n");
    expect(stdout).toContain('  Dense kernel MACs:    12.96k\n');
  });

  it('operands without a gradient are counted apart', () => {
    // Kh and Kw (9 + 9 = 18) need no gradient: 27 parameters, 27/180 = 15 %.
    const { stdout } = cein('plan', ...CP, '--requires-grad', '1,1,1,0,0');
    expect(stdout).toContain("  Parameters:           27 = 15 % of the dense kernel's 180, const 18\n");
  });

  it('--data names the data operands; the others are the factors', () => {
    // X and Ut are data: Us 12 + Kh 9 + Kw 9 = 30 parameters; their kernel keeps r (in Ut),
    // s (in X), h and w: 3*4*3*3 = 108 elements; 30/108 = 27.8 %.
    const { code, stdout } = cein('plan', ...CP, '--data', '0,1', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ dataOperands: [0, 1], params: 30, denseParams: 108 });
    expect(cein('plan', ...CP, '--data', '0,1').stdout).toContain("30 = 28 % of the dense kernel's 108");
  });

  for (const command of ['plan', 'run', 'bench', 'check']) {
    it(`${command} exits 2 on a --data list out of range, repeated or unreadable`, () => {
      const cases: [string, string][] = [
        ['5', '--data names operand 5 but the expression has 5 operands (0 to 4)'],
        ['0,2,0', '--data gives operand 0 twice ("0,2,0"); give each operand once'],
        ['x', '--data value "x" should be an operand number'],
        ['-1', '--data value "-1" should be an operand number'],
      ];
      for (const [data, message] of cases) {
        const { code, stderr } = cein(command, ...CP, '--data', data);
        expect(code, `${command} --data ${data}`).toBe(2);
        expect(stderr).toContain(message);
      }
    });
  }
});

describe('cein run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cein-cli-'));

  it('convolves .npy inputs and writes the float64 output', () => {
    const random = seeded(11);
    const x = randomTensor([2, 3, 7, 6], random);
    const w = randomTensor([4, 3, 3, 3], random);
    writeFileSync(join(dir, 'x.npy'), writeNpy(x.data, x.shape, '<f8'));
    writeFileSync(join(dir, 'w.npy'), writeNpy(w.data, w.shape, '<f8'));
    const out = join(dir, 'y.npy');
    const { code, stdout, stderr } = cein('run', '--expr', 'bshw,tshw->bthw|hw', '--inputs', `${join(dir, 'x.npy')},${join(dir, 'w.npy')}`, '--out', out, '--padding', 'h=1,w=valid', '--stride', 'h=2', '--json');
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout).outputShape).toEqual([2, 4, 4, 4]);
    const y = readNpy(readFileSync(out));
    expect(y.dtype).toBe('<f8');
    const expected = conv2d(x, w, { stride: 2, dilation: 1, ...paddingOf(1, 3, 1), mode: 'zeros' }, { stride: 1, dilation: 1, ...paddingOf('valid', 3, 1), mode: 'zeros' });
    expectClose({ shape: y.shape, data: y.data }, expected);
  });

  it('reports the error against the direct evaluation for seeded random inputs', () => {
    const { code, stdout } = cein('run', '--expr', 'bshw,rt,rs,rh,rw->bthw|hw', '--shapes', '2x4x6x6,3x5,3x4,3x3,3x3', '--seed', '7', '--check', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.outputShape).toEqual([2, 5, 6, 6]);
    expect(report.check.relativeError).toBeLessThan(1e-12);
    expect(report.check.maxAbsReference).toBeGreaterThan(0);
  });
});

describe('cein samples', () => {
  it('plans and runs every sample layer, all agreeing with the direct evaluation', () => {
    const { code, stdout } = cein('samples', 'samples/expressions.json', '--backend', 'cpu', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.ok).toBe(true);
    expect(report.layers.length).toBeGreaterThanOrEqual(8);
    const cp = report.layers.find((l: { name: string }) => l.name === 'CP');
    // CP at B=128, S=T=64, H=W=32, R=16: cheapest order is (X.V) -> conv w -> conv h -> (.U):
    // 128*64*32*32*16 + 2 * (128*32*32*16*3) + 128*64*32*32*16 = 281,018,368 MACs.
    expect(cp.macs).toBe(2 * 128 * 64 * 32 * 32 * 16 + 2 * 128 * 32 * 32 * 16 * 3);
    // Its parameters: 16*64 * 2 + 16*3 * 2 = 2,144 of the dense 64*64*3*3 = 36,864.
    expect(cp).toMatchObject({ params: 2144, constElements: 0, denseParams: 36864, compression: 2144 / 36864 });
  });

  it('the table shows each layer\'s parameters against its dense kernel', () => {
    const { code, stdout } = cein('samples', 'samples/expressions.json', '--backend', 'cpu');
    expect(code).toBe(0);
    expect(stdout).toContain('parameters');
    // The CP layer as above: 2,144 of 36,864 = 5.82 %.
    expect(stdout).toMatch(/\nCP +.*2,144 = 5\.8 % of the dense kernel's 36\.86k/);
  });

  it('runs on WebGPU by default, and on the CPU with a notice when there is no adapter', () => {
    // A hardware adapter only: on a machine without a GPU (CI) this is the fallback path.
    const { code, stdout, stderr } = cein('samples', 'samples/expressions.json', '--adapter', 'hardware', '--json');
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.ok).toBe(true);
    if (report.backend === 'cpu') expect(report.notice).toContain('no WebGPU adapter, so the layers run on the CPU');
    else expect(report.backend).toBe('webgpu');
    const cp = report.layers.find((l: { name: string }) => l.name === 'CP');
    expect(cp.macs).toBe(2 * 128 * 64 * 32 * 32 * 16 + 2 * 128 * 32 * 32 * 16 * 3);
  });
});

/** The CP layer of the paper at batch 16: a plan of about 0.5 GMACs, a direct evaluation of 9.66e9 products. */
const CP = ['--expr', 'bshw,rt,rs,rh,rw->bthw|hw', '--shapes', '16x64x32x32,16x64,16x64,16x3,16x3'];

function timed(...args: string[]) {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['bin/cein.cjs', ...args], { encoding: 'utf8', timeout: 45_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, seconds: (performance.now() - started) / 1000 };
}

describe('cein usage errors exit 2 with a message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cein-usage-'));
  const layer = ['--expr', 'bshw,tshw->bthw|hw', '--shapes', '2x3x8x8,4x3x3x3'];
  const cases: [string, string[], string][] = [
    ['an unknown option', ['plan', ...layer, '--bogus'], "unknown option '--bogus'"],
    ['an objective that is not one of the choices', ['plan', ...layer, '--objective', 'speed'], "argument 'speed' is invalid"],
    ['a missing --expr', ['plan', '--shapes', '2x3x8x8,4x3x3x3'], "required option '-e, --expr <spec>' not specified"],
    ['a seed that is not a number', ['run', ...layer, '--seed', 'abc'], '--seed "abc" must be a whole number'],
    ['--requires-grad of the wrong length', ['plan', ...layer, '--requires-grad', '1,0,1'], '--requires-grad gives 3 flags but the expression has 2 operands'],
    ['a fractional --memory-cap', ['plan', ...layer, '--memory-cap', '0.5'], '--memory-cap "0.5" must be a positive whole number'],
    ['an index given twice', ['plan', ...layer, '--padding', 'h=1,h=2'], '--padding gives h twice'],
    ['an empty --out', ['run', ...layer, '--out', ''], '--out: the output path is empty'],
    ['--inputs together with --shapes', ['run', ...layer, '--inputs', join(dir, 'x.npy')], 'give either --inputs'],
    ['a samples file together with --expr', ['bench', 'samples/expressions.json', '--expr', 'bshw,tshw->bthw|hw'], 'give either a samples file'],
    ['a timeout past what a timer holds (2^31 ms)', ['run', ...layer, '--timeout', '3000000'], '--timeout 3000000 is too long: at most 2147483 seconds'],
  ];
  it.each(cases)('%s', (_, args, message) => {
    const { code, stderr } = cein(...args);
    expect(stderr).toContain(message);
    expect(code).toBe(2);
  });

  it('names the file when --inputs names a folder', () => {
    const { code, stderr } = cein('run', '--expr', 'bshw,tshw->bthw|hw', '--inputs', `${dir},${dir}`);
    expect(code).not.toBe(0);
    expect(stderr).toContain(`cannot read ${dir}: it is a folder`);
  });
});

describe('cein run: bounded on the cpu', () => {
  it('stops at --timeout, wherever the run is (here in the direct check)', () => {
    const { code, stderr, seconds } = timed('run', ...CP, '--check', '--check-limit', '1e12', '--timeout', '1');
    expect(stderr).toContain('took longer than 1000 ms and was stopped');
    expect(code).toBe(1);
    // The full direct check sums 9.66e9 products: minutes. A generous bound for a loaded machine.
    expect(seconds).toBeLessThan(30);
  });

  it('checks a random sample of output positions when the full direct evaluation is past --check-limit', () => {
    const { code, stdout, stderr } = timed('run', ...CP, '--check', '--check-limit', '1e6', '--json');
    expect(code, stderr).toBe(0);
    const { check } = JSON.parse(stdout);
    // One output element sums S*R*3*3 = 64*16*9 = 9216 products; 1e6 of them allow floor(1e6 / 9216) = 108 positions.
    expect(check.positions).toBe(108);
    expect(check.outputElements).toBe(16 * 64 * 32 * 32);
    // All of them: 16*64*64*32*32*16*3*3 products (b, s, t, h, w, r, kh, kw).
    expect(check.fullProducts).toBe(16 * 64 * 64 * 32 * 32 * 16 * 9);
    expect(check.sampled).toBe(true);
    expect(check.relativeError).toBeLessThan(1e-12);
  });

  it('refuses a check when one output element is past the limit, saying what it costs and what to do', () => {
    const { code, stderr } = timed('run', ...CP, '--check', '--check-limit', '1000');
    expect(stderr).toContain('the direct evaluation needs 9,216 products for one output element');
    expect(stderr).toContain('raise --check-limit, or check the plan with --backend webgpu --check');
    expect(code).toBe(2);
  });
});

describe('cein run --out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cein-out-'));

  it('reports a path it cannot write before computing anything', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    // With --check the full direct evaluation of this layer takes minutes; the path is refused first.
    const { code, stderr, seconds } = timed('run', ...CP, '--check', '--out', join(file, 'y.npy'));
    expect(stderr).toContain(`cannot write ${join(file, 'y.npy')}: ${file} is not a folder`);
    expect(code).toBe(2);
    expect(seconds).toBeLessThan(20);
    const missing = cein('run', ...CP, '--out', join(dir, 'no-such-folder', 'y.npy'));
    expect(missing.stderr).toContain(`the folder ${join(dir, 'no-such-folder')} does not exist`);
    expect(missing.code).toBe(2);
    const folder = cein('run', ...CP, '--out', dir);
    expect(folder.stderr).toContain(`${dir} is a folder`);
    expect(folder.code).toBe(2);
  });

  it('replaces a file whole, and leaves no temporary file behind', () => {
    const out = join(dir, 'y.npy');
    writeFileSync(out, 'an older result');
    const { code, stderr } = cein('run', '--expr', 'ij,jk->ik', '--shapes', '2x3,3x4', '--out', out);
    expect(code, stderr).toBe(0);
    expect(readNpy(readFileSync(out)).shape).toEqual([2, 4]);
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});

describe('cein problem reports stay bounded', () => {
  it('15,000 bad characters: a short report, quickly', () => {
    const expression = `ab${'€'.repeat(15_000)},b->a`;
    const { code, stderr, seconds } = timed('check', '--expr', expression, '--shapes', '2,2');
    expect(code).toBe(2);
    expect(stderr).toContain("unexpected character '€'");
    expect(stderr).toMatch(/\.\.\. and \d+ more problems/);
    // Unbounded, each of the 15,000 problems printed the whole expression: 0.79 GB.
    expect(stderr.length).toBeLessThan(20_000);
    expect(seconds).toBeLessThan(20);
  });

  it('an emoji is one problem, its range covering both UTF-16 halves', () => {
    const expression = 'a😀b,b->a';
    const { code, stdout } = cein('check', '--expr', expression, '--shapes', '2x2,2', '--json');
    expect(code).toBe(2);
    const problems = JSON.parse(stdout).problems.filter((p: { code: string }) => p.code === 'unexpected-character');
    expect(problems).toHaveLength(1);
    expect(problems[0].range).toEqual({ start: 1, end: 3 });
    expect(expression.slice(1, 3)).toBe('😀');
  });
});
