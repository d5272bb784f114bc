/**
 * The initialisation rule of exported layers: every `weight` factor of a layer is drawn i.i.d.
 * from N(0, std^2) with one std for the whole layer, chosen so that the elements of the dense
 * kernel the factors rebuild have, on average, variance 2/fan_in (Kaiming's rule for a dense
 * convolution followed by a ReLU). fan_in is the dense kernel's extent over the indices it
 * contracts with the data: the indices it shares with a data operand that the output does not
 * keep, and every conv index at the combined filter extent (for `bshw,tshw->bthw|hw`: S*Kh*Kw).
 *
 * Why one std works: a kernel element is a sum of products of one element of each factor;
 * distinct products are uncorrelated, so the mean variance over the kernel's elements is
 * std^(2m) * products / kernelElements, with m weight factors and `products` the number of
 * products over all elements (every combination of the factors' index values). `const`
 * factors are buffers filled with ones until their values are loaded, so they count 1.
 */
import { parseSpec } from '../notation.js';
import type { Plan } from '../plan.js';
import type { TorchOperandRole } from './program.js';

export interface InitRule {
  /** The std of every weight factor. */
  readonly std: number;
  /** The target variance of a dense kernel element: 2/fanIn. */
  readonly kernelVariance: number;
  readonly fanIn: number;
  /** Which indices make fan_in, with their extents, e.g. "s=64, h=3, w=3". */
  readonly fanInIndices: string;
}

/** The rule for a layer; null when it has no weight factor or no data operand (then std 1). */
export function initRule(plan: Plan, roles: readonly TorchOperandRole[]): InitRule | null {
  const spec = parseSpec(plan.expression).spec;
  if (!spec) throw new Error(`cannot read ${plan.expression}`);
  const terms = spec.inputs.map((term) => term.indices.map((index) => index.name));
  const output = new Set((spec.output?.indices ?? []).map((index) => index.name));
  const data = new Set(plan.dataOperands);
  const factors = terms.map((_, k) => k).filter((k) => !data.has(k));
  const weights = factors.filter((k) => roles[k] === 'weight');
  if (weights.length === 0 || data.size === 0) return null;

  const holders = (name: string) => terms.flatMap((term, k) => (term.includes(name) ? [k] : []));
  const convs = new Set(spec.convs.map((c) => c.name).filter((name) => holders(name).length >= 2));
  const sizeIn = (k: number, name: string) => plan.shapes[k]![terms[k]!.indexOf(name)]!;
  const factorNames = [...new Set(factors.flatMap((k) => terms[k]!))];
  const extent = (name: string) => {
    const holding = factors.filter((k) => terms[k]!.includes(name));
    return convs.has(name) ? holding.reduce((e, k) => e + sizeIn(k, name) - 1, 1) : sizeIn(holding[0]!, name);
  };
  const inData = (name: string) => [...data].some((k) => terms[k]!.includes(name));
  const kernelNames = factorNames.filter((name) => inData(name) || output.has(name));
  const fanInNames = kernelNames.filter((name) => inData(name) && (!output.has(name) || convs.has(name)));
  const fanIn = fanInNames.reduce((p, name) => p * extent(name), 1);
  const kernelElements = kernelNames.reduce((p, name) => p * extent(name), 1);
  const products = factorNames.reduce((p, name) => {
    if (!convs.has(name)) return p * sizeIn(factors.find((k) => terms[k]!.includes(name))!, name);
    return factors.filter((k) => terms[k]!.includes(name)).reduce((q, k) => q * sizeIn(k, name), p);
  }, 1);
  const kernelVariance = 2 / fanIn;
  const std = Math.pow((kernelVariance * kernelElements) / products, 1 / (2 * weights.length));
  return { std, kernelVariance, fanIn, fanInIndices: fanInNames.map((name) => `${name}=${extent(name)}`).join(', ') };
}
