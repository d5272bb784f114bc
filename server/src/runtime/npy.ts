/**
 * The NumPy .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * reads versions 1.0, 2.0 and 3.0, writes 1.0.
 * Supported data: little-endian float32 and float64 in C order.
 *
 * Layout: the magic "\x93NUMPY", major and minor version bytes, the header length (2 bytes
 * little-endian in 1.0, 4 bytes in 2.0/3.0), then the header, a Python dict literal such as
 * {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), } padded with spaces and a
 * newline so that the data starts at a multiple of 64 bytes.
 */
import { readFileSync } from 'node:fs';
import { elementCount } from '../engine/summary.js';

export type NpyDtype = '<f4' | '<f8';

export interface NpyArray {
  readonly shape: number[];
  readonly data: Float64Array;
  /** How the values were stored; they are always returned as float64. */
  readonly dtype: NpyDtype;
}

const MAGIC = [0x93, ...Array.from('NUMPY', (c) => c.charCodeAt(0))];
const ALIGNMENT = 64;
const ITEM_SIZE: Record<NpyDtype, number> = { '<f4': 4, '<f8': 8 };
const SUPPORTED = "supported: little-endian float32 ('<f4') or float64 ('<f8') in C order";

/** Reads .npy bytes; `source` names the file in error messages. */
export function readNpy(bytes: Uint8Array, source = '.npy data'): NpyArray {
  const fail = (message: string): never => {
    throw new Error(`${source}: ${message}`);
  };
  if (bytes.length < MAGIC.length + 2 || MAGIC.some((byte, i) => bytes[i] !== byte)) {
    fail(`not a .npy file: it does not start with the magic string "\\x93NUMPY" (found ${describeStart(bytes)})`);
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (![1, 2, 3].includes(major) || minor !== 0) {
    fail(`.npy format version ${major}.${minor} is not supported; supported: 1.0, 2.0, 3.0`);
  }
  const lengthBytes = major === 1 ? 2 : 4;
  const headerStart = 8 + lengthBytes;
  if (bytes.length < headerStart) fail(`truncated: the file ends inside the header length (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) {
    fail(`truncated: the header should be ${headerLength} bytes but the file ends after ${bytes.length - headerStart}`);
  }
  const encoding = major === 3 ? 'utf-8' : 'latin1';
  const header = new TextDecoder(encoding).decode(bytes.subarray(headerStart, dataStart));
  const { dtype, shape } = parseHeader(header, fail);

  const count = elementCount(shape);
  const itemSize = ITEM_SIZE[dtype];
  const expected = count * itemSize;
  const found = bytes.length - dataStart;
  if (found !== expected) {
    const what = found < expected ? 'truncated' : 'unexpected trailing data';
    fail(`${what}: shape (${shape.join(', ')}) of ${dtype} needs ${expected} data bytes, the file has ${found}`);
  }
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const at = dataStart + i * itemSize;
    data[i] = dtype === '<f8' ? view.getFloat64(at, true) : view.getFloat32(at, true);
  }
  return { shape, data, dtype };
}

/** Reads a .npy file; every failure, from the file system or the format, names the file. */
export function readNpyFile(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EISDIR' ? 'it is a folder, not a .npy file' : code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e);
    throw new Error(`cannot read ${path}: ${why}`);
  }
  return readNpy(bytes, path);
}

/** The .npy bytes of `data` (C order) with the given shape, stored as float64 or float32. */
export function writeNpy(data: Float64Array, shape: readonly number[], dtype: NpyDtype = '<f8'): Uint8Array {
  if (!Object.hasOwn(ITEM_SIZE, dtype)) throw new Error(`cannot write dtype ${String(dtype)}; ${SUPPORTED}`);
  if (!shape.every((size) => Number.isSafeInteger(size) && size >= 0)) {
    throw new Error(`cannot write shape (${shape.join(', ')}): sizes must be non-negative integers`);
  }
  const count = elementCount(shape);
  if (data.length !== count) throw new Error(`shape (${shape.join(', ')}) holds ${count} values but ${data.length} were given`);

  const dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${pythonTuple(shape)}, }`;
  const prefix = MAGIC.length + 2 + 2;
  const unpadded = prefix + dict.length + 1;
  const padded = Math.ceil(unpadded / ALIGNMENT) * ALIGNMENT;
  const header = `${dict}${' '.repeat(padded - unpadded)}\n`;

  const itemSize = ITEM_SIZE[dtype];
  const bytes = new Uint8Array(padded + count * itemSize);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[prefix + i] = header.charCodeAt(i);
  for (let i = 0; i < count; i++) {
    const at = padded + i * itemSize;
    if (dtype === '<f8') view.setFloat64(at, data[i]!, true);
    else view.setFloat32(at, data[i]!, true);
  }
  return bytes;
}

function parseHeader(header: string, fail: (message: string) => never): { dtype: NpyDtype; shape: number[] } {
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const tuple = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || tuple === undefined) {
    fail(`malformed header ${JSON.stringify(header.trim())}: expected the keys 'descr', 'fortran_order' and 'shape'`);
  }
  if (fortran === 'True') fail(`fortran_order is True (column-major data); ${SUPPORTED}`);
  const dtype = checkDtype(descr, fail);
  const shape = tuple
    .split(',')
    .map((part) => part.trim().replace(/L$/, ''))
    .filter((part) => part !== '')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : fail(`malformed shape (${tuple}) in the header`)));
  return { dtype, shape };
}

function checkDtype(descr: string, fail: (message: string) => never): NpyDtype {
  if (descr === '<f4' || descr === '<f8') return descr;
  const found = /^>f[48]$/.test(descr) ? `big-endian data (dtype '${descr}')` : `dtype '${descr}' is not supported`;
  return fail(`${found}; ${SUPPORTED}`);
}

function pythonTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function describeStart(bytes: Uint8Array): string {
  const start = Array.from(bytes.subarray(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
  return bytes.length === 0 ? 'an empty file' : `bytes ${start}`;
}
