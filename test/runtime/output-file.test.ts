/** The atomic writer and the --out check, with the file system's failures injected or found on this machine. */
import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWritable, writeFileAtomic, type FileSystem } from '../../server/src/runtime/output-file.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'cein-write-'));
const bytes = (text: string) => new TextEncoder().encode(text);

function failing(code: string, at: 'write' | 'rename'): FileSystem {
  const fail = () => Object.assign(new Error(`${code}: injected`), { code });
  return {
    writeFileSync: ((path: fs.PathOrFileDescriptor, data: Uint8Array, options?: fs.WriteFileOptions) => {
      // Half the bytes reach the disk, then it is full.
      fs.writeFileSync(path, data.subarray(0, data.length >> 1), options);
      if (at === 'write') throw fail();
    }) as FileSystem['writeFileSync'],
    renameSync: ((from: fs.PathLike, to: fs.PathLike) => {
      if (at === 'rename') throw fail();
      fs.renameSync(from, to);
    }) as FileSystem['renameSync'],
    rmSync: fs.rmSync,
  };
}

describe('writeFileAtomic', () => {
  it('writes the bytes, and nothing else is left in the folder', () => {
    const dir = fresh();
    writeFileAtomic(join(dir, 'y.npy'), bytes('new result'));
    expect(readFileSync(join(dir, 'y.npy'), 'utf8')).toBe('new result');
    expect(readdirSync(dir)).toEqual(['y.npy']);
  });

  it.each([['write', 'ENOSPC', 'no space left on the device'], ['rename', 'EXDEV', 'EXDEV: injected']] as const)(
    'a failed %s leaves the good file as it was, and no temporary file',
    (at, code, why) => {
      const dir = fresh();
      const out = join(dir, 'y.npy');
      writeFileSync(out, 'good old result');
      expect(() => writeFileAtomic(out, bytes('a much longer new result that will not fit'), failing(code, at))).toThrow(`cannot write ${out}: ${why} (the file there is unchanged)`);
      expect(readFileSync(out, 'utf8')).toBe('good old result');
      expect(readdirSync(dir)).toEqual(['y.npy']);
    },
  );
});

describe('checkWritable', () => {
  it('accepts a new file in an existing folder, and leaves no probe behind', () => {
    const dir = fresh();
    expect(() => checkWritable(join(dir, 'y.npy'))).not.toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses, naming the path, what cannot be written', () => {
    const dir = fresh();
    const file = join(dir, 'plain');
    writeFileSync(file, '');
    expect(() => checkWritable('')).toThrow('the output path is empty');
    expect(() => checkWritable(dir)).toThrow(`${dir} is a folder`);
    expect(() => checkWritable(join(file, 'y.npy'))).toThrow(`${file} is not a folder`);
    expect(() => checkWritable(join(dir, 'missing', 'y.npy'))).toThrow(`the folder ${join(dir, 'missing')} does not exist`);
    expect(() => checkWritable('/dev/null')).toThrow('/dev/null is not a regular file');
    // Root may write anywhere it has permission bits for; /proc takes no new files from anyone.
    expect(() => checkWritable('/proc/cein-y.npy')).toThrow('cannot write /proc/cein-y.npy');
  });
});
