/**
 * The design numbers of every sample family (docs/semantics.md section 3), counted by hand from
 * the shapes each samples/*.cein file declares, and the text that hovers, lenses and the CLI show
 * for them. The data operand is X (or a layer output); every weight is a factor. The dense kernel
 * holds one element per combination of the factors' indices that X or the output keeps.
 */
import { readFileSync } from 'node:fs';
import { AstUtils } from 'langium';
import { describe, expect, test } from 'vitest';
import type { Plan } from '../../server/src/engine/plan.js';
import { isLayer, isNetwork, type Layer, type Network } from '../../server/src/language/generated/ast.js';
import { cein, parseDocument } from './cein-test-kit.js';

async function layersOf(text: string): Promise<Map<string, Plan>> {
  const document = await parseDocument(text);
  const plans = new Map<string, Plan>();
  for (const node of AstUtils.streamAllContents(document.parseResult.value)) {
    if (!isLayer(node)) continue;
    const outcome = cein.typing.CeinTyping.planOf(node as Layer);
    if (!outcome || 'problem' in outcome) throw new Error(`layer ${node.name} has no plan`);
    plans.set(node.name, outcome.plan);
  }
  return plans;
}

async function hoverOf(text: string, offset: number): Promise<string> {
  const document = await parseDocument(text);
  const hover = await cein.lsp.HoverProvider!.getHoverContent(document, { textDocument: { uri: document.uri.toString() }, position: document.textDocument.positionAt(offset) });
  const contents = hover?.contents;
  return contents && typeof contents === 'object' && 'value' in contents ? contents.value : '';
}

async function lensTitles(text: string): Promise<string[]> {
  const document = await parseDocument(text);
  const lenses = (await cein.lsp.CodeLensProvider!.provideCodeLens(document, { textDocument: { uri: document.uri.toString() } })) ?? [];
  return lenses.map((l) => l.command?.title ?? '').filter((title) => title.includes('FLOPs'));
}

const sample = (name: string) => readFileSync(`samples/${name}.cein`, 'utf8');

/** The 3x3 dense kernel of 64 -> 64 channels: T*S*3*3 = 64*64*9 = 36,864 elements (36.86k). */
const DENSE_64 = 36_864;

