/**
 * An independent cost model for conv_einsum, written from docs/semantics.md sections 2-3 only, and an
 * exhaustive enumeration of every binary contraction tree. It shares no code with the engine:
 * it reads the expression with its own tiny parser, resolves padding itself and computes every
 * intermediate's shape from the set of leaves under it. All costs are BigInt.
 *
 * Rules (docs/semantics.md section 3):
 * - a leaf is the operand as given (all its indices, reduced ones too);
 * - an intermediate over leaf set S keeps an index iff some leaf in S holds it and (a leaf
 *   outside S holds it, or the output holds it);
 * - along a conv index c (held by two or more operands), the size over S is
 *     feature not in S:            (sum over filters in S of (K-1)) + 1       (combined extent)
 *     feature in S, no filter:     I                                          (unpadded input)
 *     feature in S, all filters:   O = floor((I + lo + hi - E) / s) + 1
 *     feature in S, some filters:  I + lo + hi - d * (sum over filters in S of (K-1))
 * - a step A x B costs the product over every index of A or B of:
 *     plain index (or conv index in only one of A, B): its size there;
 *     conv index in both, neither holding the feature: K_A * K_B;
 *     conv index in both, one holding the feature: O_step * K_filter, with O_step the size over
 *       A u B and K_filter the other side's combined extent.
 */

export type Tree = { readonly leaf: number } | { readonly left: Tree; readonly right: Tree };

export interface ConvSpec {
  readonly stride?: number;
  readonly dilation?: number;
  readonly padding?:
    | { readonly kind: 'explicit'; readonly lo: number; readonly hi: number }
    | { readonly kind: 'same' }
    | { readonly kind: 'valid' }
    | { readonly kind: 'full' };
  readonly mode?: string;
}

export interface ModelInput {
  readonly terms: readonly (readonly string[])[];
  readonly output: readonly string[];
  readonly convs: readonly string[];
  readonly shapes: readonly (readonly number[])[];
  readonly conv?: Readonly<Record<string, ConvSpec>>;
}

/** Reads "ab(r1),c->a|h,w" into terms; letters are one index, "(name)" is one index. */
export function readExpression(text: string): { terms: string[][]; output: string[]; convs: string[] } {
  const clean = text.replace(/\s+/g, '');
  const [left, rest] = clean.split('->') as [string, string];
  const [out, convPart] = rest.split('|') as [string, string | undefined];
  const names = (s: string): string[] => [...s.matchAll(/\(([^)]*)\)|([A-Za-z])/g)].map((m) => m[1] ?? m[2]!);
  return {
    terms: left.split(',').map(names),
    output: names(out),
    convs: convPart === undefined ? [] : names(convPart.replace(/,/g, '')),
  };
}

interface ConvFacts {
  readonly feature: number;
  /** Filter size per operand (feature excluded). */
  readonly filterSize: ReadonlyMap<number, number>;
  readonly inputSize: number;
  readonly lo: number;
  readonly hi: number;
  readonly dilation: number;
  readonly stride: number;
  readonly extent: number;
  readonly outputSize: number;
}

function max3(a: bigint, b: bigint, c: bigint): bigint {
  const ab = a > b ? a : b;
  return ab > c ? ab : c;
}

function popcount(x: number): number {
  let c = 0;
  while (x) {
    x &= x - 1;
    c++;
  }
  return c;
}

export class CostModel {
  readonly n: number;
  readonly full: number;
  /** Distinct index names of each leaf. */
  readonly leafNames: readonly (readonly string[])[];
  /** Bit mask of the operands holding each index. */
  readonly holders = new Map<string, number>();
  readonly plainSize = new Map<string, number>();
  readonly convFacts = new Map<string, ConvFacts>();
  readonly outputSet: ReadonlySet<string>;
  private readonly presentMemo = new Map<number, string[]>();
  private readonly stepMemo = new Map<number, bigint>();
  private readonly elementsMemo = new Map<number, bigint>();

