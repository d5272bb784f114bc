import { describe, expect, it } from 'vitest';
import { targetAtLine } from '../../playground/src/layer-at-cursor.js';

const uri = 'file:///samples/net.cein';
const label = (line: number) => ({ line, arguments: undefined });
const lens = (line: number, target: object) => ({ line, arguments: [target] });

describe('the layer at the cursor', () => {
  // A file with a top-level layer on line 3 and a network on line 6 holding layers on lines 8 and 10.
  const lenses = [
    label(3),
    lens(3, { uri, layer: 'stem' }),
    label(6),
    lens(6, { uri, network: 'block' }),
    lens(8, { uri, network: 'block', layer: 'a' }),
    lens(10, { uri, network: 'block', layer: 'b' }),
  ];

  it('is the innermost lens at or above the cursor', () => {
    expect(targetAtLine(lenses, 3)).toEqual({ target: { uri, layer: 'stem' }, line: 3 });
    expect(targetAtLine(lenses, 5)).toEqual({ target: { uri, layer: 'stem' }, line: 3 });
    expect(targetAtLine(lenses, 7)).toEqual({ target: { uri, network: 'block' }, line: 6 });
    expect(targetAtLine(lenses, 8)).toEqual({ target: { uri, network: 'block', layer: 'a' }, line: 8 });
    expect(targetAtLine(lenses, 9)).toEqual({ target: { uri, network: 'block', layer: 'a' }, line: 8 });
    expect(targetAtLine(lenses, 40)).toEqual({ target: { uri, network: 'block', layer: 'b' }, line: 10 });
  });

  it('is the first layer when the cursor is above every lens', () => {
    expect(targetAtLine(lenses, 0)).toEqual({ target: { uri, layer: 'stem' }, line: 3 });
  });

  it('is only a line where the nearest lens is a label (a layer with problems)', () => {
    const broken = [lens(2, { uri, layer: 'x' }), label(5), lens(9, { uri, layer: 'z' })];
    expect(targetAtLine(broken, 6)).toEqual({ line: 5 });
    expect(targetAtLine(broken, 4)).toEqual({ target: { uri, layer: 'x' }, line: 2 });
    expect(targetAtLine([], 4)).toBeUndefined();
  });
});
