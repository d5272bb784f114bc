/**
 * The exact search over trees without outer products (connected.ts) against independent
 * computations:
 * - the textbook O(n^3) matrix-chain DP on random chains of 2-120 matrices;
 * - rings and binary trees of factors, and small random expressions with convolutions, against
 *   an exhaustive search over the splits of brute-force.ts's own cost model (every split that
 *   joins two operand sets holding a common index);
 * - random connected networks of 8-16 operands: the subset DP over all trees and the connected
 *   search agree whenever the DP's optimum has no outer product, and never beat each other wrongly;
 * - the subgraphs and pairs it enumerates, counted by brute force over all subsets.
 */
import { describe, expect, it } from 'vitest';
import { factorRing, factorTree, matrixChain } from '../../bench/networks.js';
import { connectedSearch, DEFAULT_CONNECTED_LIMITS } from '../../server/src/engine/connected.js';
import { Network } from '../../server/src/engine/network.js';
import type { Plan } from '../../server/src/engine/plan.js';
import { planExpression } from '../../server/src/engine/planner.js';
import { analyzeOrThrow } from '../../server/src/engine/shapes.js';
import { planSummary } from '../../server/src/engine/summary.js';
import { sumPlans } from '../../server/src/engine/totals.js';
import { makeRng, randomExpressions, writeExpression } from '../helpers/expressions.js';
import { allTrees, CostModel, leftToRight, minBy, readExpression } from './brute-force.js';

/** The textbook matrix-chain DP: m[i][j] = min over k of m[i][k] + m[k+1][j] + d_i d_(k+1) d_(j+1). */
function matrixChainOptimum(dims: readonly number[]): bigint {
  const n = dims.length - 1;
  const d = dims.map(BigInt);
  const m: bigint[][] = Array.from({ length: n }, () => new Array<bigint>(n).fill(0n));
  for (let length = 2; length <= n; length++) {
    for (let i = 0; i + length - 1 < n; i++) {
      const j = i + length - 1;
      let best = -1n;
      for (let k = i; k < j; k++) {
        const cost = m[i]![k]! + m[k + 1]![j]! + d[i]! * d[k + 1]! * d[j + 1]!;
        if (best < 0n || cost < best) best = cost;
      }
      m[i]![j] = best;
    }
  }
  return m[0]![n - 1]!;
}

/** Brute-force model of an expression (its own parser and cost rules). */
function modelOf(text: string, shapes: readonly (readonly number[])[], conv = {}): CostModel {
  return new CostModel({ ...readExpression(text), shapes, conv });
}

/** Whether two operand sets hold a common index (so their step is not an outer product). */
function joined(model: CostModel, a: number, b: number): boolean {
  for (const holders of model.holders.values()) if ((holders & a) !== 0 && (holders & b) !== 0) return true;
  return false;
}

/**
 * Minimum MACs over every tree whose steps all join sets holding a common index and whose
 * intermediates (the final output exempt) have at most `cap` elements; null when there is none.
 * By trying every split.
 */
function bestWithoutOuterProducts(model: CostModel, cap = Infinity, requiresGrad?: readonly boolean[]): bigint | null {
  // Training: each step costs its MACs times (1 + the inputs with an operand needing a gradient).
  const grad = (m: number) => (requiresGrad ?? []).some((g, k) => g && (m & (1 << k)) !== 0);
  const factor = (a: number, b: number) => (requiresGrad ? 1n + (grad(a) ? 1n : 0n) + (grad(b) ? 1n : 0n) : 1n);
  const memo = new Map<number, bigint | null>();
  const best = (mask: number): bigint | null => {
    if (model.isLeaf(mask)) return 0n;
    if (mask !== model.full && Number(model.elements(mask)) > cap) return null;
    const hit = memo.get(mask);
    if (hit !== undefined) return hit;
    let out: bigint | null = null;
    const low = mask & -mask;
    const rest = mask & ~low;
    for (let b = rest; b > 0; b = (b - 1) & rest) {
      const a = mask & ~b;
      if (!joined(model, a, b)) continue;
      const x = best(a);
      const y = best(b);
      if (x === null || y === null) continue;
      const total = x + y + factor(a, b) * model.stepMacs(a, b);
      if (out === null || total < out) out = total;
    }
    memo.set(mask, out);
    return out;
  };
  return best(model.full);
}

const connectedOnly = { exactLimit: 0 } as const;

