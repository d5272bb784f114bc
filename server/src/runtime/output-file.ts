/**
 * Writing a result file safely: the path is checked before any computation (so a bad --out is
 * found in milliseconds, not after the run), and the bytes go to a temporary file in the same
 * folder that is then renamed over the target, so a failed write (a full disk) never leaves a
 * truncated file, nor replaces a good one.
 */
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The file operations the writer uses; tests pass failing ones. */
export type FileSystem = Pick<typeof fs, 'writeFileSync' | 'renameSync' | 'rmSync'>;

/** Throws a message naming the path when a file cannot be written there; creates and removes a probe file to be sure. */
export function checkWritable(path: string): void {
  if (path.trim() === '') throw new Error('the output path is empty');
  const target = statOrNull(path);
  if (target?.isDirectory()) throw new Error(`${path} is a folder; give a file name, e.g. ${join(path, 'y.npy')}`);
  // Renaming over a device or a pipe (/dev/null, /dev/stdout) would replace it with a plain file.
  if (target && !target.isFile()) throw new Error(`${path} is not a regular file (a device or a pipe?); give a file name`);
  const resolved = target ? fs.realpathSync(path) : path;
  const folder = dirname(resolved);
  const parent = statOrNull(folder);
  if (!parent) throw new Error(`cannot write ${path}: the folder ${folder} does not exist`);
  if (!parent.isDirectory()) throw new Error(`cannot write ${path}: ${folder} is not a folder`);
  const probe = temporaryName(resolved);
  try {
    fs.writeFileSync(probe, '', { flag: 'wx' });
  } catch (e) {
    throw new Error(`cannot write ${path}: ${reason(e)}`);
  }
  fs.rmSync(probe, { force: true });
}

/** Writes `bytes` to `path` all at once or not at all: an existing file there stays as it was on failure. */
export function writeFileAtomic(path: string, bytes: Uint8Array, files: FileSystem = fs): void {
  // Through a symbolic link to the file it names, so the link stays a link.
  const target = statOrNull(path) ? fs.realpathSync(path) : path;
  const temporary = temporaryName(target);
  try {
    files.writeFileSync(temporary, bytes, { flag: 'wx' });
    files.renameSync(temporary, target);
  } catch (e) {
    files.rmSync(temporary, { force: true });
    throw new Error(`cannot write ${path}: ${reason(e)}${statOrNull(path) ? ' (the file there is unchanged)' : ''}`);
  }
}

/** A hidden name next to the target, unique to this process and moment. */
function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
}

function statOrNull(path: string): fs.Stats | null {
  try {
    return fs.statSync(path);
  } catch {
    return null;
  }
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const known: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is exhausted',
    ENOTDIR: 'a part of the path is not a folder',
    EISDIR: 'it is a folder',
    ENOENT: 'no such file or folder',
  };
  return (code && known[code]) ?? (e instanceof Error ? e.message : String(e));
}