// One row per family: params counted from the declared shapes; the percentage by hand.
const FAMILIES: readonly { file: string; layer: string; params: number; dense: number; shown: string }[] = [
  // W[64, 64, 3, 3] = 36,864: the kernel itself.
  { file: 'standard', layer: 'conv', params: 36_864, dense: DENSE_64, shown: "36.86k = 100 % of the dense kernel's 36.86k" },
  // R=16: Ut 16*64 + Us 16*64 + Kh 16*3 + Kw 16*3 = 1,024 + 1,024 + 48 + 48 = 2,144; 2,144/36,864 = 5.82 %.
  { file: 'cp', layer: 'cp', params: 2_144, dense: DENSE_64, shown: "2,144 = 5.8 % of the dense kernel's 36.86k" },
  // R1=R2=16: Ut 1,024 + Us 1,024 + Core 16*16*9 = 2,304 -> 4,352; 11.8 %.
  { file: 'tucker', layer: 'tucker', params: 4_352, dense: DENSE_64, shown: "4,352 = 12 % of the dense kernel's 36.86k" },
  // R=16: Gt 1,024 + Gh 16*16*3 = 768 + Gw 768 + Gs 1,024 = 3,584; 9.72 %.
  { file: 'tt', layer: 'tt', params: 3_584, dense: DENSE_64, shown: "3,584 = 9.7 % of the dense kernel's 36.86k" },
  // R=8: Gt 8*8*64 = 4,096 + Gh 192 + Gw 192 + Gs 4,096 = 8,576; 23.3 %.
  { file: 'tr', layer: 'tr', params: 8_576, dense: DENSE_64, shown: "8,576 = 23 % of the dense kernel's 36.86k" },
  // C=4, R=8: Ut 4*8*64 = 2,048 + Us 2,048 + Core 4*8*8*9 = 2,304 -> 6,400; 17.4 %.
  { file: 'block-term', layer: 'bt', params: 6_400, dense: DENSE_64, shown: "6,400 = 17 % of the dense kernel's 36.86k" },
  // R=8: Ut 512 + Us 512 + Uh 24 + Uw 24 + Bts 512 + Bhw 512 + Root 64 = 2,160; 5.86 %.
  { file: 'hierarchical-tucker', layer: 'ht', params: 2_160, dense: DENSE_64, shown: "2,160 = 5.9 % of the dense kernel's 36.86k" },
  // Reshaped: the dense kernel is t1 t2 t3 s1 s2 s3 h w = 4^6 * 9 = 36,864 as well.
  // R=16: U1..U3 16*4*4 = 256 each -> 768, K 16*9 = 144 -> 912; 2.47 %.
  { file: 'reshaped-cp', layer: 'rcp', params: 912, dense: DENSE_64, shown: "912 = 2.5 % of the dense kernel's 36.86k" },
  // R=8: U1..U3 8*16 = 128 each -> 384, Core 8^3*9 = 4,608 -> 4,992; 13.5 %.
  { file: 'reshaped-tucker', layer: 'rtucker', params: 4_992, dense: DENSE_64, shown: "4,992 = 14 % of the dense kernel's 36.86k" },
  // R=16: G1 4*4*16 = 256 + G2 16*16*16 = 4,096 + G3 4,096 + G4 16*9 = 144 -> 8,592; 23.3 %.
  { file: 'reshaped-tt', layer: 'rtt', params: 8_592, dense: DENSE_64, shown: "8,592 = 23 % of the dense kernel's 36.86k" },
  // R=8: G1..G3 8*16*8 = 1,024 each -> 3,072, G4 8*9*8 = 576 -> 3,648; 9.90 %.
  { file: 'reshaped-tr', layer: 'rtr', params: 3_648, dense: DENSE_64, shown: "3,648 = 9.9 % of the dense kernel's 36.86k" },
  // W[4, 16, 16, 3, 3] = 9,216, the one factor, so the dense kernel itself.
  { file: 'group-conv', layer: 'group', params: 9_216, dense: 9_216, shown: "9,216 = 100 % of the dense kernel's 9,216" },
  // Primary 4*16*16*9 = 9,216 + Secondary 16*4*4 = 256 -> 9,472. The kernel keeps g, s, h, w (in X)
  // and u, t (in the output): 4*16*9*4*16 = 36,864; 25.7 %.
  { file: 'interleaved-group-conv', layer: 'igc', params: 9_472, dense: 36_864, shown: "9,472 = 26 % of the dense kernel's 36.86k" },
  // depthwise: Kh 64*3 + Kw 64*3 = 384 against the kernel s h w = 64*9 = 576; 66.7 %.
  { file: 'depthwise-separable', layer: 'depthwise', params: 384, dense: 576, shown: "384 = 67 % of the dense kernel's 576" },
  // pointwise: P 64*64 = 4,096, the one factor.
  { file: 'depthwise-separable', layer: 'pointwise', params: 4_096, dense: 4_096, shown: "4,096 = 100 % of the dense kernel's 4,096" },
  // CP ResNet-34 at CIFAR sizes. stem: W[64, 3, 3, 3] = 1,728, the kernel itself.
  { file: 'cp-resnet34', layer: 'stem', params: 1_728, dense: 1_728, shown: "1,728 = 100 % of the dense kernel's 1,728" },
  // s2b1a: R2=32: t 32*128 = 4,096 + s 32*64 = 2,048 + h, w 32*3 each = 192 -> 6,336 against
  // 128*64*9 = 73,728; 8.59 %.
  { file: 'cp-resnet34', layer: 's2b1a', params: 6_336, dense: 73_728, shown: "6,336 = 8.6 % of the dense kernel's 73.73k" },
  // s4b1b: R4=128: 128*512*2 + 128*3*2 = 131,072 + 768 = 131,840 against 512*512*9 = 2,359,296; 5.59 %.
  { file: 'cp-resnet34', layer: 's4b1b', params: 131_840, dense: 2_359_296, shown: "131.8k = 5.6 % of the dense kernel's 2.359M" },
];