/** Whether some step of a plan joins two tensors that share no index. */
function hasOuterProduct(plan: Plan): boolean {
  return plan.steps.some((step) => step.inputs.length === 2 && !step.axes.some((axis) => axis.inA && axis.inB));
}

describe('connected search: matrix chains against the textbook DP', () => {
  const lengths = [2, 3, 4, 5, 7, 10, 13, 14, 15, 16, 20, 25, 31, 32, 33, 40, 50, 60, 64, 65, 80, 100, 120];
  it.each(lengths)('a random chain of %i matrices has the textbook optimum and says optimal', (n) => {
    for (const seed of [1, 2]) {
      const chain = matrixChain(n, 1000 * n + seed);
      const plan = planExpression(chain.expression, chain.shapes, { budgetMs: 60_000 });
      expect(BigInt(plan.macs), chain.expression).toBe(matrixChainOptimum(chain.dims));
      expect(plan.optimal).toBe(true);
      expect(plan.optimality).toBe(n <= 14 ? 'all trees' : 'trees without outer products');
      expect(plan.steps).toHaveLength(n - 1);
    }
  });

  it('the rebuilt-kernel baseline of a long chain: the textbook optimum of the factors, then the input', () => {
    for (const n of [20, 45]) {
      const chain = matrixChain(n, 7 * n);
      const plan = planExpression(chain.expression, chain.shapes);
      // Operand 0 is the data; the kernel is the chain of matrices 1..n-1, applied to it last.
      const kernel = matrixChainOptimum(chain.dims.slice(1));
      const d = chain.dims.map(BigInt);
      expect(BigInt(plan.rebuiltMacs!)).toBe(kernel + d[0]! * d[1]! * d[n]!);
    }
  });

  it('the connected search alone gives the textbook optimum on short chains too', () => {
    for (let n = 2; n <= 14; n++) {
      const chain = matrixChain(n, 77 + n);
      const plan = planExpression(chain.expression, chain.shapes, connectedOnly);
      expect(BigInt(plan.macs)).toBe(matrixChainOptimum(chain.dims));
      expect(plan.optimality).toBe('trees without outer products');
    }
  });
});

describe('connected search: rings and binary trees of factors against brute force', () => {
  for (const [family, make] of [['ring', factorRing], ['binary tree', factorTree]] as const) {
    it(`${family}s of 3-8 factors: the connected search finds the best tree without outer products; the DP the best of all`, () => {
      for (let n = 3; n <= 8; n++) {
        for (const seed of [1, 2, 3]) {
          const net = make(n, 100 * n + seed);
          const model = modelOf(net.expression, net.shapes);
          const connected = planExpression(net.expression, net.shapes, connectedOnly);
          expect(BigInt(connected.macs), net.expression).toBe(bestWithoutOuterProducts(model));
          expect(connected.optimality).toBe('trees without outer products');
          const full = planExpression(net.expression, net.shapes);
          expect(BigInt(full.macs), net.expression).toBe(minBy(allTrees(model), (t) => t.macs)!.macs);
          expect(full.optimality).toBe('all trees');
        }
      }
    });
  }
});

