/**
 * Planning time against operand count on random TNN-like layers. Writes a JSON report.
 * Targets on a 2-core machine: exact optimum for 14 operands under 100 ms; a 60-operand
 * expression gets a heuristic plan within 200 ms.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { planExpression } from '../server/src/engine/planner.js';
import { machine } from './machine.js';
import { randomTnnLayer } from './networks.js';

const SEEDS_PER_SIZE = 5;
const sizes = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 20, 30, 60];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// Warm the JIT once, as an editor session would be.
planExpression(randomTnnLayer(10, 999).expression, randomTnnLayer(10, 999).shapes);

const results = sizes.map((operands) => {
  const runs = Array.from({ length: SEEDS_PER_SIZE }, (_, seed) => {
    const layer = randomTnnLayer(operands, 1000 * operands + seed);
    const plan = planExpression(layer.expression, layer.shapes);
    return { ms: plan.planMs, optimal: plan.optimal, speedup: plan.naiveMacs / plan.macs };
  });
  const ms = runs.map((r) => r.ms);
  const row = { operands, medianMs: median(ms), maxMs: Math.max(...ms), optimal: runs.every((r) => r.optimal), medianSpeedupVsLeftToRight: median(runs.map((r) => r.speedup)) };
  console.log(`${String(operands).padStart(3)} operands: median ${row.medianMs.toFixed(1)} ms, max ${row.maxMs.toFixed(1)} ms, ${row.optimal ? 'optimal' : 'heuristic'}, ${row.medianSpeedupVsLeftToRight.toFixed(2)}x fewer MACs than left-to-right`);
  return row;
});

const at = (n: number) => results.find((r) => r.operands === n)!;
const targets = {
  exact14Under100ms: { target: '< 100 ms', maxMs: at(14).maxMs, optimal: at(14).optimal, met: at(14).optimal && at(14).maxMs < 100 },
  heuristic60Under200ms: { target: '< 200 ms', maxMs: at(60).maxMs, met: at(60).maxMs < 200 },
};
const report = { benchmark: 'planner', date: new Date().toISOString(), machine: machine(), seedsPerSize: SEEDS_PER_SIZE, results, targets };
mkdirSync('bench/reports', { recursive: true });
writeFileSync('bench/reports/planner.json', `${JSON.stringify(report, null, 2)}\n`);
console.log(`targets: 14 operands exact ${targets.exact14Under100ms.met ? 'met' : 'MISSED'} (max ${at(14).maxMs.toFixed(1)} ms); 60 operands ${targets.heuristic60Under200ms.met ? 'met' : 'MISSED'} (max ${at(60).maxMs.toFixed(1)} ms)`);
console.log('report: bench/reports/planner.json');
