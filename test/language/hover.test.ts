/**
 * Hover texts. Every expected figure is computed by hand from the cost model of
 * docs/semantics.md section 3, in the comments next to it; none is taken from the engine.
 */
import { readFileSync } from 'node:fs';
import type { LangiumDocument } from 'langium';
import { describe, expect, test } from 'vitest';
import { cein, parseDocument, SMALL_CP } from './cein-test-kit.js';

async function hoverAt(document: LangiumDocument, offset: number): Promise<string | undefined> {
  const hover = await cein.lsp.HoverProvider!.getHoverContent(document, { textDocument: { uri: document.uri.toString() }, position: document.textDocument.positionAt(offset) });
  const contents = hover?.contents;
  return contents && typeof contents === 'object' && 'value' in contents ? contents.value : undefined;
}

/** Hover over the n-th occurrence of `needle` (plus `shift` characters into it). */
async function hover(text: string, needle: string, shift = 0, occurrence = 0): Promise<string | undefined> {
  const document = await parseDocument(text);
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) offset = text.indexOf(needle, offset + 1);
  expect(offset).toBeGreaterThanOrEqual(0);
  return hoverAt(document, offset + shift);
}

// Standard 3x3 conv: B=2, S=3, T=4, 5x5 maps, padding same.
// MACs = B*T*S*H*W*9 = 2*4*3*5*5*9 = 5,400; FLOPs 10,800. One step, so left-to-right and the
// rebuilt kernel are the same order. Peak: the output, 2*4*5*5 = 200 elements = 800 B.
const STANDARD = `input X[2, 3, 5, 5]
weight W[4, 3, 3, 3]
layer conv: Y = conv_einsum("bshw,tshw->bthw|hw", X, W) { h: stride 2, padding 1 }
`;