describe('design numbers of every sample family, by hand', () => {
  for (const family of FAMILIES) {
    test(`${family.file} ${family.layer}: ${family.shown}`, async () => {
      const text = sample(family.file);
      const plan = (await layersOf(text)).get(family.layer)!;
      expect(plan.params).toBe(family.params);
      expect(plan.constElements).toBe(0);
      expect(plan.denseParams).toBe(family.dense);
      expect(plan.compression).toBeCloseTo(family.params / family.dense, 12);
      const hover = await hoverOf(text, text.indexOf(`layer ${family.layer}:`) + 'layer '.length);
      expect(hover).toContain(`Parameters: ${family.shown}`);
    });
  }

  test('a standard conv: compression 1 and the dense MACs are its MACs', async () => {
    // 128*64*64*32*32*9 = 4,831,838,208 (padding same keeps 32x32).
    const plan = (await layersOf(sample('standard'))).get('conv')!;
    expect(plan.compression).toBe(1);
    expect(plan.macs).toBe(4_831_838_208);
    expect(plan.denseMacs).toBe(4_831_838_208);
  });

  test('the lens of the CP sample: its FLOPs, the ratio, and the share of the dense kernel', async () => {
    // 2*(2*128*64*32*32*16 + 2*128*32*32*16*3) = 562.0M FLOPs, 64.0x fewer than left to right
    // (test/cli); 2,144 of 36,864 = 5.8 %.
    expect((await lensTitles(sample('cp')))[0]).toMatch(/^562\.0M FLOPs · 64\.0x fewer than left-to-right · 5\.8 % params · peak /);
  });

  test('CP: the dense MACs are those of the standard conv of the same sizes', async () => {
    const plan = (await layersOf(sample('cp'))).get('cp')!;
    expect(plan.denseMacs).toBe(4_831_838_208);
  });

  test('a conv index in two factors: the dense kernel has their combined filter size', async () => {
    // h is in X and in both filters F1[3] and F2[2]: the kernel is their full convolution,
    // 3 + 2 - 1 = 4 elements, while the factors hold 3 + 2 = 5: 125 %.
    const source = 'input X[2, 8]\nweight F1[3]\nweight F2[2]\nlayer twice: Y = conv_einsum("bh,h,h->bh|h", X, F1, F2)\n';
    const plan = (await layersOf(source)).get('twice')!;
    expect([plan.params, plan.denseParams]).toEqual([5, 4]);
    expect(await hoverOf(source, source.indexOf('twice'))).toContain("Parameters: 5 = 125 % of the dense kernel's 4");
  });

  test('const factors are counted apart from the parameters', async () => {
    // CP with R=2, 4 -> 4 channels: Ut 8 + Us 8 weights = 16 parameters; Kh 6 + Kw 6 const = 12.
    // The dense kernel is 4*4*3*3 = 144: 16/144 = 11.1 %.
    const source = 'input X[2, 4, 5, 5]\nweight Ut[2, 4]\nweight Us[2, 4]\nconst Kh[2, 3]\nconst Kw[2, 3]\nlayer cp: Y = conv_einsum("bshw,rt,rs,rh,rw->bthw|hw", X, Ut, Us, Kh, Kw)\n';
    const plan = (await layersOf(source)).get('cp')!;
    expect([plan.params, plan.constElements, plan.denseParams]).toEqual([16, 12, 144]);
    expect(await hoverOf(source, source.indexOf('layer cp') + 6)).toContain("Parameters: 16 = 11 % of the dense kernel's 144, const 12");
    expect((await lensTitles(source))[0]).toContain(' · 11 % params · ');
  });

  test('CP ResNet-34 at CIFAR sizes: the sums over its 38 layers, the pooling layer adding nothing', async () => {
    // Parameters (dense kernel) per layer, from the declared shapes:
    //   stem 64*3*9 = 1,728 (1,728)
    //   stage 1, R=16: 6 x (16*64*2 + 16*6 = 2,144) = 12,864 (6 x 64*64*9 = 221,184)
    //   stage 2, R=32: s2b1a 32*128 + 32*64 + 32*6 = 6,336 (128*64*9 = 73,728);
    //     7 x (32*128*2 + 192 = 8,384) = 58,688 (7 x 128*128*9 = 1,032,192); shortcut 128*64 = 8,192 (8,192)
    //   stage 3, R=64: s3b1a 64*256 + 64*128 + 384 = 24,960 (256*128*9 = 294,912);
    //     11 x (64*256*2 + 384 = 33,152) = 364,672 (11 x 589,824 = 6,488,064); shortcut 32,768 (32,768)
    //   stage 4, R=128: s4b1a 128*512 + 128*256 + 768 = 99,072 (512*256*9 = 1,179,648);
    //     5 x 131,840 = 659,200 (5 x 2,359,296 = 11,796,480); shortcut 131,072 (131,072)
    //   pool: no factor, 0 (0); fc 10*512 = 5,120 (5,120)
    // Sum: 1,404,672 parameters of 21,265,088 = 6.61 %.
    const text = sample('cp-resnet34');
    const hover = await hoverOf(text, text.indexOf('network cp_resnet34') + 'network '.length);
    expect(hover).toContain("Parameters: 1.405M = 6.6 % of the dense kernels' 21.27M");
    expect((await lensTitles(text))[0]).toMatch(/^38 layers · .* · 6\.6 % params · peak /);
  });

  test('a network: the sums of its layers, in the hover and the lens', async () => {
    // separable: depthwise 384 of 576, pointwise 4,096 of 4,096: 4,480 of 4,672 = 95.9 %.
    const text = sample('depthwise-separable');
    expect(await hoverOf(text, text.indexOf('network separable') + 'network '.length)).toContain("Parameters: 4,480 = 96 % of the dense kernels' 4,672");
    const lenses = await lensTitles(text);
    expect(lenses[0]).toMatch(/^2 layers · .* · 96 % params · peak /);
    // depthwise 67 %, pointwise 100 %, each in its own lens.
    expect(lenses.slice(1).map((title) => title.split(' · ').find((part) => part.endsWith('params')))).toEqual(['67 % params', '100 % params']);
  });
});