  constructor(readonly input: ModelInput) {
    const { terms, output, shapes } = input;
    this.n = terms.length;
    if (this.n > 24) throw new Error('the brute-force model uses bit masks: at most 24 operands');
    this.full = (1 << this.n) - 1;
    this.outputSet = new Set(output);
    this.leafNames = terms.map((t) => [...new Set(t)]);
    const sizeIn = new Map<string, Map<number, number>>();
    terms.forEach((term, k) =>
      term.forEach((name, axis) => {
        this.holders.set(name, (this.holders.get(name) ?? 0) | (1 << k));
        if (!sizeIn.has(name)) sizeIn.set(name, new Map());
        sizeIn.get(name)!.set(k, shapes[k]![axis]!);
      }),
    );
    for (const [name, sizes] of sizeIn) {
      const ops = [...sizes.keys()].sort((a, b) => a - b);
      if (input.convs.includes(name) && ops.length >= 2) {
        // Feature: largest size, ties to the leftmost operand.
        let feature = ops[0]!;
        for (const k of ops) if (sizes.get(k)! > sizes.get(feature)!) feature = k;
        const filterSize = new Map(ops.filter((k) => k !== feature).map((k) => [k, sizes.get(k)!] as const));
        const o = input.conv?.[name] ?? {};
        const stride = o.stride ?? 1;
        const dilation = o.dilation ?? 1;
        const kTotal = [...filterSize.values()].reduce((s, k) => s + (k - 1), 0) + 1;
        const extent = dilation * (kTotal - 1) + 1;
        const padding = o.padding ?? { kind: 'same' };
        let lo: number;
        let hi: number;
        if (padding.kind === 'explicit') [lo, hi] = [padding.lo, padding.hi];
        else if (padding.kind === 'valid') [lo, hi] = [0, 0];
        else if (padding.kind === 'full') [lo, hi] = [extent - 1, extent - 1];
        else {
          lo = Math.floor((extent - 1) / 2);
          hi = extent - 1 - lo;
        }
        const inputSize = sizes.get(feature)!;
        const outputSize = Math.floor((inputSize + lo + hi - extent) / stride) + 1;
        this.convFacts.set(name, { feature, filterSize, inputSize, lo, hi, dilation, stride, extent, outputSize });
      } else {
        this.plainSize.set(name, sizes.get(ops[0]!)!);
      }
    }
  }

  isLeaf(mask: number): boolean {
    return popcount(mask) === 1;
  }

  /** Index names of the tensor over leaf set `mask`. */
  present(mask: number): string[] {
    const hit = this.presentMemo.get(mask);
    if (hit) return hit;
    let names: string[];
    if (this.isLeaf(mask)) {
      names = [...this.leafNames[31 - Math.clz32(mask)]!];
    } else {
      names = [];
      for (const [name, h] of this.holders) {
        if ((h & mask) !== 0 && ((h & ~mask) !== 0 || this.outputSet.has(name))) names.push(name);
      }
    }
    this.presentMemo.set(mask, names);
    return names;
  }

  /** Size of `name` in the tensor over leaf set `mask` (whether or not it is kept). */
  size(mask: number, name: string): number {
    const c = this.convFacts.get(name);
    if (!c) return this.plainSize.get(name)!;
    let ksum = 0;
    let filters = 0;
    for (const [k, size] of c.filterSize) {
      if (mask & (1 << k)) {
        ksum += size - 1;
        filters++;
      }
    }
    if (!(mask & (1 << c.feature))) return ksum + 1;
    if (filters === 0) return c.inputSize;
    if (filters === c.filterSize.size) return c.outputSize;
    return c.inputSize + c.lo + c.hi - c.dilation * ksum;
  }

