/** The editor's runtime settings as the server reads them: cein.benchmarkRepeats within the manifest's range. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readRuntimeSettings } from '../../server/src/lsp/run-hook.js';

const manifest = JSON.parse(readFileSync('package.json', 'utf8')).contributes.configuration.properties['cein.benchmarkRepeats'];

describe('readRuntimeSettings', () => {
  it('keeps a repeat count inside the range the manifest declares', () => {
    expect(readRuntimeSettings({ benchmarkRepeats: 10 })).toEqual({ backend: 'auto', repeats: 10 });
    expect(readRuntimeSettings({ benchmarkRepeats: manifest.maximum })).toEqual({ backend: 'auto', repeats: manifest.maximum });
  });

  it('clamps 1e9 to the maximum and 0 to the minimum, and says so', () => {
    const huge = readRuntimeSettings({ benchmarkRepeats: 1e9 });
    expect(huge.repeats).toBe(manifest.maximum);
    expect(huge.notice).toContain(`cein.benchmarkRepeats 1000000000 is outside ${manifest.minimum}..${manifest.maximum}; using ${manifest.maximum}`);
    expect(readRuntimeSettings({ benchmarkRepeats: 0 }).repeats).toBe(manifest.minimum);
  });

  it('falls back to the default, with a notice, on a value that is not a number', () => {
    const settings = readRuntimeSettings({ benchmarkRepeats: 'many' });
    expect(settings.repeats).toBeUndefined();
    expect(settings.notice).toContain('not a number');
  });
});
