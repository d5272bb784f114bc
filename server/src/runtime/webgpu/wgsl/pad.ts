/**
 * The padding kernel: a copy of a tensor grown along some axes, the new positions filled by
 * PyTorch's padding modes (as the CPU reference's paddedSource): zeros, circular (wrap around),
 * reflect (mirror without repeating the edge), replicate (repeat the edge).
 */
import type { PaddingMode } from '../../../engine/options.js';
import { paddedShape, type AxisPad } from '../step-nest.js';
import { bindingsDeclaration, elementwiseMain, GRID_SLOTS, packSlots, paramsDeclaration, splitFunction, workgroupsFor, type KernelSource, type Spread } from './common.js';

/** Axes after merging runs of unpadded neighbours: (padded extent, source extent, lo, source stride). */
interface PadAxis {
  readonly extent: number;
  readonly source: number;
  readonly lo: number;
  readonly stride: number;
  readonly mode: PaddingMode | null;
}

export function padKernel(shape: readonly number[], pads: readonly AxisPad[], spread: Spread): KernelSource {
  const axes = padAxes(shape, pads);
  const total = paddedShape(shape, pads).reduce((p, s) => p * s, 1);
  const first = GRID_SLOTS + 1;
  const lines = [
    paramsDeclaration(first + axes.length),
    bindingsDeclaration(1),
    splitFunction(total),
    '',
    'fn element(index: i32) {',
    '  var rest = index;',
    '  var src = 0;',
    '  var inside = true;',
  ];
  for (let axis = axes.length - 1; axis >= 0; axis--) {
    const slot = first + axis;
    lines.push(`  { let x = params.v[${slot}]; let qr = split(rest, x.x); let p = qr.y; rest = qr.x;`);
    lines.push(`    ${sourcePosition(axes[axis]!.mode)}`);
    lines.push('    src += i * x.w; }');
  }
  lines.push('  var value = 0.0;', '  if (inside) { value = a[src]; }', '  out[index] = value;', '}', '', ...elementwiseMain(spread, `params.v[${GRID_SLOTS}].x`));

  const modes = axes.map((x) => x.mode ?? 'copy').join(',');
  return {
    label: `pad ${modes}`,
    source: lines.join('\n'),
    workgroupSize: spread.workgroupSize,
    workgroups: workgroupsFor(total, spread),
    params: packSlots([[total, 0, 0, 0], ...axes.map((x) => [x.extent, x.source, x.lo, x.stride])]),
    inputs: 1,
  };
}

/** WGSL computing `i`, the source position of padded position `p` (x = extent, source, lo, stride). */
function sourcePosition(mode: PaddingMode | null): string {
  switch (mode) {
    case null:
      return 'let i = p;';
    case 'zeros':
      return 'let i = p - x.z; inside = inside && i >= 0 && i < x.y;';
    case 'circular':
      return 'let i = ((p - x.z) % x.y + x.y) % x.y;';
    case 'reflect':
      return 'var i = abs(p - x.z); if (i >= x.y) { i = 2 * (x.y - 1) - i; }';
    case 'replicate':
      return 'let i = clamp(p - x.z, 0, x.y - 1);';
  }
}

function padAxes(shape: readonly number[], pads: readonly AxisPad[]): PadAxis[] {
  const byAxis = new Map(pads.map((pad) => [pad.axis, pad]));
  const axes: PadAxis[] = [];
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const size = shape[axis]!;
    const pad = byAxis.get(axis);
    const inner = axes[0];
    if (!pad && inner && inner.mode === null) {
      axes[0] = { ...inner, extent: inner.extent * size, source: inner.source * size };
    } else {
      axes.unshift({ extent: size + (pad ? pad.lo + pad.hi : 0), source: size, lo: pad?.lo ?? 0, stride, mode: pad?.mode ?? null });
    }
    stride *= size;
  }
  return axes;
}
