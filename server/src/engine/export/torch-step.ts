/**
 * One plan step as a block of PyTorch code that computes exactly what the CPU float64 executor
 * computes for it (runtime/cpu/step.ts; docs/semantics.md section 2). Three forms:
 *
 * - `conv`: F.conv1d/2d/3d, when the step is a feature meeting a filter along 1 to 3 conv
 *   indices, all kept, and every other index of the step is a batch index of the feature (N),
 *   an input channel both hold and sum (C), an output channel of the filter (T) or a group index
 *   both hold and keep (G): the feature becomes [N, G*C, spatial], the filter [G*T, C, window],
 *   groups = G. Batch indices the feature stores ahead of its channels are a view: the first is
 *   N, the others groups with the filter repeated along them; batch indices after the channels
 *   are spatial dimensions with a kernel of 1. Padding by another mode than zeros, or uneven, is
 *   done first with `_pad`.
 * - `conv-1x1`: the same mapping for a channel contraction, a step with no conv index that sums
 *   at least one index both inputs hold (`bshw,rs->brhw`): the larger input is the feature, the
 *   other a matrix of input x output channels, and the feature's batch indices after its channels
 *   are the convolution's spatial dimensions, all with a kernel of 1. It is the same sum as the
 *   einsum, but PyTorch runs it on its convolution kernels (oneDNN, cuDNN) instead of a batched
 *   matrix product through the build's BLAS, which may be the slow reference one.
 * - `einsum`: everything else. Diagonals first (einsum of the repeated letters), then along each
 *   correlate index the feature is padded (`_pad`, its first step only), cut into windows with
 *   `Tensor.unfold` (window d*(K-1)+1, step = the stride) and every d-th window element kept;
 *   the filter's index becomes the window index. Along a full (filter-filter) index the left
 *   side is zero-padded by Kb-1 on both sides and windowed, the right side flipped. One
 *   torch.einsum then sums what the step sums.
 */
import { formatTerm } from '../notation.js';
import { formatShape } from '../summary.js';
import type { PlanStep, StepAxis } from '../plan.js';
import { EinsumLetters } from './einsum-letters.js';

/** `unfold-einsum`: the general form with convolution windows; `einsum`: with none (plain indices only). */
export type StepForm = 'conv1d' | 'conv2d' | 'conv3d' | 'conv-1x1' | 'einsum' | 'unfold-einsum';

export interface StepBlock {
  readonly form: StepForm;
  /** Lines of Python, without indentation; the last one assigns `output`. */
  readonly lines: readonly string[];
  /** The output's index names in storage order: the step's own order for the final step, else what is cheapest to make. */
  readonly layout: readonly string[];
}

/** A value a step reads: its Python expression and the index names of its dimensions in storage order. */
export interface StepInput {
  readonly expr: string;
  readonly indices: readonly string[];
}

/**
 * One input of the step while its code is built: a Python expression, the index name of each
 * dimension ('' for a window dimension, which has only a letter), its einsum letter and size.
 */
interface Side {
  expr: string;
  indices: string[];
  letters: string[];
  shape: number[];
  changed: boolean;
}

const TEMPORARIES = ['lhs', 'rhs'];
const CONV_TEMPORARIES = ['conv_in', 'conv_weight'];

/** Local names a step block assigns besides its output; callers keep other variables off them. */
export const STEP_TEMPORARIES: readonly string[] = [...TEMPORARIES, ...CONV_TEMPORARIES];

/**
 * The block of one step. Intermediates need not be stored in the plan's index order: the inputs
 * come with their layouts, and a step that is not the last one writes its output in the layout
 * its form makes without a copy (F.convNd's [N, G*T, spatial]) or that keeps the data's order
 * (einsum: the larger input's kept indices in place, new ones where the summed ones were), so
 * channels stay ahead of spatial indices and the next convolution needs no copy either.
 *
 * `leading` names output indices the next step keeps from this output alone (its batch
 * indices): a convolution puts those of its output channels first, so the next convolution can
 * take them as a view (its batch dimension or groups) without a copy.
 */
