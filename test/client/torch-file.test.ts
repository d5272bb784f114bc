/** "Export as PyTorch Module": where the file goes and when the client may write it. */
import { describe, expect, test } from 'vitest';
import { mayWrite, OVERWRITE, torchDestination } from '../../client/src/torch-file.js';

/** A .cein file's URI, as far as the decision needs it: its scheme and its `/`-separated path. */
const cein = (path: string, scheme = 'file') => ({ scheme, path });

describe('torchDestination', () => {
  test('the file goes next to the .cein file, under the suggested name', () => {
    expect(torchDestination(cein('/home/me/nets/cp.cein'), 'cp_cp.py')).toEqual({ path: '/home/me/nets/cp_cp.py' });
    expect(torchDestination(cein('/c:/Users/me/cp.cein'), 'cp_cp.py')).toEqual({ path: '/c:/Users/me/cp_cp.py' });
  });

  test('a file in a remote or virtual workspace (vscode.dev, github.dev) gets the module next to it too', () => {
    expect(torchDestination(cein('/owner/repo/nets/cp.cein', 'vscode-vfs'), 'cp_cp.py')).toEqual({ path: '/owner/repo/nets/cp_cp.py' });
    expect(torchDestination(cein('/home/me/cp.cein', 'vscode-remote'), 'cp_cp')).toEqual({ path: '/home/me/cp_cp.py' });
  });

  test('only the last segment of the name is used, and it ends in .py', () => {
    const here = cein('/home/me/cp.cein');
    expect(torchDestination(here, '../../etc/evil.py')).toEqual({ path: '/home/me/evil.py' });
    expect(torchDestination(here, '..\\up\\win.py')).toEqual({ path: '/home/me/win.py' });
    expect(torchDestination(here, 'cp_cp')).toEqual({ path: '/home/me/cp_cp.py' });
  });

  test('an unsaved document or an empty name is a problem, not a write somewhere', () => {
    expect(torchDestination(cein('Untitled-1', 'untitled'), 'x.py')).toEqual({ problem: 'save the .cein file first: the module is written next to it' });
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
