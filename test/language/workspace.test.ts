/**
 * One document must never stop the others: a workspace file that cannot be read is left out
 * of start-up, and a document whose build fails at some stage leaves the other documents to be
 * built and validated. Both failures are said on stderr.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DocumentState, EmptyFileSystem, URI, type LangiumDocument } from 'langium';
import { NodeFileSystemProvider } from 'langium/node';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { CancellationToken, InitializeParams } from 'vscode-languageserver';
import { createCeinServices } from '../../server/src/language/cein-module.js';
import { CeinScopeComputation } from '../../server/src/language/scoping/cein-scope-computation.js';
import { createCeinLanguageServer } from '../../server/src/lsp/cein-lsp-module.js';

const GOOD = 'input X[2, 3]\nlayer l: Y = conv_einsum("ij->i", X)\n';

afterEach(() => {
  vi.restoreAllMocks();
});

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms))]);
}

describe('start-up', () => {
  test('a workspace file that cannot be read is left out; the others are loaded and built', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cein-unreadable-'));
    writeFileSync(join(folder, 'good.cein'), GOOD);
    writeFileSync(join(folder, 'unreadable.cein'), GOOD);
    class OneUnreadableFile extends NodeFileSystemProvider {
      override readFile(uri: URI): Promise<string> {
        return uri.path.endsWith('/unreadable.cein') ? Promise.reject(new Error('EACCES: permission denied')) : super.readFile(uri);
      }
    }
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const { shared } = createCeinLanguageServer({ fileSystemProvider: () => new OneUnreadableFile() });
      const manager = shared.workspace.WorkspaceManager;
      manager.initialize({ processId: null, rootUri: null, capabilities: {}, workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'w' }] } as InitializeParams);
      await within(manager.initialized({}), 5000, 'start-up');
      await within(manager.ready, 1000, 'ready');
      const good = shared.workspace.LangiumDocuments.getDocument(URI.file(join(folder, 'good.cein')));
      expect(good?.state).toBeGreaterThanOrEqual(DocumentState.Linked);
      expect(shared.workspace.LangiumDocuments.hasDocument(URI.file(join(folder, 'unreadable.cein')))).toBe(false);
      expect(errors.mock.calls.map((call) => String(call[0]))).toEqual([expect.stringContaining('unreadable.cein could not be loaded')]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('builds', () => {
  test('a document whose scope computation throws leaves the others to be validated', async () => {
    class FailsOnBad extends CeinScopeComputation {
      override collectLocalSymbols(document: LangiumDocument, cancelToken?: CancellationToken) {
        if (document.uri.path.endsWith('/bad.cein')) throw new Error('scope computation broke');
        return super.collectLocalSymbols(document, cancelToken);
      }
    }
    const { shared } = createCeinServices(EmptyFileSystem, { references: { ScopeComputation: (services) => new FailsOnBad(services) } });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const factory = shared.workspace.LangiumDocumentFactory;
    const bad = factory.fromString(GOOD, URI.parse('file:///w/bad.cein'));
    const good = factory.fromString(GOOD.replace('->i', '->q'), URI.parse('file:///w/good.cein'));
    shared.workspace.LangiumDocuments.addDocument(bad);
    shared.workspace.LangiumDocuments.addDocument(good);
    await shared.workspace.DocumentBuilder.build([bad, good], { validation: true });
    expect(good.state).toBe(DocumentState.Validated);
    expect(good.diagnostics?.map((d) => d.message)).toEqual([expect.stringContaining('output index q')]);
    expect(errors.mock.calls.map((call) => String(call[0]))).toEqual([expect.stringContaining('ComputedScopes stage of file:///w/bad.cein failed')]);
  });
});
