/** "Export as PyTorch Module": where the file goes and when the client may write it. */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { mayWrite, OVERWRITE, torchDestination } from '../../client/src/torch-file.js';

const cein = (fsPath: string) => ({ scheme: 'file', fsPath });

describe('torchDestination', () => {
  test('the file goes next to the .cein file, under the suggested name', () => {
    expect(torchDestination(cein(join('/home', 'me', 'nets', 'cp.cein')), 'cp_cp.py')).toEqual({ path: join('/home', 'me', 'nets', 'cp_cp.py') });
  });

  test('only the last segment of the name is used, and it ends in .py', () => {
    const here = cein(join('/home', 'me', 'cp.cein'));
    expect(torchDestination(here, '../../etc/evil.py')).toEqual({ path: join('/home', 'me', 'evil.py') });
    expect(torchDestination(here, '..\\up\\win.py')).toEqual({ path: join('/home', 'me', 'win.py') });
    expect(torchDestination(here, 'cp_cp')).toEqual({ path: join('/home', 'me', 'cp_cp.py') });
  });

  test('an unsaved document or an empty name is a problem, not a write somewhere', () => {
    expect(torchDestination({ scheme: 'untitled', fsPath: 'Untitled-1' }, 'x.py')).toEqual({ problem: 'save the .cein file first: the module is written next to it' });
    expect(torchDestination(cein('/home/me/cp.cein'), '')).toEqual({ problem: 'the server suggested no file name ("")' });
    expect(torchDestination(cein('/home/me/cp.cein'), '..')).toEqual({ problem: 'the server suggested no file name ("..")' });
  });
});

describe('mayWrite', () => {
  test('a new file is written without asking', async () => {
    let asked = 0;
    expect(await mayWrite(false, async () => (asked++, undefined))).toBe(true);
    expect(asked).toBe(0);
  });

  test('an existing file is replaced only when the user picks Overwrite', async () => {
    let asked = 0;
    const answering = (choice: string | undefined) => async () => (asked++, choice);
    expect(await mayWrite(true, answering(OVERWRITE))).toBe(true);
    expect(await mayWrite(true, answering(undefined))).toBe(false);
    expect(await mayWrite(true, answering('Cancel'))).toBe(false);
    expect(asked).toBe(3);
  });
});