export function stepBlock(step: PlanStep, inputs: readonly StepInput[], output: string, final: boolean, leading: ReadonlySet<string> = new Set()): StepBlock {
  const lines: string[] = [];
  const convAxes = step.axes.filter((axis) => axis.role !== 'plain');
  const letters = new EinsumLetters(step, convAxes.length);
  const sides = inputs.map((input, k): Side => {
    const stored = step.inputIndices[k]!;
    if (input.indices.length !== stored.length || !stored.every((name) => input.indices.includes(name))) {
      throw new Error(`step ${step.spec}: input ${k + 1} holds ${input.indices.join(',')}, the step expects ${stored.join(',')}`);
    }
    const indices = [...input.indices];
    const shape = indices.map((name) => step.inputShapes[k]![stored.indexOf(name)]!);
    return { expr: input.expr, indices, letters: indices.map((name) => letters.of(name)), shape, changed: false };
  });
  sides.forEach((side) => takeDiagonals(side, letters));
  const conv = convMapping(step, sides, leading);
  if (conv) {
    flush(sides, lines);
    const { lines: convCode, layout } = convLines(step, conv, sides, output, final);
    lines.push(...convCode);
    const pointwise = conv.spatial.every((dim) => !dim.axis);
    return { form: pointwise ? 'conv-1x1' : (`conv${conv.spatial.length}d` as StepForm), lines, layout };
  }
  const layout = final ? [...step.indices] : einsumLayout(step, sides);
  for (const axis of convAxes) {
    if (axis.role === 'correlate') windowCorrelate(step, axis, sides, letters);
    else windowFull(axis, sides, letters);
  }
  flush(sides, lines);
  const spec = `${sides.map((side) => side.letters.join('')).join(',')}->${layout.map((name) => letters.of(name)).join('')}`;
  lines.push(`${output} = torch.einsum('${spec}', ${sides.map((side) => side.expr).join(', ')})`);
  return { form: convAxes.length > 0 ? 'unfold-einsum' : 'einsum', lines, layout };
}

/**
 * The larger input's kept indices in their order, the other input's new ones where the first
 * summed index was (after the leading index when none is summed): `bshw,rs` gives `brhw`.
 */
function einsumLayout(step: PlanStep, sides: readonly Side[]): string[] {
  const kept = new Set(step.indices);
  const elements = (side: Side) => side.shape.reduce((p, n) => p * n, 1);
  const main = sides.length === 1 || elements(sides[0]!) >= elements(sides[1]!) ? sides[0]! : sides[1]!;
  const fresh = sides.filter((side) => side !== main).flatMap((side) => side.indices.filter((name) => kept.has(name) && !main.indices.includes(name)));
  const layout: string[] = [];
  let placed = false;
  for (const name of main.indices) {
    if (kept.has(name)) layout.push(name);
    else if (!placed) {
      layout.push(...fresh);
      placed = true;
    }
  }
  if (!placed) layout.splice(Math.min(1, layout.length), 0, ...fresh);
  return layout;
}

/** The comment line of a step: its spec, the output's layout and shape, and its MACs. */
export function stepComment(step: PlanStep, number: number, block: StepBlock): string {
  const shape = block.layout.map((name) => step.outputShape[step.indices.indexOf(name)]!);
  return `# step ${number}: ${step.spec}  -> ${formatTerm(block.layout)} ${formatShape(shape)}, ${step.macs.toLocaleString('en-US')} MACs (${block.form})`;
}

/** A repeated index in a term (a leaf's diagonal, plain by the notation's rules) is taken first. */
function takeDiagonals(side: Side, letters: EinsumLetters): void {
  const unique = [...new Set(side.indices)];
  if (unique.length === side.indices.length) return;
  const shape = unique.map((name) => side.shape[side.indices.indexOf(name)]!);
  side.expr = `torch.einsum('${side.indices.map((n) => letters.of(n)).join('')}->${unique.map((n) => letters.of(n)).join('')}', ${side.expr})`;
  side.indices = unique;
  side.letters = unique.map((name) => letters.of(name));
  side.shape = shape;
  side.changed = true;
}

/** Names each changed input once (`lhs`, `rhs`), so the einsum or conv line stays short. */
function flush(sides: Side[], lines: string[]): void {
  sides.forEach((side, k) => {
    if (!side.changed) return;
    lines.push(`${TEMPORARIES[k]} = ${side.expr}`);
    side.expr = TEMPORARIES[k]!;
    side.changed = false;
  });
}