describe('hover on an expression', () => {
  test('a standard conv: MACs, FLOPs, the baselines, memory and the tree', async () => {
    // With stride 2 and padding 1 along h the output is 3 rows: MACs = 2*4*3*3*5*9 = 3,240.
    const text = await hover(STANDARD, 'conv_einsum');
    expect(text).toContain('**layer conv** · `Y` → `2x4x3x5`');
    expect(text).toContain('| optimal, objective flops | 3,240 | 6,480 |  |');
    expect(text).toContain('| left-to-right | 3,240 | 6,480 | 1.00x |');
    expect(text).toContain('| rebuilt kernel | 3,240 | 6,480 | 1.00x |');
    // Peak: the output, 2*4*3*5 = 120 elements = 480 B.
    expect(text).toContain('peak live: 120 elements (480 B f32)');
    // One step: no intermediate, rather than "0 elements (0 B)".
    expect(text).toContain('Largest intermediate: none: one step · peak live');
    // One step, so one line, naming the operands it takes.
    expect(text).toContain('```text\nbshw,tshw->bthw|hw  2x4x3x5  3,240 MACs  ← X, W\n```');
  });

  test('a CP layer: the best order against left-to-right and the rebuilt kernel', async () => {
    // X[2,4,5,5], Ut, Us [2,4], Kh, Kw [2,3]; b=2 s=t=4 h=w=5 r=2, padding same.
    // Best: X·Us (contract s) 2*4*5*5*2 = 400 -> brhw; ·Kh along h: (5*3)*b*r*w = 15*20 = 300;
    //       ·Kw along w: 300; ·Ut (contract r) 2*2*5*5*4 = 400. Total 1,400 MACs = 2,800 FLOPs.
    // Left-to-right: X·Ut outer 2*4*25*2*4 = 1,600; ·Us 1,600; ·Kh 15*2*5*2*4 = 1,200; ·Kw 1,200
    //       = 5,600 = 4.00x.
    // Rebuilt kernel: every order ends in the step that sums r over t,s,h,w: 2*4*4*3*3 = 288;
    //       the cheapest halves are Us·Kh (2*4*3 = 24) and Ut·Kw (24), against 18 + 32 for
    //       Kh·Kw and Us·Ut: kernel 336. X conv kernel 2*4*4*5*5*9 = 7,200; total 7,536 = 5.38x.
    // Largest intermediate: brhw, 2*2*5*5 = 100 elements = 400 B.
    const text = await hover(SMALL_CP, 'conv_einsum');
    expect(text).toContain('| optimal, objective flops | 1,400 | 2,800 |  |');
    expect(text).toContain('| left-to-right | 5,600 | 11.20k | 4.00x |');
    expect(text).toContain('| rebuilt kernel | 7,536 | 15.07k | 5.38x |');
    expect(text).toContain('Largest intermediate: 100 elements (400 B f32)');
    // Parameters: Ut, Us 2*4 + Kh, Kw 2*3 = 28 of the kernel t s h w = 4*4*3*3 = 144: 19.4 %.
    expect(text).toContain("Parameters: 28 = 19 % of the dense kernel's 144");
    const tree = text!.split('```text\n')[1]!.split('\n```')[0]!;
    // One line per step, each with the operands it takes directly: every operand once.
    const steps = tree.split('\n');
    expect(steps.map((line) => line.match(/(\S+) MACs/)![1]).sort()).toEqual(['300', '300', '400', '400']);
    const taken = steps.flatMap((line) => line.split('  ← ')[1]?.split(', ') ?? []);
    expect(taken.sort()).toEqual(['Kh', 'Kw', 'Us', 'Ut', 'X']);
  });

  test('hovering the layer name shows the same', async () => {
    expect(await hover(SMALL_CP, 'cp:')).toContain('| optimal, objective flops | 1,400 |');
  });

  test('the largest sample layer fits a hover: figures, then one line per step', async () => {
    // samples/hierarchical-tucker.cein: eight operands (X, Ut, Us, Uh, Uw, Bts, Bhw, Root), the
    // most of any sample layer, so seven steps. The hover: the title, the table (header, rule
    // and three orders), the parameters line, the memory line, the tree's seven lines in a code
    // block, with blank lines between the five parts: 1 + 1 + 5 + 1 + 1 + 1 + 1 + 1 + 9 = 21 lines.
    const source = readFileSync('samples/hierarchical-tucker.cein', 'utf8');
    const operands = source.match(/conv_einsum\("[^"]*",([^)]*)\)/)![1]!.split(',').map((name) => name.trim());
    expect(operands).toHaveLength(8);
    const text = (await hover(source, 'conv_einsum'))!;
    expect(text.split('\n').length).toBeLessThanOrEqual(21);
    for (const figure of ['| optimal, objective flops |', '| left-to-right |', '| rebuilt kernel |', 'Parameters: ', 'Largest intermediate: ', 'peak live: ']) expect(text).toContain(figure);
    const tree = text.split('```text\n')[1]!.split('\n```')[0]!.split('\n');
    expect(tree).toHaveLength(operands.length - 1);
    expect(tree.flatMap((line) => line.split('  ← ')[1]?.split(', ') ?? []).sort()).toEqual([...operands].sort());
  });

  test('a tree of more steps than a hover holds: the first steps, then how many more', async () => {
    // A chain of 12 matrices, one size each: 11 steps. The hover draws 8 lines: 7 steps and
    // a line for the other 4.
    const names = Array.from({ length: 12 }, (_, k) => `M${k}`);
    const letters = 'abcdefghijklm';
    const terms = names.map((_, k) => letters[k]! + letters[k + 1]!);
    const source = `${names.map((name) => `input ${name}[2, 2]`).join('\n')}\nlayer chain: Y = conv_einsum("${terms.join(',')}->am", ${names.join(', ')})\n`;
    const text = (await hover(source, 'conv_einsum'))!;
    const tree = text.split('```text\n')[1]!.split('\n```')[0]!.split('\n');
    expect(tree).toHaveLength(8);
    expect(tree.slice(0, 7).every((line) => / MACs/.test(line))).toBe(true);
    expect(tree[7]).toBe('… 4 more steps');
    expect(text.endsWith('```\n\nShow plan draws the whole tree.')).toBe(true);
  });

  test('a layer with errors says the cost comes later', async () => {
    expect(await hover('input X[2, 3]\nlayer l: Y = conv_einsum("ij->ix", X)\n', 'conv_einsum')).toContain("once the layer's problems are fixed");
  });
});

describe('hover on an index', () => {
  test('a conv index: kind, sizes per operand with feature and filter, output size and options', async () => {
    // h: input 5, filter 3, stride 2, padding 1: floor((5 + 1 + 1 - 3) / 2) + 1 = 3.
    const text = await hover(STANDARD, '"bshw', 3);
    expect(text).toContain('**h** · conv index · output size 3');
    expect(text).toContain('| X | 5 | feature |');
    expect(text).toContain('| W | 3 | filter |');
    expect(text).toContain('output size **3** = ⌊(5 + 1 + 1 − 3) / 2⌋ + 1');
    expect(text).toContain('stride 2 · dilation 1 · padding 1 · mode zeros');
  });

  test('a conv index with the default padding shows what "same" resolves to', async () => {
    // w: filter 3, same padding: lo = floor(2/2) = 1, hi = 1; output 5.
    const text = await hover(STANDARD, '"bshw', 4);
    expect(text).toContain('output size **5** = ⌊(5 + 1 + 1 − 3) / 1⌋ + 1');
    expect(text).toContain('padding same (1:1)');
  });

  test('a contracted index', async () => {
    const text = await hover(STANDARD, '"bshw', 2);
    expect(text).toContain('**s** · contracted index · summed');
    expect(text).toContain('| X | 3 |');
    expect(text).toContain('| W | 3 |');
  });

  test('a free index, hovered in the output term', async () => {
    expect(await hover(STANDARD, '->bthw', 3)).toContain('**t** · free index · output size 4');
  });

  test('a batch index', async () => {
    const text = await hover('input X[2, 3]\ninput Z[2, 3]\nlayer l: Y = conv_einsum("ij,ij->i", X, Z)\n', '"ij', 1);
    expect(text).toContain('**i** · batch index · output size 2');
  });

  test('an index in the options block', async () => {
    expect(await hover(STANDARD, 'h: stride')).toContain('**h** · conv index');
  });
});

describe('hover on names', () => {
  test('a declared tensor: shape, elements and bytes', async () => {
    // 2*3*5*5 = 150 elements = 600 B.
    expect(await hover(STANDARD, 'X[')).toBe('**X** · input · no gradient\n\n`2x3x5x5` · 150 elements · 600 B f32');
  });

  test('a tensor used as an operand', async () => {
    // 4*3*3*3 = 108 elements = 432 B.
    expect(await hover(STANDARD, 'W)')).toBe('**W** · weight · requires gradient\n\n`4x3x3x3` · 108 elements · 432 B f32');
  });

  test('a layer output: the engine-inferred shape', async () => {
    // 2*4*3*5 = 120 elements = 480 B.
    expect(await hover(STANDARD, 'Y =')).toBe('**Y** · output of layer conv · requires gradient\n\n`2x4x3x5` · 120 elements · 480 B f32');
  });

  test('a size constant: its value', async () => {
    expect(await hover('let S = 64\nlet R = S / 4\ninput X[R]\nlayer l: Y = conv_einsum("i->i", X)\n', 'R =')).toBe('**R** = 16\n\nUsed by layer l');
  });

  test('a network: the total over its layers', async () => {
    // a: ij,jk->ik with 2x3, 3x4: 2*3*4 = 24 MACs. b: ik,kl->il with 2x4, 4x5: 2*4*5 = 40 MACs.
    // Total 64 MACs = 128 FLOPs. Peak: the larger output, 2*5 = 10 elements = 40 B.
    const source = 'input X[2, 3]\nweight A[3, 4]\nweight B[4, 5]\nnetwork n(X) {\n  layer a: Y1 = conv_einsum("ij,jk->ik", X, A)\n  layer b: Y2 = conv_einsum("ik,kl->il", Y1, B)\n}\n';
    const text = await hover(source, 'n(X)');
    expect(text).toContain('**network n** · 2 layers · 128 FLOPs · same as left-to-right · peak 40 B');
    expect(text).toContain('| a | 2x4 | 24 |');
    expect(text).toContain('| b | 2x5 | 40 |');
    // A 3*4 = 12 and B 4*5 = 20 are each their layer's whole kernel: 32 of 32.
    expect(text).toContain("Parameters: 32 = 100 % of the dense kernels' 32");
  });
});

describe('hover at sizes of 2^31 and more', () => {
  // X[2^51, 4] · W[4, 1]: 2^51 * 4 = 2^53 MACs (9.007P), 2^54 FLOPs (18.01P): both beyond exact
  // range. The output, 2^51 elements = 2.252P (2^53 B = 8.00 PiB), is exact.
  const LARGE = 'input X[2251799813685248, 4]\nweight W[4, 1]\nlayer l: Y = conv_einsum("ab,bc->ac", X, W)\n';

  test('figures beyond exact range carry ≈ and the note; exact ones do not', async () => {
    const text = await hover(LARGE, 'conv_einsum');
    expect(text).toContain('| optimal, objective flops | ≈9.007P | ≈18.01P |  |');
    expect(text).toContain('| left-to-right | ≈9.007P | ≈18.01P | ≈1.00x |');
    expect(text).toContain('peak live: 2.252P elements (8.00 PiB f32)');
    expect(text).toContain('beyond exact range');
    expect(text).toContain('ab,bc->ac  2251799813685248x1  ≈9.007P MACs');
  });

  test('2^31 rows: exact, positive, no mark', async () => {
    // 2^31 * 2 * 2 = 2^33 = 8,589,934,592 MACs = 8.590G; FLOPs 17.18G.
    const text = await hover('input X[2147483648, 2]\nweight W[2, 2]\nlayer l: Y = conv_einsum("ab,bc->ac", X, W)\n', 'conv_einsum');
    expect(text).toContain('| optimal, objective flops | 8.590G | 17.18G |  |');
    expect(text).not.toMatch(/≈|beyond exact range/);
  });

  test('a tensor of 2^64 elements', async () => {
    // 2^32 * 2^32 = 2^64 = 18.45E elements; 2^66 B = 64.00 EiB.
    const text = await hover('input X[4294967296, 4294967296]\nlayer l: Y = conv_einsum("ij->i", X)\n', 'X[');
    expect(text).toBe('**X** · input · no gradient\n\n`4294967296x4294967296` · ≈18.45E elements (beyond exact range) · ≈64.00 EiB f32');
  });
});

describe('hover: the guarantee of the plan', () => {
  test('a chain of 16 matrices, past the subset DP: optimal among trees without outer products, at the textbook optimum', async () => {
    // A 2x3 input, then 16 weights W_k[d_k, d_(k+1)]: a chain of 17 matrices.
    const dims = [2, 3, 7, 2, 6, 4, 8, 3, 5, 2, 9, 4, 3, 6, 2, 5, 7, 3];
    const n = dims.length - 1;
    const names = Array.from({ length: n }, (_, k) => (k === 0 ? 'X' : `W${k}`));
    const declarations = names.map((name, k) => `${k === 0 ? 'input' : 'weight'} ${name}[${dims[k]}, ${dims[k + 1]}]`);
    const terms = names.map((_, k) => `(i${k})(i${k + 1})`);
    const text = `${declarations.join('\n')}\nlayer chain: Y = conv_einsum("${terms.join(',')}->(i0)(i${n})", ${names.join(', ')})\n`;
    // The textbook matrix-chain DP: m[i][j] = min over k of m[i][k] + m[k+1][j] + d_i d_(k+1) d_(j+1).
    const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let length = 2; length <= n; length++) {
      for (let i = 0; i + length - 1 < n; i++) {
        const j = i + length - 1;
        m[i]![j] = Math.min(...Array.from({ length: j - i }, (_, t) => m[i]![i + t]! + m[i + t + 1]![j]! + dims[i]! * dims[i + t + 1]! * dims[j + 1]!));
      }
    }
    const macs = m[0]![n - 1]!;
    expect(await hover(text, 'conv_einsum')).toContain(`| optimal among trees without outer products, objective flops | ${macs.toLocaleString('en-US')} |`);
  });
});
