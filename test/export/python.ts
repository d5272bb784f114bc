/**
 * Running the exported Python: Debian's python3 with torch and numpy. Many cases go to ONE
 * python process (a torch import takes seconds): the test writes files into a temporary folder,
 * a driver script checks them all and prints one JSON document.
 *
 * Without torch, a suite fails in CI (CI=true, or CEIN_REQUIRE_TORCH=1 as .ci/run sets) and is
 * skipped loudly elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { writeNpy } from '../../server/src/runtime/npy.js';
import type { Tensor } from '../../server/src/runtime/cpu/tensor.js';

export const PYTHON = process.env.CEIN_PYTHON ?? '/usr/bin/python3';
const DRIVERS = new URL('.', import.meta.url).pathname;

function torchProblem(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} cannot run: ${probe.error.message}`;
  if (probe.status !== 0) return `${PYTHON} has no torch or numpy (apt-get install python3-torch python3-numpy): ${probe.stderr.trim().split('\n').at(-1)}`;
  return null;
}

const problem = torchProblem();

/** A describe block that needs python with torch: fails in CI without it, skips loudly elsewhere. */
export function describeWithTorch(name: string, body: () => void): void {
  if (!problem) {
    describe(name, body);
  } else if (process.env.CI === 'true' || process.env.CEIN_REQUIRE_TORCH === '1') {
    describe(name, () => it('needs python3 with torch and numpy', () => {
      throw new Error(problem);
    }));
  } else {
    console.warn(`\n*** SKIPPED "${name}": ${problem} ***\n`);
    describe.skip(name, body);
  }
}

/** A temporary folder for one batch of cases. */
export class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'cein-torch-'));

  path(name: string): string {
    return join(this.dir, name);
  }

  write(name: string, text: string): string {
    const path = this.path(name);
    writeFileSync(path, text);
    return path;
  }

  writeTensor(name: string, t: Tensor): string {
    const path = this.path(name);
    writeFileSync(path, writeNpy(t.data, t.shape));
    return path;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs one of this folder's driver scripts with arguments; returns its stdout parsed as JSON. */
export function runDriver<T>(script: string, args: readonly string[], timeoutMs = 300_000, env: NodeJS.ProcessEnv = {}): T {
  const run = spawnSync(PYTHON, [join(DRIVERS, script), ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20, env: { ...process.env, OMP_NUM_THREADS: '1', ...env } });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`${script} exited with ${run.status}:\n${run.stderr}`);
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`${script} printed no JSON:\n${run.stdout}\n${run.stderr}`);
  }
}
