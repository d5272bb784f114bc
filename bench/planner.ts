/**
 * Planning time, MACs and guarantee (docs/semantics.md section 4) on four sets of expressions,
 * written to bench/reports/planner.json:
 * - random TNN-like layers of 3-60 operands (bench/networks.ts);
 * - the paper's layer families (TT, TR and CP cores around a layer input) at 5-14 operands;
 * - chains, rings and binary trees of 16-120 factors, chains checked against the textbook
 *   matrix-chain DP;
 * - random 3-regular networks of 20-100 tensors.
 * Heuristic rows also give the median gain of subtree reconfiguration (MACs without it / with it).
 * Times are planMs in one warm process (the JIT warmed once, as in an editor session), median
 * and max over the seeds. Targets on a 2-core machine: every 14-operand layer exact under
 * 50 ms; 60-operand layers planned within 200 ms.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { planExpression } from '../server/src/engine/planner.js';
import type { ConvOptionsMap } from '../server/src/engine/options.js';
import type { Plan } from '../server/src/engine/plan.js';
import { tnnExpression } from '../test/helpers/expressions.js';
import { machine } from './machine.js';
import { factorRing, factorTree, matrixChain, randomRegular, randomTnnLayer, type BenchLayer } from './networks.js';

const SEEDS = 5;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The textbook O(n^3) matrix-chain DP, for the chains' optimum. */
function matrixChainOptimum(dims: readonly number[]): number {
  const n = dims.length - 1;
  const m = Array.from({ length: n }, () => new Float64Array(n));
  for (let length = 2; length <= n; length++) {
    for (let i = 0; i + length - 1 < n; i++) {
      const j = i + length - 1;
      m[i]![j] = Infinity;
      for (let k = i; k < j; k++) m[i]![j] = Math.min(m[i]![j]!, m[i]![k]! + m[k + 1]![j]! + dims[i]! * dims[k + 1]! * dims[j + 1]!);
    }
  }
  return m[0]![n - 1]!;
}

interface Case extends BenchLayer {
  readonly conv?: ConvOptionsMap;
  /** The known optimum, when an independent computation gives one. */
  readonly optimum?: number;
}

interface Row {
  readonly family: string;
  readonly operands: number;
  readonly medianMs: number;
  readonly maxMs: number;
  /** How many seeds got each guarantee. */
  readonly guarantee: Record<string, number>;
  readonly medianMacs: number;
  readonly medianSpeedupVsLeftToRight: number;
  /** For chains: whether every plan has the textbook optimum. */
  readonly matchesTextbook?: boolean;
  /** For heuristic plans: median of MACs without subtree reconfiguration / with it. */
  readonly medianReconfigurationGain?: number;
}

function measure(family: string, operands: number, make: (seed: number) => Case): Row {
  const plans: Plan[] = [];
  const cases: Case[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const c = make(1000 * operands + seed);
    cases.push(c);
    plans.push(planExpression(c.expression, c.shapes, { conv: c.conv }));
  }
  const guarantee: Record<string, number> = {};
  for (const plan of plans) {
    const key = plan.optimality ?? 'heuristic';
    guarantee[key] = (guarantee[key] ?? 0) + 1;
  }
  const ms = plans.map((p) => p.planMs);
  const gains = plans.flatMap((plan, k) => {
    if (plan.optimal) return [];
    const c = cases[k]!;
    return [planExpression(c.expression, c.shapes, { conv: c.conv, reconfigure: false }).macs / plan.macs];
  });
  const withOptimum = cases.map((c, k) => [c.optimum, plans[k]!.macs] as const).filter(([optimum]) => optimum !== undefined);
  const row: Row = {
    family,
    operands,
    medianMs: median(ms),
    maxMs: Math.max(...ms),
    guarantee,
    medianMacs: median(plans.map((p) => p.macs)),
    medianSpeedupVsLeftToRight: median(plans.map((p) => p.naiveMacs / p.macs)),
    ...(withOptimum.length > 0 ? { matchesTextbook: withOptimum.every(([optimum, macs]) => optimum === macs) } : {}),
    ...(gains.length > 0 ? { medianReconfigurationGain: median(gains) } : {}),
  };
  const said = Object.entries(guarantee).map(([g, count]) => `${count}x ${g}`).join(', ');
  const textbook = row.matchesTextbook === undefined ? '' : row.matchesTextbook ? ', = textbook optimum' : ', NOT the textbook optimum';
  const gain = row.medianReconfigurationGain === undefined ? '' : `, reconfiguration ${row.medianReconfigurationGain.toPrecision(3)}x`;
  console.log(`${family.padEnd(9)} ${String(operands).padStart(3)}: median ${row.medianMs.toFixed(1).padStart(7)} ms, max ${row.maxMs.toFixed(1).padStart(7)} ms, ${said}, ${row.medianSpeedupVsLeftToRight.toPrecision(3)}x fewer MACs than left-to-right${textbook}${gain}`);
  return row;
}