  elements(mask: number): bigint {
    const hit = this.elementsMemo.get(mask);
    if (hit !== undefined) return hit;
    let e = 1n;
    for (const name of this.present(mask)) e *= BigInt(this.size(mask, name));
    this.elementsMemo.set(mask, e);
    return e;
  }

  /** Output shape in the expression's output order. */
  outputShape(): number[] {
    return this.input.output.map((name) => this.size(this.full, name));
  }

  /** MACs of the step A x B (disjoint leaf sets). */
  stepMacs(a: number, b: number): bigint {
    const key = a < b ? a * 65536 + b : b * 65536 + a;
    const hit = this.stepMemo.get(key);
    if (hit !== undefined) return hit;
    const inA = new Set(this.present(a));
    const inB = new Set(this.present(b));
    let macs = 1n;
    for (const name of new Set([...inA, ...inB])) {
      const c = this.convFacts.get(name);
      const size = (mask: number) => BigInt(this.size(mask, name));
      let factor: bigint;
      if (!c || !(inA.has(name) && inB.has(name))) {
        factor = size(inA.has(name) ? a : b);
      } else {
        const fA = (a & (1 << c.feature)) !== 0;
        const fB = (b & (1 << c.feature)) !== 0;
        if (!fA && !fB) factor = size(a) * size(b);
        else factor = size(a | b) * size(fA ? b : a);
      }
      macs *= factor;
    }
    this.stepMemo.set(key, macs);
    return macs;
  }

  /** Leaf set of a tree. */
  maskOf(tree: Tree): number {
    return 'leaf' in tree ? 1 << tree.leaf : this.maskOf(tree.left) | this.maskOf(tree.right);
  }

  /** MACs of a whole tree. */
  treeMacs(tree: Tree): bigint {
    if ('leaf' in tree) return 0n;
    return this.treeMacs(tree.left) + this.treeMacs(tree.right) + this.stepMacs(this.maskOf(tree.left), this.maskOf(tree.right));
  }

  /** Training cost: each step's MACs once for the forward, plus once per input needing a gradient. */
  treeTraining(tree: Tree, requiresGrad: readonly boolean[]): bigint {
    if ('leaf' in tree) return 0n;
    const grads = (m: number) => requiresGrad.some((g, k) => g && (m & (1 << k)) !== 0);
    const a = this.maskOf(tree.left);
    const b = this.maskOf(tree.right);
    const factor = 1n + (grads(a) ? 1n : 0n) + (grads(b) ? 1n : 0n);
    return this.treeTraining(tree.left, requiresGrad) + this.treeTraining(tree.right, requiresGrad) + factor * this.stepMacs(a, b);
  }

  /**
   * Peak live elements when the tree runs left child first: each step's result is live until its
   * parent step ends; operands count zero. peak(node) = max(peak(left), size(left) + peak(right),
   * size(left) + size(right) + size(node)).
   */
  treePeak(tree: Tree): bigint {
    const visit = (t: Tree): { peak: bigint; size: bigint } => {
      if ('leaf' in t) return { peak: 0n, size: 0n };
      const l = visit(t.left);
      const r = visit(t.right);
      const own = this.elements(this.maskOf(t));
      return { peak: max3(l.peak, l.size + r.peak, l.size + r.size + own), size: own };
    };
    return visit(tree).peak;
  }

  /** Largest intermediate of a tree: the results of every step but the last (0 when none). */
  /** Null when no step's output feeds another step (a tree of one step, or a lone leaf). */
  treeLargestIntermediate(tree: Tree): bigint | null {
    let best: bigint | null = null;
    const walk = (t: Tree, top: boolean) => {
      if ('leaf' in t) return;
      walk(t.left, false);
      walk(t.right, false);
      if (!top) {
        const e = this.elements(this.maskOf(t));
        if (best === null || e > best) best = e;
      }
    };
    walk(tree, true);
    return best;
  }
}

