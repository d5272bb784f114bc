import { elementCount } from '../../engine/summary.js';

export { elementCount };

/** A dense float64 tensor stored in C order (last axis fastest). */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** Element distance between neighbours along each axis, in C order. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis]!;
  }
  return strides;
}

export function zeros(shape: readonly number[]): Tensor {
  return { shape: [...shape], data: new Float64Array(elementCount(shape)) };
}

/** Wraps existing data; throws when its length does not match the shape. */
export function tensor(shape: readonly number[], data: Float64Array | readonly number[]): Tensor {
  const values = data instanceof Float64Array ? data : Float64Array.from(data);
  const expected = elementCount(shape);
  if (values.length !== expected) {
    throw new Error(`a tensor of shape ${formatShape(shape)} needs ${expected} values, got ${values.length}`);
  }
  return { shape: [...shape], data: values };
}

/** The element at a multi-index, for tests and small tools (not for inner loops). */
export function at(t: Tensor, index: readonly number[]): number {
  const strides = stridesOf(t.shape);
  let offset = 0;
  index.forEach((i, axis) => (offset += i * strides[axis]!));
  return t.data[offset]!;
}

export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.join('x');
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, axis) => size === b[axis]);
}