function padCall(expr: string, dim: number, lo: number, hi: number, mode: string): string {
  return `_pad(${expr}, ${dim}, ${lo}, ${hi}, '${mode}')`;
}

/** out[o] = sum_k feature[o*stride + dilation*k] * filter[k]: the feature windowed, the filter's index renamed to the window's. */
function windowCorrelate(step: PlanStep, axis: StepAxis, sides: Side[], letters: EinsumLetters): void {
  const [feature, filter] = axis.feature === 'a' ? [sides[0]!, sides[1]!] : [sides[1]!, sides[0]!];
  const dim = feature.indices.indexOf(axis.name);
  const stride = axis.stride ?? 1;
  const dilation = axis.dilation ?? 1;
  const k = axis.filterSize!;
  if (axis.pad) {
    feature.expr = padCall(feature.expr, dim, axis.pad.lo, axis.pad.hi, axis.pad.mode);
    feature.shape[dim]! += axis.pad.lo + axis.pad.hi;
  }
  const window = dilation * (k - 1) + 1;
  const windows = Math.floor((feature.shape[dim]! - window) / stride) + 1;
  if (windows !== axis.size) throw new Error(`step ${step.spec}: ${windows} windows along ${axis.name} where the step has ${axis.size}`);
  feature.expr = `${feature.expr}.unfold(${dim}, ${window}, ${stride})${dilation > 1 ? `[..., ::${dilation}]` : ''}`;
  feature.shape[dim] = axis.size;
  feature.changed = true;
  const letter = letters.fresh();
  feature.indices.push('');
  feature.letters.push(letter);
  feature.shape.push(k);
  const position = filter.indices.indexOf(axis.name);
  filter.indices[position] = '';
  filter.letters[position] = letter;
}

/** out[ka + kb] = sum a[ka] * b[kb]: a zero-padded by Kb-1 both sides and windowed, b flipped. */
function windowFull(axis: StepAxis, sides: Side[], letters: EinsumLetters): void {
  const [a, b] = sides as [Side, Side];
  const dimA = a.indices.indexOf(axis.name);
  const dimB = b.indices.indexOf(axis.name);
  const kb = b.shape[dimB]!;
  a.expr = `${padCall(a.expr, dimA, kb - 1, kb - 1, 'zeros')}.unfold(${dimA}, ${kb}, 1)`;
  a.shape[dimA] = axis.size;
  a.changed = true;
  b.expr = `${b.expr}.flip(${dimB})`;
  b.changed = true;
  const letter = letters.fresh();
  a.indices.push('');
  a.letters.push(letter);
  a.shape.push(kb);
  b.indices[dimB] = '';
  b.letters[dimB] = letter;
}

// ---------------------------------------------------------------------------------------------
// The F.convNd form

/**
 * A spatial dimension of the convolution: a conv index of the step (`axis`), or a batch index of
 * the feature carried as a dimension with a kernel of 1, which spares the copy that folding it
 * into the convolution's batch dimension would make (F.convNd takes one batch dimension). The
 * batch indices the feature stores first, ahead of its channels, fold into that dimension as a
 * view; only those after the channels need a spatial slot.
 */
interface SpatialDim {
  readonly name: string;
  readonly axis?: StepAxis;
}

interface ConvMapping {
  readonly featureSide: 0 | 1;
  /** Index names by role, in the feature's (or for T the filter's) storage order. */
  readonly batch: readonly string[];
  /** Batch indices of the feature made groups, the filter repeated along them. */
  readonly repeated: readonly string[];
  readonly groups: readonly string[];
  readonly channels: readonly string[];
  readonly outChannels: readonly string[];
  /** At most 3, in the feature's storage order. */
  readonly spatial: readonly SpatialDim[];
}

/** The most elements a filter repeated along batch indices made groups may have. */
const MAX_REPEATED_FILTER = 65536;

