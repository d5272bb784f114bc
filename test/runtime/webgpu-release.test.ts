/**
 * Releasing a device must leave nothing for the garbage collector to trip over: a process that
 * acquires and releases devices with a write queued and a plan still running, collecting after
 * each release, ends normally (before, Dawn's GPU object could be collected with work of it in
 * flight, and the process crashed or hung).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { testGpu } from './webgpu-harness.js';

const available = await testGpu();
await available?.release();

mkdirSync('out', { recursive: true });
const dir = resolve(mkdtempSync(join('out', 'webgpu-release-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runCycles(script: string, cycles: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--expose-gc', script, String(cycles)], { env: { ...process.env, EGL_PLATFORM: 'surfaceless' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A process wedged in native code is as much a failure as a crash.
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
  });
}

describe.skipIf(!available)('releasing a device', () => {
  it('survives 30 acquire/release cycles with a write queued and a run in flight, and a collection after each', async () => {
    const script = join(dir, 'release-cycles.mjs');
    await build({ entryPoints: ['test/runtime/fixtures/release-cycles.ts'], outfile: script, bundle: true, platform: 'node', format: 'esm', target: 'node20', external: ['webgpu'], logLevel: 'warning' });
    const run = await runCycles(script, 30);
    expect({ code: run.code, signal: run.signal, stdout: run.stdout.trim() }, run.stderr.slice(-2000)).toEqual({ code: 0, signal: null, stdout: 'cycles: 30' });
  });
});