describe('connected search: random expressions with convolutions against brute force', () => {
  const cases = randomExpressions(200, 5000);
  it('matches the best tree without outer products, or falls back to a heuristic plan when the operands are not connected', () => {
    let connectedCases = 0;
    for (const e of cases) {
      const model = modelOf(e.text, e.shapes, e.conv);
      const expected = e.terms.length === 1 ? 0n : bestWithoutOuterProducts(model);
      const plan = planExpression(e.text, e.shapes, { conv: e.conv, ...connectedOnly });
      if (expected === null) {
        expect(plan.optimal, e.text).toBe(false);
        continue;
      }
      if (e.terms.length === 1) continue;
      connectedCases++;
      // The search is bounded by the left-to-right tree: when that (with an outer product) is
      // cheaper than every tree without one, the plan is heuristic and no worse than it.
      if (plan.optimal) {
        expect(BigInt(plan.macs), e.text).toBe(expected);
        expect(plan.optimality).toBe('trees without outer products');
      } else {
        expect(BigInt(plan.naiveMacs) < expected, e.text).toBe(true);
      }
    }
    expect(connectedCases).toBeGreaterThan(100);
  });

  it('keeps to a memory cap: the best tree without outer products whose intermediates fit', () => {
    let capped = 0;
    for (const e of cases) {
      if (e.terms.length < 3) continue;
      const free = planExpression(e.text, e.shapes, { conv: e.conv, ...connectedOnly });
      if (!free.optimal || free.largestIntermediate === null || free.largestIntermediate < 2) continue;
      const cap = free.largestIntermediate - 1;
      const model = modelOf(e.text, e.shapes, e.conv);
      const expected = bestWithoutOuterProducts(model, cap);
      let plan: Plan;
      try {
        plan = planExpression(e.text, e.shapes, { conv: e.conv, memoryCap: cap, ...connectedOnly });
      } catch {
        expect(expected, e.text).toBeNull();
        continue;
      }
      if (plan.optimal) {
        expect(BigInt(plan.macs), e.text).toBe(expected);
        expect(plan.largestIntermediate ?? 0).toBeLessThanOrEqual(cap);
        capped++;
      } else {
        const naiveFits = Number(model.treeLargestIntermediate(leftToRight(e.terms.length)) ?? 0n) <= cap;
        expect(expected === null || (naiveFits && BigInt(plan.naiveMacs) < expected), e.text).toBe(true);
      }
    }
    expect(capped).toBeGreaterThan(20);
  });

  it('minimizes training MACs too, with some operands needing no gradient', () => {
    const rng = makeRng(11);
    let compared = 0;
    for (const e of cases) {
      if (e.terms.length < 3) continue;
      const requiresGrad = e.terms.map(() => rng.chance(0.5));
      const expected = bestWithoutOuterProducts(modelOf(e.text, e.shapes, e.conv), Infinity, requiresGrad);
      const plan = planExpression(e.text, e.shapes, { conv: e.conv, objective: 'training', requiresGrad, ...connectedOnly });
      if (!plan.optimal) continue;
      expect(BigInt(plan.objectiveValue), e.text).toBe(expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });
});

/** A random connected network: a random spanning tree of bonds, extra bonds, open modes, and a few indices shared by three operands. */
function randomConnectedNetwork(n: number, seed: number): { text: string; shapes: number[][] } {
  const rng = makeRng(seed);
  const terms: string[][] = Array.from({ length: n }, () => []);
  const sizes = new Map<string, number>();
  let bonds = 0;
  const bond = (holders: readonly number[]) => {
    const name = `b${bonds++}`;
    sizes.set(name, rng.int(2, 5));
    for (const k of holders) terms[k]!.push(name);
  };
  for (let k = 1; k < n; k++) bond([rng.int(0, k - 1), k]);
  for (let e = rng.int(0, n); e > 0; e--) {
    const a = rng.int(0, n - 1);
    const b = rng.int(0, n - 1);
    if (a !== b) bond([a, b]);
  }
  for (let e = rng.int(0, 2); e > 0; e--) {
    const three = rng.shuffle([...Array(n).keys()]).slice(0, 3);
    bond(three);
  }
  const output: string[] = [];
  for (let k = 0; k < n; k++) {
    if (rng.chance(0.3)) {
      const name = `o${k}`;
      sizes.set(name, rng.int(2, 3));
      terms[k]!.push(name);
      if (output.length < 6) output.push(name);
    }
  }
  const text = writeExpression(terms, output, []);
  return { text, shapes: terms.map((t) => t.map((name) => sizes.get(name)!)) };
}

describe('connected search: random connected networks of 8-16 operands against the subset DP', () => {
  it('equal optima whenever the DP needs no outer product; the DP never worse', () => {
    let compared = 0;
    for (let i = 0; i < 18; i++) {
      const n = 8 + (i % 9);
      const network = randomConnectedNetwork(n, 31 * n + i);
      const full = planExpression(network.text, network.shapes, { exactLimit: 16, budgetMs: 600_000 });
      const connected = planExpression(network.text, network.shapes, connectedOnly);
      expect(full.optimality).toBe('all trees');
      expect(connected.optimality, network.text).toBe('trees without outer products');
      expect(connected.macs).toBeGreaterThanOrEqual(full.macs);
      if (!hasOuterProduct(full)) {
        expect(connected.macs, network.text).toBe(full.macs);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(9);
  });
});

describe('connected search: enumeration', () => {
  it('finds every connected subgraph and every csg-cmp pair once, counted by brute force', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const n = 4 + (seed % 7);
      const network = randomConnectedNetwork(n, seed);
      const model = modelOf(network.text, network.shapes);
      const full = (1 << n) - 1;
      const connected = new Uint8Array(full + 1);
      // A set is connected when growing from its lowest member along joined pairs reaches all of it.
      for (let s = 1; s <= full; s++) {
        let reached = s & -s;
        for (let grew = true; grew; ) {
          grew = false;
          for (let k = 0; k < n; k++) {
            const bit = 1 << k;
            if ((s & bit) !== 0 && (reached & bit) === 0 && joined(model, reached, bit)) {
              reached |= bit;
              grew = true;
            }
          }
        }
        connected[s] = reached === s ? 1 : 0;
      }
      let subgraphs = 0;
      let pairs = 0;
      for (let s = 1; s <= full; s++) {
        if (!connected[s]) continue;
        subgraphs++;
        const low = s & -s;
        for (let a = (s - 1) & s; a > 0; a = (a - 1) & s) {
          const b = s ^ a;
          if ((a & low) !== 0 && connected[a] && connected[b] && joined(model, a, b)) pairs++;
        }
      }
      const net = new Network(analyzeOrThrow(network.text, network.shapes, {}));
      const outcome = connectedSearch(net, [...Array(n).keys()], { objective: 'flops', memoryCap: Infinity, deadline: Infinity });
      if (typeof outcome === 'string') throw new Error(`${network.text}: ${outcome}`);
      expect({ subgraphs: outcome.subgraphs, pairs: outcome.pairs }, network.text).toEqual({ subgraphs, pairs });
    }
  });

  it('prunes with a bound: the same optimum under a bound at it, no tree under a bound below it', () => {
    const options = { objective: 'flops', memoryCap: Infinity, deadline: Infinity } as const;
    for (const n of [6, 25]) {
      const chain = matrixChain(n, 9 * n);
      const net = new Network(analyzeOrThrow(chain.expression, chain.shapes, {}));
      const optimum = Number(matrixChainOptimum(chain.dims));
      const at = connectedSearch(net, [...Array(n).keys()], options, { ...DEFAULT_CONNECTED_LIMITS, upperBound: optimum });
      const below = connectedSearch(net, [...Array(n).keys()], options, { ...DEFAULT_CONNECTED_LIMITS, upperBound: optimum - 1 });
      if (typeof at === 'string' || typeof below === 'string') throw new Error('search did not run');
      expect(at.value).toBe(optimum);
      expect(at.tree).not.toBeNull();
      expect(below.tree).toBeNull();
    }
  });

  it('says when the operands are not connected, or have too many connected subgraphs for its limits', () => {
    const options = { objective: 'flops', memoryCap: Infinity, deadline: Infinity } as const;
    const apart = new Network(analyzeOrThrow('ab,bc,de->ae', [[2, 3], [3, 4], [5, 6]], {}));
    expect(connectedSearch(apart, [0, 1, 2], options)).toBe('disconnected');
    const chain = matrixChain(30, 3);
    const net = new Network(analyzeOrThrow(chain.expression, chain.shapes, {}));
    expect(connectedSearch(net, [...Array(30).keys()], options, { maxSubgraphs: 100, maxPairs: 1e9 })).toBe('too-large');
    expect(connectedSearch(net, [...Array(30).keys()], options, { maxSubgraphs: 1e9, maxPairs: 100 })).toBe('too-large');
  });
});

describe('the guarantee a plan states', () => {
  const chain = matrixChain(20, 5);
  const long = planExpression(chain.expression, chain.shapes);
  const short = planExpression('ab,bc->ac', [[2, 3], [3, 4]]);
  const heuristic = planExpression(chain.expression, chain.shapes, { exactLimit: 0, connectedSearch: false });

  it('in the CLI text: which trees the plan is optimal among, or heuristic', () => {
    expect(planSummary(long)).toMatch(/^ {2}Objective: +flops \(optimal among trees without outer products\)$/m);
    expect(planSummary(short)).toMatch(/^ {2}Objective: +flops \(optimal\)$/m);
    expect(planSummary(heuristic)).toMatch(/^ {2}Objective: +flops \(heuristic, not proven optimal\)$/m);
    expect(heuristic.optimality).toBeNull();
  });

  it('in a sum of plans: the weakest of them', () => {
    expect(sumPlans([short, short]).optimality).toBe('all trees');
    expect(sumPlans([short, long]).optimality).toBe('trees without outer products');
    expect(sumPlans([long, heuristic, short]).optimality).toBeNull();
  });
});