function convMapping(step: PlanStep, sides: readonly Side[], leading: ReadonlySet<string>): ConvMapping | null {
  if (sides.length !== 2) return null;
  const correlated = step.axes.filter((axis) => axis.role === 'correlate');
  if (correlated.length > 3) return null;
  if (step.axes.some((axis) => axis.role === 'full')) return null;
  if (!correlated.every((axis) => axis.kept && axis.feature === correlated[0]!.feature)) return null;
  const featureSide = correlated.length > 0 ? (correlated[0]!.feature === 'a' ? 0 : 1) : largerSide(sides);
  const inFeature = (axis: StepAxis) => (featureSide === 0 ? axis.inA : axis.inB);
  const inFilter = (axis: StepAxis) => (featureSide === 0 ? axis.inB : axis.inA);
  const role = new Map<string, 'batch' | 'groups' | 'channels' | 'outChannels'>();
  for (const axis of step.axes) {
    if (axis.role !== 'plain') continue;
    if (inFeature(axis) && inFilter(axis)) role.set(axis.name, axis.kept ? 'groups' : 'channels');
    else if (!axis.kept) return null; // summed in one input only
    else role.set(axis.name, inFeature(axis) ? 'batch' : 'outChannels');
  }
  const featureOrder = sides[featureSide]!.indices;
  const filterOrder = sides[1 - featureSide]!.indices;
  const byRole = (r: string, order: readonly string[]) => order.filter((name) => role.get(name) === r);
  const batch = byRole('batch', featureOrder);
  const channels = byRole('channels', featureOrder);
  // A channel contraction is a convolution only with a channel to sum and two batch indices: N and one spatial dimension.
  if (correlated.length === 0 && (channels.length === 0 || batch.length < 2)) return null;
  // The batch indices stored first fold into the batch dimension (at least the first batch index
  // does); of the others the last ones, as many as free spatial slots, ride along as kernel-1
  // dimensions. A channel contraction keeps at least one such dimension.
  const stored = featureOrder.findIndex((name) => role.get(name) !== 'batch');
  const folded = batch.slice(0, Math.max(1, stored === -1 ? batch.length : stored));
  if (correlated.length === 0 && folded.length === batch.length) folded.pop();
  const rest = batch.slice(folded.length);
  const extra = new Set(rest.slice(Math.max(0, rest.length - (3 - correlated.length))));
  // Folded batch indices after the first become groups of a convolution, the filter repeated
  // along them while it stays small: oneDNN runs a few wide grouped images faster than many
  // narrow ones (TR's filter steps, 8 groups of 8 channels: 7.3 ms forward + backward, against
  // 9.8 ms with the ring index in N and 9.4 ms as a conv3d; bench:torch, README).
  const filterSide = sides[1 - featureSide]!;
  const filterElements = filterSide.shape.reduce((p, n) => p * n, 1);
  const size = (name: string) => sides[featureSide]!.shape[featureOrder.indexOf(name)]!;
  const repeated = correlated.length > 0 && filterElements * folded.slice(1).reduce((p, name) => p * size(name), 1) <= MAX_REPEATED_FILTER ? folded.slice(1) : [];
  const outChannels = byRole('outChannels', filterOrder);
  return {
    featureSide,
    batch: batch.filter((name) => !extra.has(name) && !repeated.includes(name)),
    repeated,
    groups: byRole('groups', featureOrder),
    channels,
    outChannels: [...outChannels.filter((name) => leading.has(name)), ...outChannels.filter((name) => !leading.has(name))],
    spatial: featureOrder.flatMap((name): SpatialDim[] => {
      const axis = correlated.find((a) => a.name === name);
      return axis ? [{ name, axis }] : extra.has(name) ? [{ name }] : [];
    }),
  };
}

/** The input with more elements (the first on a tie): the feature of a channel contraction. */
function largerSide(sides: readonly Side[]): 0 | 1 {
  const elements = (side: Side) => side.shape.reduce((p, n) => p * n, 1);
  return elements(sides[1]!) > elements(sides[0]!) ? 1 : 0;
}

