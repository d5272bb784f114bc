/**
 * `cein run --backend webgpu` and `cein bench` as a user runs them: the bundled CLI in a child
 * process, its WebGPU worker next to it. Results are compared with the CPU float64 run of the
 * same plan (tolerance rule: max abs error <= 1e-4 x max|y|).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planExpression } from '../../server/src/engine/planner.js';
import { executePlan } from '../../server/src/runtime/cpu/execute.js';
import { readNpy } from '../../server/src/runtime/npy.js';
import { randomData, seededRandom } from '../../server/src/runtime/random.js';
import { bindingLimit, bundleForTests, bytesText, expectWithinTolerance, testGpu } from './webgpu-harness.js';

const available = await testGpu();
const limit = available ? bindingLimit(available) : 0;
await available?.release();
const bundles = available ? await bundleForTests() : null;
afterAll(() => bundles?.remove());

function cein(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return ceinWith(process.env, ...args);
}

function ceinWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundles!.cli, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const CP = 'bshw,rt,rs,rh,rw->bthw|hw';
const SHAPES = '2x8x9x9,4x6,4x8,4x3,4x3';

describe.skipIf(!available)('cein run --backend webgpu', () => {
  it('agrees with the CPU float64 plan on the same seeded inputs, and writes a float32 .npy', async () => {
    const out = join(bundles!.dir, 'y.npy');
    const args = ['run', '--expr', CP, '--shapes', SHAPES, '--seed', '7', '--stride', 'h=2', '--padding', 'h=1,w=2', '--padding-mode', 'w=reflect', '--out', out];
    const { code, stdout, stderr } = await cein(...args, '--backend', 'webgpu', '--check', '--json');
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.backend).toBe('webgpu');
    expect(report.adapter.name).toBeTruthy();
    expect(report.check.ok).toBe(true);
    const written = readNpy(readFileSync(out), out);
    expect(written.dtype).toBe('<f4');

    const shapes = SHAPES.split(',').map((s) => s.split('x').map(Number));
    const random = seededRandom(7);
    const inputs = shapes.map((shape) => ({ shape, data: randomData(shape, random) }));
    const conv = { h: { stride: 2, padding: { kind: 'explicit' as const, lo: 1, hi: 1 } }, w: { padding: { kind: 'explicit' as const, lo: 2, hi: 2 }, mode: 'reflect' as const } };
    expectWithinTolerance({ shape: written.shape, data: written.data }, executePlan(planExpression(CP, shapes, { conv }), inputs));
  });

  it('prints the adapter and the check in text', async () => {
    const { code, stdout } = await cein('run', '--expr', 'ij,jk->ik', '--shapes', '17x9,9x5', '--backend', 'webgpu', '--check');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ran on webgpu, .+, in f32: [\d.]+ ms .*: output 17x5/m);
    expect(stdout).toMatch(/against the CPU float64 reference: max abs error .* \(ok: at most 0\.0001 x max\|y\|\)/);
  });

  it('refuses a tensor over the adapter limits with exit 1 and a message naming it', async () => {
    // One row of 1024 f32 values past the device's own limit.
    const rows = Math.floor(limit / 4 / 1024) + 1;
    const { code, stderr } = await cein('run', '--expr', 'ij,jk->ik', '--shapes', `${rows}x1024,1024x2`, '--backend', 'webgpu');
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(/^error: /);
    expect(stderr).toContain(`error: operand 1 (ij), shape ${rows}x1024, needs ${bytesText(rows * 1024 * 4)} as f32, over `);
    expect(stderr).toMatch(new RegExp(`'s (maxStorageBufferBindingSize|maxBufferSize) of ${bytesText(limit).replace('.', '\\.')}\\.`));
  });

  it('without an adapter, says what to install (exit 1)', async () => {
    // OpenGL ES through EGL on X11 with no display: the software fallback finds nothing.
    const env = { ...process.env, EGL_PLATFORM: 'x11', DISPLAY: '' };
    const { code, stderr } = await ceinWith(env, 'run', '--expr', 'ij,jk->ik', '--shapes', '2x3,3x4', '--backend', 'webgpu', '--adapter', 'software');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: No WebGPU adapter was found\..*apt-get install -y libegl1 libegl-dev libgles2 libegl-mesa0 libgl1-mesa-dri/);
  });

  it('reports an invalid expression with exit 2, before any device is involved', async () => {
    const { code, stderr } = await cein('run', '--expr', 'ij,jk->iz', '--shapes', '2x3,3x4', '--backend', 'webgpu');
    expect(code).toBe(2);
    expect(stderr).toContain('^');
  });
});

describe.skipIf(!available)('cein bench', () => {
  it('times the optimal, left-to-right and rebuilt-kernel plans (JSON), each checked', async () => {
    const { code, stdout, stderr } = await cein('bench', '--expr', CP, '--shapes', SHAPES, '--warmup', '1', '--repeats', '2', '--check', '--json');
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.adapter.name).toBeTruthy();
    const [layer] = report.layers;
    expect(layer.plans.map((p: { name: string }) => p.name)).toEqual(['optimal', 'left-to-right', 'rebuilt-kernel']);
    const plan = planExpression(CP, SHAPES.split(',').map((s) => s.split('x').map(Number)));
    expect(layer.plans[0].macs).toBe(plan.macs);
    expect(layer.plans[1].macs).toBe(plan.naiveMacs);
    expect(layer.plans[2].macs).toBe(plan.rebuiltMacs);
    for (const p of layer.plans) {
      expect(p.check.ok).toBe(true);
      expect(p.time.runs).toBe(2);
      expect(p.gflops).toBeGreaterThan(0);
      expect(p.steps.length).toBeGreaterThan(0);
    }
  });

  it('benchmarks every layer of a samples list, with --batch setting the index b, in text', async () => {
    const file = join(bundles!.dir, 'layers.json');
    const layers = [
      { name: 'conv', expr: 'bshw,tshw->bthw|hw', shapes: [[64, 3, 8, 8], [4, 3, 3, 3]], options: { stride: 'h=2,w=2', padding: 'h=1,w=1' } },
      { name: 'depthwise', expr: 'bshw,sh,sw->bshw|hw', shapes: [[64, 4, 8, 8], [4, 3], [4, 3]] },
    ];
    writeFileSync(file, JSON.stringify({ layers }));
    const { code, stdout, stderr } = await cein('bench', file, '--batch', '2', '--warmup', '0', '--repeats', '1', '--plans', 'optimal,rebuilt-kernel');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('conv: bshw,tshw->bthw|hw');
    expect(stdout).toContain('shapes 2x3x8x8, 4x3x3x3');
    expect(stdout).toContain('depthwise: bshw,sh,sw->bshw|hw');
    expect(stdout).toMatch(/^ {2}optimal( = rebuilt-kernel)? +\S+ +1\.00x +[\d.]+/m);
    expect(stdout).toContain('steps of the optimal plan');
  });

  it('shows the orders of a single-step layer as one plan, measured once (text and JSON)', async () => {
    const args = ['bench', '--expr', 'bshw,tshw->bthw|hw', '--shapes', '2x3x8x8,4x3x3x3', '--warmup', '0', '--repeats', '2'];
    const text = await cein(...args);
    expect(text.code, text.stderr).toBe(0);
    const rows = text.stdout.split('\n').filter((line) => /^ {2}(optimal|left-to-right|rebuilt-kernel)/.test(line));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^ {2}optimal = left-to-right = rebuilt-kernel +\S+ +1\.00x +[\d.]+ +[\d.]+-[\d.]+ /);
    expect(text.stdout).toContain('\n  all three orders are the same plan, measured once\n');
    const json = await cein(...args, '--json');
    const [layer] = JSON.parse(json.stdout).layers;
    expect(layer.samePlans).toBe('all three orders are the same plan, measured once');
    expect(layer.plans.map((p: { sameAs?: string }) => p.sameAs ?? null)).toEqual([null, 'optimal', 'optimal']);
  });
});