export interface TreeSummary {
  readonly tree: Tree;
  readonly macs: bigint;
  readonly training: bigint;
  /** Largest result of a non-final step (0 when there is only one step). */
  readonly largestIntermediate: bigint;
  /** Peak live elements with the better child first at every node (see CostModel.treePeak). */
  readonly peak: bigint;
}

/**
 * Every unordered binary tree over all operands (there are (2n-3)!! of them), each with its
 * MACs, training cost and largest intermediate. Exhaustive: no pruning, no minimum taken.
 */
export function allTrees(model: CostModel, requiresGrad: readonly boolean[] = []): TreeSummary[] {
  const grad = (m: number) => requiresGrad.some((g, k) => g && (m & (1 << k)) !== 0);
  const memo = new Map<number, TreeSummary[]>();
  const build = (mask: number): TreeSummary[] => {
    const hit = memo.get(mask);
    if (hit) return hit;
    let out: TreeSummary[] = [];
    if (model.isLeaf(mask)) {
      out = [{ tree: { leaf: 31 - Math.clz32(mask) }, macs: 0n, training: 0n, largestIntermediate: 0n, peak: 0n }];
    } else {
      const low = mask & -mask;
      const rest = mask & ~low;
      const size = model.elements(mask);
      const own = mask === model.full ? 0n : size;
      // Unordered splits {A, B}: A holds the lowest leaf; B is a non-empty subset of the rest.
      for (let b = rest; b > 0; b = (b - 1) & rest) {
        const a = mask & ~b;
        const step = model.stepMacs(a, b);
        const factor = 1n + (grad(a) ? 1n : 0n) + (grad(b) ? 1n : 0n);
        const sa = model.isLeaf(a) ? 0n : model.elements(a);
        const sb = model.isLeaf(b) ? 0n : model.elements(b);
        for (const x of build(a)) {
          for (const y of build(b)) {
            let largest = x.largestIntermediate > y.largestIntermediate ? x.largestIntermediate : y.largestIntermediate;
            if (own > largest) largest = own;
            const aFirst = max3(x.peak, sa + y.peak, sa + sb + size);
            const bFirst = max3(y.peak, sb + x.peak, sa + sb + size);
            out.push({
              tree: { left: x.tree, right: y.tree },
              macs: x.macs + y.macs + step,
              training: x.training + y.training + factor * step,
              largestIntermediate: largest,
              peak: aFirst < bFirst ? aFirst : bFirst,
            });
          }
        }
      }
    }
    memo.set(mask, out);
    return out;
  };
  return build(model.full);
}

export function minBy<T>(items: readonly T[], key: (t: T) => bigint): T | undefined {
  let best: T | undefined;
  let bestKey = 0n;
  for (const item of items) {
    const k = key(item);
    if (best === undefined || k < bestKey) {
      best = item;
      bestKey = k;
    }
  }
  return best;
}

/** ((0 1) 2) ... : the left-to-right order. */
export function leftToRight(n: number): Tree {
  let tree: Tree = { leaf: 0 };
  for (let k = 1; k < n; k++) tree = { left: tree, right: { leaf: k } };
  return tree;
}

/** A random binary tree over operands 0..n-1 with random splits and random left/right order. */
export function randomTree(n: number, next: () => number): Tree {
  const build = (leaves: number[]): Tree => {
    if (leaves.length === 1) return { leaf: leaves[0]! };
    const shuffled = [...leaves];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const cut = 1 + Math.floor(next() * (shuffled.length - 1));
    return { left: build(shuffled.slice(0, cut)), right: build(shuffled.slice(cut)) };
  };
  return build(Array.from({ length: n }, (_, i) => i));
}

export function countLeaves(tree: Tree): number {
  return 'leaf' in tree ? 1 : countLeaves(tree.left) + countLeaves(tree.right);
}

export function showTree(tree: Tree): string {
  return 'leaf' in tree ? String(tree.leaf) : `(${showTree(tree.left)} ${showTree(tree.right)})`;
}
