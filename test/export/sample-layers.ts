/**
 * Every layer of samples/ (each .cein file and the samples list) at small sizes, for checks that
 * run every layer family: plain sizes capped, conv features shrunk, filters as they are, the
 * layer's own conv options kept. Layers that come out the same (a network's repeated blocks) once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSpec } from '../../server/src/engine/notation.js';
import type { ConvOptionsMap } from '../../server/src/engine/options.js';
import { analyze } from '../../server/src/engine/shapes.js';
import { parseConvFlags } from '../../server/src/cli/arguments.js';
import { readSamples } from '../../server/src/cli/commands/samples.js';
import { DocumentTypes } from '../../server/src/language/typing/document-types.js';
import { parseDocument } from '../language/cein-test-kit.js';

export interface SampleLayer {
  readonly name: string;
  readonly expr: string;
  readonly shapes: readonly (readonly number[])[];
  readonly conv: ConvOptionsMap;
}

export interface Smallest {
  /** Largest size of a plain index: this or one more, by the index's name (so that equal sizes do not hide a transpose). */
  readonly plain: number;
  /** Largest size of a conv index's feature (raised until the layer's options fit). */
  readonly feature: number;
}

export async function sampleLayers(limits: Smallest): Promise<SampleLayer[]> {
  const layers: SampleLayer[] = [];
  const seen = new Set<string>();
  const add = (name: string, expr: string, shapes: readonly (readonly number[])[], conv: ConvOptionsMap) => {
    const small = shrink(expr, shapes, conv, limits);
    const key = JSON.stringify([expr, small, conv]);
    if (seen.has(key)) return;
    seen.add(key);
    layers.push({ name, expr, shapes: small, conv });
  };
  for (const file of readdirSync('samples').filter((f) => f.endsWith('.cein')).sort()) {
    const document = await parseDocument(readFileSync(join('samples', file), 'utf8'));
    for (const typed of new DocumentTypes(document.parseResult.value).allLayers()) {
      const shapes = typed.operands.map((operand) => operand.shape!);
      add(`${file} ${typed.layer.name}`, typed.layer.expression, shapes, typed.planOptions.conv ?? {});
    }
  }
  for (const layer of readSamples('samples/expressions.json')) add(`expressions.json ${layer.name}`, layer.expr, layer.runShapes, parseConvFlags(layer.options ?? {}));
  return layers;
}

function shrink(expr: string, shapes: readonly (readonly number[])[], conv: ConvOptionsMap, limits: Smallest): number[][] {
  const spec = parseSpec(expr).spec!;
  const terms = spec.inputs.map((term) => term.indices.map((index) => index.name));
  const convs = new Set(spec.convs.map((c) => c.name));
  const largest = (name: string) => Math.max(...terms.flatMap((term, k) => term.flatMap((n, i) => (n === name ? [shapes[k]![i]!] : []))));
  for (let feature = limits.feature; feature <= limits.feature + 8; feature++) {
    const small = terms.map((term, k) => term.map((name, i) => {
      const size = shapes[k]![i]!;
      if (!convs.has(name)) return Math.min(size, limits.plain + ([...name].reduce((sum, c) => sum + c.charCodeAt(0), 0) % 2));
      return size === largest(name) ? Math.min(size, feature) : size;
    }));
    if (analyze(expr, small, conv).analysis) return small;
  }
  throw new Error(`${expr}: no small shapes fit its options`);
}
