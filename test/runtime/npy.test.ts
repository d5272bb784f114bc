import { describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../../server/src/runtime/npy.js';
import { randomTensor, seeded } from '../helpers/random.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

/** A .npy file assembled in the test: magic, version, header length, header, data bytes. */
function npyFile(major: number, header: string, data: readonly number[]): Uint8Array {
  const length = header.length;
  const lengthBytes = major === 1 ? [length & 0xff, length >> 8] : [length & 0xff, (length >> 8) & 0xff, (length >> 16) & 0xff, length >>> 24];
  return Uint8Array.from([...MAGIC, major, 0, ...lengthBytes, ...ascii(header), ...data]);
}

/** A version-1.0 header padded the way numpy pads it (data at a multiple of 64). */
function header(descr: string, shape: string, fortran = 'False'): string {
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
  const unpadded = 10 + dict.length + 1;
  return dict + ' '.repeat(Math.ceil(unpadded / 64) * 64 - unpadded) + '\n';
}

// Little-endian IEEE 754 bytes, written out by hand.
const F8 = {
  one: [0, 0, 0, 0, 0, 0, 0xf0, 0x3f],
  two: [0, 0, 0, 0, 0, 0, 0x00, 0x40],
  minusThree: [0, 0, 0, 0, 0, 0, 0x08, 0xc0],
  half: [0, 0, 0, 0, 0, 0, 0xe0, 0x3f],
  four: [0, 0, 0, 0, 0, 0, 0x10, 0x40],
  zero: [0, 0, 0, 0, 0, 0, 0, 0],
};
const F4 = { one: [0, 0, 0x80, 0x3f], minusTwo: [0, 0, 0, 0xc0], half: [0, 0, 0, 0x3f] };

describe('npy: the exact bytes numpy writes', () => {
  // np.save of np.array([[1, 2, -3], [0.5, 4, 0]]): a 118-byte header (0x76) so the data starts at 128.
  const dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
  const handBuilt = Uint8Array.from([
    0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00, 0x76, 0x00,
    ...ascii(dict), ...ascii(' '.repeat(58)), 0x0a,
    ...F8.one, ...F8.two, ...F8.minusThree, ...F8.half, ...F8.four, ...F8.zero,
  ]);

  it('writes a 2x3 float64 array byte for byte', () => {
    expect(handBuilt.length).toBe(128 + 48);
    expect(writeNpy(Float64Array.from([1, 2, -3, 0.5, 4, 0]), [2, 3])).toEqual(handBuilt);
  });

  it('reads the hand-built bytes', () => {
    const array = readNpy(handBuilt);
    expect(array.dtype).toBe('<f8');
    expect(array.shape).toEqual([2, 3]);
    expect(Array.from(array.data)).toEqual([1, 2, -3, 0.5, 4, 0]);
  });

  it('writes float32 with its own descr and 4-byte values', () => {
    const bytes = writeNpy(Float64Array.from([1, -2, 0.5]), [3], '<f4');
    const expected = Uint8Array.from([...MAGIC, 1, 0, 0x76, 0x00, ...ascii("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), ...ascii(' '.repeat(60)), 0x0a, ...F4.one, ...F4.minusTwo, ...F4.half]);
    expect(bytes).toEqual(expected);
  });

  it('writes a scalar with the empty tuple', () => {
    const bytes = writeNpy(Float64Array.from([0.5]), []);
    const dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (), }";
    expect(new TextDecoder().decode(bytes.subarray(10, 10 + dict.length))).toBe(dict);
    expect(Array.from(bytes.subarray(128))).toEqual(F8.half);
  });
});

describe('npy: reading versions 2.0 and 3.0', () => {
  it('reads version 2.0 (4-byte header length)', () => {
    const text = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }" + ' '.repeat(58) + '\n';
    const array = readNpy(npyFile(2, text, [...F4.one, ...F4.minusTwo, ...F4.half]));
    expect(array).toEqual({ shape: [3], data: Float64Array.from([1, -2, 0.5]), dtype: '<f4' });
  });

  it('reads version 3.0 (utf-8 header)', () => {
    const array = readNpy(npyFile(3, header('<f8', '(1, 2)'), [...F8.four, ...F8.minusThree]));
    expect(array.shape).toEqual([1, 2]);
    expect(Array.from(array.data)).toEqual([4, -3]);
  });

  it('accepts double quotes, extra spaces and a key order other than numpy\'s', () => {
    const text = '{"shape": ( 2 , ), "fortran_order":False, "descr":"<f8"}\n';
    expect(Array.from(readNpy(npyFile(1, text, [...F8.one, ...F8.two])).data)).toEqual([1, 2]);
  });

  it('reads from a view that does not start at an aligned offset', () => {
    const file = writeNpy(Float64Array.from([1.5, -2.25]), [2]);
    const padded = new Uint8Array(file.length + 3);
    padded.set(file, 3);
    expect(Array.from(readNpy(padded.subarray(3)).data)).toEqual([1.5, -2.25]);
  });
});

describe('npy: round trips', () => {
  const random = seeded(7);
  for (const shape of [[], [5], [2, 3, 4], [1, 1, 3], [0, 3]]) {
    it(`float64 ${JSON.stringify(shape)} comes back exactly`, () => {
      const t = randomTensor(shape, random);
      const back = readNpy(writeNpy(t.data, shape));
      expect(back.shape).toEqual(shape);
      expect(back.dtype).toBe('<f8');
      expect(back.data).toEqual(t.data);
    });
  }

  it('float32 rounds each value to float32', () => {
    const t = randomTensor([3, 4], random);
    const back = readNpy(writeNpy(t.data, [3, 4], '<f4'));
    expect(back.dtype).toBe('<f4');
    expect(Array.from(back.data)).toEqual(Array.from(t.data, Math.fround));
  });

  it('keeps special values', () => {
    const values = Float64Array.from([NaN, Infinity, -Infinity, -0, Number.MIN_VALUE, Number.MAX_VALUE]);
    const back = readNpy(writeNpy(values, [6]));
    expect(Array.from(back.data)).toEqual(Array.from(values));
    expect(Object.is(back.data[3], -0)).toBe(true);
  });

  it('every header keeps the data 64-byte aligned', () => {
    for (const shape of [[], [7], [10, 200, 3000], [1, 2, 3, 4, 5, 6, 7, 8]]) {
      const bytes = writeNpy(new Float64Array(shape.reduce((p, s) => p * s, 1)), shape);
      const headerLength = bytes[8]! + 256 * bytes[9]!;
      expect((10 + headerLength) % 64).toBe(0);
      expect(bytes[10 + headerLength - 1]).toBe(0x0a);
    }
  });
});

describe('npy: rejections say what was found and what is supported', () => {
  const supported = /supported: little-endian float32 \('<f4'\) or float64 \('<f8'\)/;

  it('big-endian data', () => {
    expect(() => readNpy(npyFile(1, header('>f8', '(1,)'), F8.one), 'x.npy')).toThrow(/x\.npy: big-endian data \(dtype '>f8'\).*supported: little-endian/);
  });

  it('fortran order', () => {
    expect(() => readNpy(npyFile(1, header('<f8', '(1, 2)', 'True'), [...F8.one, ...F8.two]))).toThrow(/fortran_order is True/);
    expect(() => readNpy(npyFile(1, header('<f8', '(1, 2)', 'True'), [...F8.one, ...F8.two]))).toThrow(supported);
  });

  for (const descr of ['<i8', '<f2', '|u1', '<c16', '|b1', '<U3']) {
    it(`dtype ${descr}`, () => {
      expect(() => readNpy(npyFile(1, header(descr, '(1,)'), [0, 0, 0, 0, 0, 0, 0, 0]))).toThrow(new RegExp(`dtype '${descr.replace('|', '\\|')}' is not supported`));
      expect(() => readNpy(npyFile(1, header(descr, '(1,)'), [0, 0, 0, 0, 0, 0, 0, 0]))).toThrow(supported);
    });
  }

  it('truncated data', () => {
    expect(() => readNpy(npyFile(1, header('<f8', '(2, 3)'), [...F8.one, ...F8.two]), 'short.npy')).toThrow(
      "short.npy: truncated: shape (2, 3) of <f8 needs 48 data bytes, the file has 16",
    );
  });

  it('truncated header', () => {
    const file = npyFile(1, header('<f8', '(2,)'), []);
    expect(() => readNpy(file.subarray(0, 40))).toThrow(/truncated: the header should be 118 bytes but the file ends after 30/);
    expect(() => readNpy(file.subarray(0, 9))).toThrow(/truncated/);
  });

  it('trailing bytes after the data', () => {
    expect(() => readNpy(npyFile(1, header('<f8', '(1,)'), [...F8.one, 0]))).toThrow(/unexpected trailing data: shape \(1\) of <f8 needs 8 data bytes, the file has 9/);
  });

  it('bad magic and empty files', () => {
    expect(() => readNpy(Uint8Array.from(ascii('PK\x03\x04 a zip, not npy')), 'a.npz')).toThrow(/a\.npz: not a \.npy file.*found bytes 50 4b 03 04/);
    expect(() => readNpy(new Uint8Array(0))).toThrow(/not a \.npy file.*found an empty file/);
  });

  it('unknown format versions', () => {
    const file = npyFile(1, header('<f8', '(1,)'), F8.one);
    file[6] = 4;
    expect(() => readNpy(file)).toThrow(/format version 4\.0 is not supported; supported: 1\.0, 2\.0, 3\.0/);
  });

  it('a header without the expected keys', () => {
    expect(() => readNpy(npyFile(1, "{'descr': '<f8', 'shape': (1,)}\n", F8.one))).toThrow(/malformed header.*'descr', 'fortran_order' and 'shape'/);
    expect(() => readNpy(npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (x,)}\n", F8.one))).toThrow(/malformed shape/);
  });

  it('writing checks the dtype and that the data fits the shape', () => {
    expect(() => writeNpy(new Float64Array(5), [2, 3])).toThrow(/shape \(2, 3\) holds 6 values but 5 were given/);
    expect(() => writeNpy(new Float64Array(1), [1], '<i4' as never)).toThrow(/cannot write dtype <i4; supported/);
  });
});