function convLines(step: PlanStep, conv: ConvMapping, sides: readonly Side[], output: string, final: boolean): { lines: string[]; layout: string[] } {
  const feature = sides[conv.featureSide]!;
  const filter = sides[1 - conv.featureSide]!;
  const sizeIn = (side: Side, name: string) => side.shape[side.indices.indexOf(name)]!;
  const product = (side: Side, names: readonly string[]) => names.reduce((p, name) => p * sizeIn(side, name), 1);
  const heldGroups = product(feature, conv.groups);
  const nChannels = product(feature, conv.channels);
  const nOut = product(filter, conv.outChannels);
  // Sizes that can differ from the declared ones at run time (a batch) are read from the input.
  const runtimeSize = (name: string) => `${feature.expr}.shape[${feature.indices.indexOf(name)}]`;
  const groupCount = (times: number) => [...conv.repeated.map(runtimeSize), ...(heldGroups * times > 1 || conv.repeated.length === 0 ? [`${heldGroups * times}`] : [])].join(' * ');

  // Padding: zeros on both sides alike goes to the convolution; anything else is done first.
  let x = feature.expr;
  const convPadding: number[] = [];
  const inputSizes: string[] = [];
  for (const { name, axis } of conv.spatial) {
    const pad = axis?.pad;
    const dim = feature.indices.indexOf(name);
    let size = feature.shape[dim]!;
    if (pad && pad.mode === 'zeros' && pad.lo === pad.hi) {
      convPadding.push(pad.lo);
    } else {
      if (pad && pad.lo + pad.hi > 0) {
        x = padCall(x, dim, pad.lo, pad.hi, pad.mode);
        size += pad.lo + pad.hi;
      }
      convPadding.push(0);
    }
    inputSizes.push(axis ? `${size}` : runtimeSize(name));
  }
  const spatialNames = conv.spatial.map((dim) => dim.name);
  const filterSpatial = conv.spatial.filter((dim) => dim.axis).map((dim) => dim.name);
  const featureOrder = [...conv.batch, ...conv.repeated, ...conv.groups, ...conv.channels, ...spatialNames];
  const filterOrder = [...conv.groups, ...conv.outChannels, ...conv.channels, ...filterSpatial];
  const kernel = conv.spatial.map(({ name, axis }) => (axis ? sizeIn(filter, name) : 1));
  const tuple = (values: readonly number[]) => (values.length === 1 ? `${values[0]}` : `(${values.join(', ')})`);
  const args = [
    `stride=${tuple(conv.spatial.map(({ axis }) => axis?.stride ?? 1))}`,
    `padding=${tuple(convPadding)}`,
    `dilation=${tuple(conv.spatial.map(({ axis }) => axis?.dilation ?? 1))}`,
    `groups=${groupCount(1)}`,
  ];
  const weight = permuted(filter.expr, filter.indices, filterOrder);
  const repeatedWeight = conv.repeated.length === 0 ? weight : `${weight}.expand(${[...conv.repeated.map(runtimeSize), ...filterOrder.map(() => '-1')].join(', ')})`;
  const lines = [
    `conv_in = ${permuted(x, feature.indices, featureOrder)}.reshape(-1, ${groupCount(nChannels)}, ${inputSizes.join(', ')})`,
    `conv_weight = ${repeatedWeight}.reshape(${groupCount(nOut)}, ${nChannels}, ${kernel.join(', ')})`,
    `${output} = F.conv${conv.spatial.length}d(conv_in, conv_weight, ${args.join(', ')})`,
  ];
  // [N, G*T, spatial...] unfolded into the indices, then (the final step only) put in the step's order.
  const outNames = [...conv.batch, ...conv.repeated, ...conv.groups, ...conv.outChannels, ...spatialNames];
  const outSizes = [
    ...conv.batch.map(runtimeSize),
    ...conv.repeated.map(runtimeSize),
    ...conv.groups.map((name) => `${sizeIn(feature, name)}`),
    ...conv.outChannels.map((name) => `${sizeIn(filter, name)}`),
    ...conv.spatial.map(({ name, axis }) => (axis ? `${axis.size}` : runtimeSize(name))),
  ];
  const reshaped = `${output}.reshape(${outSizes.join(', ')}${outSizes.length === 1 ? ',' : ''})`;
  const layout = final ? [...step.indices] : outNames;
  const perm = layout.map((name) => outNames.indexOf(name));
  const identity = perm.every((p, i) => p === i);
  lines.push(`${output} = ${identity ? reshaped : `${reshaped}.permute(${perm.join(', ')})`}`);
  return { lines, layout };
}

/** `expr` with its dims put in `order` (a no-op left out). */
function permuted(expr: string, indices: readonly string[], order: readonly string[]): string {
  const perm = order.map((name) => indices.indexOf(name));
  return perm.every((p, i) => p === i) ? expr : `${expr}.permute(${perm.join(', ')})`;
}