/** The 14-operand layers, by family name and seed, planned once in a fresh process (cold JIT). */
const FRESH_FAMILIES: Record<string, (seed: number) => Case> = {
  tnn: (seed) => randomTnnLayer(14, seed),
  ...Object.fromEntries((['tt', 'tr', 'cp'] as const).map((structure) => [`paper-${structure}`, (seed: number): Case => {
    const e = tnnExpression(14, seed, { structure });
    return { expression: e.text, shapes: e.shapes.map((s) => [...s]), conv: e.conv };
  }])),
};
const freshAt = process.argv.indexOf('--fresh');
if (freshAt >= 0) {
  const c = FRESH_FAMILIES[process.argv[freshAt + 1]!]!(Number(process.argv[freshAt + 2]));
  const plan = planExpression(c.expression, c.shapes, { conv: c.conv });
  process.stdout.write(JSON.stringify({ planMs: plan.planMs, optimality: plan.optimality }));
  process.exit(0);
}

/** Median planMs of each 14-operand family over fresh processes, one per seed. */
function freshProcesses(): { family: string; medianMs: number; maxMs: number; exact: boolean }[] {
  return Object.keys(FRESH_FAMILIES).map((family) => {
    const runs = Array.from({ length: SEEDS }, (_, k) => {
      const out = spawnSync(process.execPath, [process.argv[1]!, '--fresh', family, String(14000 + k + 1)], { encoding: 'utf8' });
      return JSON.parse(out.stdout) as { planMs: number; optimality: string | null };
    });
    const ms = runs.map((r) => r.planMs);
    const row = { family, medianMs: median(ms), maxMs: Math.max(...ms), exact: runs.every((r) => r.optimality === 'all trees') };
    console.log(`fresh processes, ${family.padEnd(9)} 14: median ${row.medianMs.toFixed(1).padStart(7)} ms, max ${row.maxMs.toFixed(1).padStart(7)} ms${row.exact ? ', all exact' : ''}`);
    return row;
  });
}

// Warm the JIT once, as an editor session would be.
for (const warm of [randomTnnLayer(10, 999), matrixChain(40, 999), factorRing(40, 999)]) planExpression(warm.expression, warm.shapes);

const results: Row[] = [];
for (const n of [3, 5, 8, 10, 12, 13, 14, 16, 20, 30, 60]) results.push(measure('tnn', n, (seed) => randomTnnLayer(n, seed)));
for (const structure of ['tt', 'tr', 'cp'] as const) {
  for (const n of [5, 8, 11, 14]) {
    results.push(measure(`paper-${structure}`, n, (seed) => {
      const e = tnnExpression(n, seed, { structure });
      return { expression: e.text, shapes: e.shapes.map((s) => [...s]), conv: e.conv };
    }));
  }
}
for (const n of [16, 30, 60, 120]) {
  results.push(measure('chain', n, (seed) => {
    const chain = matrixChain(n, seed);
    return { ...chain, optimum: matrixChainOptimum(chain.dims) };
  }));
}
for (const n of [16, 30, 60, 120]) results.push(measure('ring', n, (seed) => factorRing(n, seed)));
for (const n of [16, 20, 25, 30, 60, 120]) results.push(measure('tree', n, (seed) => factorTree(n, seed)));
for (const n of [20, 30, 40, 60, 100]) results.push(measure('regular3', n, (seed) => randomRegular(n, seed)));

const fresh = freshProcesses();
const rowsAt = (operands: number, family: (f: string) => boolean) => results.filter((r) => r.operands === operands && family(r.family));
const exact14 = rowsAt(14, (f) => f === 'tnn' || f.startsWith('paper-'));
const maxOf = (rows: readonly Row[]) => Math.max(...rows.map((r) => r.maxMs));
const medianOf = (rows: readonly Row[]) => Math.max(...rows.map((r) => r.medianMs));
const allExact = (rows: readonly Row[]) => rows.every((r) => (r.guarantee['all trees'] ?? 0) === SEEDS);
const at60 = rowsAt(60, () => true);
const targets = {
  exact14Under50ms: { target: 'every 14-operand layer exact, median < 50 ms', worstMedianMs: medianOf(exact14), maxMs: maxOf(exact14), exact: allExact(exact14), met: allExact(exact14) && medianOf(exact14) < 50 },
  exact14FreshUnder50ms: {
    target: 'every 14-operand family exact, median planMs over fresh processes < 50 ms',
    worstMedianMs: Math.max(...fresh.map((f) => f.medianMs)),
    met: fresh.every((f) => f.exact && f.medianMs < 50),
  },
  plan60Under200ms: { target: '60 operands planned < 200 ms', maxMs: maxOf(at60), met: maxOf(at60) < 200 },
  chainsTextbook: { target: 'chains of 16-120 matrices: the textbook optimum, optimal: true', met: results.filter((r) => r.family === 'chain').every((r) => r.matchesTextbook && !r.guarantee['heuristic']) },
};
const report = { benchmark: 'planner', date: new Date().toISOString(), machine: machine(), seeds: SEEDS, note: 'planMs in one warm process (fresh: one process per plan); median and max over the seeds', results, fresh, targets };
mkdirSync('bench/reports', { recursive: true });
writeFileSync('bench/reports/planner.json', `${JSON.stringify(report, null, 2)}\n`);
for (const [name, t] of Object.entries(targets)) console.log(`target ${name} (${t.target}): ${t.met ? 'met' : 'MISSED'}`);
console.log('report: bench/reports/planner.json');
