import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { isLayer, isNetwork } from '../../server/src/language/generated/ast.js';
import { cein, parseDocument, seen } from './cein-test-kit.js';

const SAMPLES = 'samples';
const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.cein')).sort();

const FAMILIES = [
  'standard', 'cp', 'tucker', 'tt', 'tr', 'block-term', 'hierarchical-tucker', 'reshaped-cp', 'reshaped-tucker', 'reshaped-tt', 'reshaped-tr',
  'group-conv', 'interleaved-group-conv', 'depthwise-separable', 'cp-resnet34',
];

describe('samples', () => {
  test('there is one sample per layer family and the whole network', () => {
    expect(files.map((f) => f.replace(/\.cein$/, '')).sort()).toEqual([...FAMILIES].sort());
  });

  test.each(files)('%s starts with a comment header, validates with no errors or warnings, and every layer is planned', async (file) => {
    const text = readFileSync(join(SAMPLES, file), 'utf8');
    expect(text.startsWith('// ')).toBe(true);
    const document = await parseDocument(text);
    expect(document.parseResult.parserErrors).toEqual([]);
    expect(seen(document, document.diagnostics ?? [])).toEqual([]);
    const layers = [...document.parseResult.value.statements, ...document.parseResult.value.statements.filter(isNetwork).flatMap((n) => n.statements)].filter(isLayer);
    expect(layers.length).toBeGreaterThan(0);
    for (const layer of layers) expect(cein.typing.CeinTyping.planOf(layer)).toEqual({ plan: expect.objectContaining({ macs: expect.any(Number) }) });
  });

  test('CP-ResNet-34 has every layer: a stem, 32 CP convolutions, 3 shortcuts, pooling and the classifier', async () => {
    const document = await parseDocument(readFileSync(join(SAMPLES, 'cp-resnet34.cein'), 'utf8'));
    const network = document.parseResult.value.statements.find(isNetwork)!;
    const layers = network.statements.filter(isLayer);
    expect(layers.length).toBe(1 + 32 + 3 + 2);
    expect(layers.filter((l) => l.expression === 'bshw,rt,rs,rh,rw->bthw|hw').length).toBe(32);
    const logits = cein.typing.CeinTyping.typesOf(network).shapeOf(layers.at(-1)!.output);
    expect(logits).toEqual([128, 10]);
  });
});
