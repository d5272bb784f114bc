/** Expressions without convolutions follow numpy.einsum: checked against hand loops. */
import { describe, expect, it } from 'vitest';
import { planExpression } from '../../server/src/engine/planner.js';
import { executePlan } from '../../server/src/runtime/cpu/execute.js';
import { at, tensor, type Tensor } from '../../server/src/runtime/cpu/tensor.js';
import { randomTensor, seeded } from '../helpers/random.js';
import { direct, pair, planned, randomTree, withTree } from './evaluate.js';
import { expectClose } from './reference.js';

const random = seeded(404);

/** A tensor of the given shape whose elements are value(index). */
function build(shape: number[], value: (index: number[]) => number): Tensor {
  const data: number[] = [];
  const visit = (prefix: number[]) => {
    if (prefix.length === shape.length) data.push(value(prefix));
    else for (let i = 0; i < shape[prefix.length]!; i++) visit([...prefix, i]);
  };
  visit([]);
  return tensor(shape, data);
}

function expectBoth(text: string, inputs: Tensor[], expected: Tensor): void {
  expectClose(direct(text, inputs), expected);
  expectClose(planned(text, inputs), expected);
  if (inputs.length === 2) expectClose(withTree(text, inputs, pair(1, 0)), expected);
}

describe('einsum semantics', () => {
  const a = randomTensor([3, 4], random);
  const b = randomTensor([4, 5], random);
  const square = randomTensor([4, 4], random);

  it('matrix product ij,jk->ik', () => {
    const expected = build([3, 5], ([i, k]) => [0, 1, 2, 3].reduce((s, j) => s + at(a, [i!, j]) * at(b, [j, k!]), 0));
    expectBoth('ij,jk->ik', [a, b], expected);
  });

  it('batched product bij,bjk->bik', () => {
    const x = randomTensor([2, 3, 4], random);
    const y = randomTensor([2, 4, 2], random);
    const expected = build([2, 3, 2], ([n, i, k]) => [0, 1, 2, 3].reduce((s, j) => s + at(x, [n!, i!, j]) * at(y, [n!, j, k!]), 0));
    expectBoth('bij,bjk->bik', [x, y], expected);
  });

  it('outer product i,j->ji', () => {
    const u = randomTensor([3], random);
    const v = randomTensor([2], random);
    expectBoth('i,j->ji', [u, v], build([2, 3], ([j, i]) => at(u, [i!]) * at(v, [j!])));
  });

  it('inner product to a scalar i,i->', () => {
    const u = randomTensor([5], random);
    const v = randomTensor([5], random);
    expectBoth('i,i->', [u, v], tensor([], [u.data.reduce((s, x, i) => s + x * v.data[i]!, 0)]));
  });

  it('scalar operands: ,i,->i', () => {
    const u = randomTensor([3], random);
    expectBoth(',i,->i', [tensor([], [2]), u, tensor([], [-0.5])], tensor([3], Array.from(u.data, (x) => -x)));
    expectBoth(',->', [tensor([], [2]), tensor([], [3])], tensor([], [6]));
  });

  it('diagonal ii->i and trace ii->', () => {
    expectBoth('ii->i', [square], build([4], ([i]) => at(square, [i!, i!])));
    expectBoth('ii->', [square], tensor([], [[0, 1, 2, 3].reduce((s, i) => s + at(square, [i, i]), 0)]));
  });

  it('a diagonal inside a pairwise step: iij,jk->ik', () => {
    const t = randomTensor([3, 3, 4], random);
    const expected = build([3, 5], ([i, k]) => [0, 1, 2, 3].reduce((s, j) => s + at(t, [i!, i!, j]) * at(b, [j, k!]), 0));
    expectBoth('iij,jk->ik', [t, b], expected);
  });

  it('sum and permute one operand ijk->ki', () => {
    const t = randomTensor([2, 3, 4], random);
    expectBoth('ijk->ki', [t], build([4, 2], ([k, i]) => [0, 1, 2].reduce((s, j) => s + at(t, [i!, j, k!]), 0)));
  });

  it('reduced indices in both operands: ij,kl->ik', () => {
    const u = randomTensor([2, 3], random);
    const v = randomTensor([4, 2], random);
    const rowSum = (t: Tensor, r: number) => [0, 1, 2, 3].slice(0, t.shape[1]).reduce((s, c) => s + at(t, [r, c]), 0);
    expectBoth('ij,kl->ik', [u, v], build([2, 4], ([i, k]) => rowSum(u, i!) * rowSum(v, k!)));
  });

  it('a conv index held by one operand only is a plain index: bh,bt->th|h', () => {
    const u = randomTensor([2, 5], random);
    const v = randomTensor([2, 3], random);
    expectBoth('bh,bt->th|h', [u, v], build([3, 5], ([t, h]) => at(u, [0, h!]) * at(v, [0, t!]) + at(u, [1, h!]) * at(v, [1, t!])));
  });

  it('a chain of four matrices, in several orders', () => {
    const ms = [randomTensor([2, 3], random), randomTensor([3, 4], random), randomTensor([4, 2], random), randomTensor([2, 3], random)];
    const ab = build([2, 4], ([i, k]) => [0, 1, 2].reduce((s, j) => s + at(ms[0]!, [i!, j]) * at(ms[1]!, [j, k!]), 0));
    const abc = build([2, 2], ([i, k]) => [0, 1, 2, 3].reduce((s, j) => s + at(ab, [i!, j]) * at(ms[2]!, [j, k!]), 0));
    const expected = build([2, 3], ([i, k]) => [0, 1].reduce((s, j) => s + at(abc, [i!, j]) * at(ms[3]!, [j, k!]), 0));
    expectBoth('ij,jk,kl,lm->im', ms, expected);
    for (let k = 0; k < 8; k++) expectClose(withTree('ij,jk,kl,lm->im', ms, randomTree(4, random)), expected);
  });
});

describe('executePlan checks its inputs', () => {
  const plan = planExpression('ij,jk->ik', [[2, 3], [3, 4]]);
  it('the operand count', () => {
    expect(() => executePlan(plan, [randomTensor([2, 3], random)])).toThrow(/has 2 operands, but 1 tensors were given/);
  });
  it('each shape', () => {
    expect(() => executePlan(plan, [randomTensor([2, 3], random), randomTensor([4, 3], random)])).toThrow(/operand 2 of ij,jk->ik has shape 4x3, but the plan was made for 3x4/);
  });
});
