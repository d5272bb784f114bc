/** A .cein file read for the command line: parsed, linked and validated by the language services. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DocumentValidator, EmptyFileSystem, URI, type LangiumDocument } from 'langium';
import { createCeinServices, type CeinServices } from '../language/cein-module.js';
import type { CeinFile } from '../language/generated/ast.js';
import { UsageError } from './arguments.js';

export interface LoadedFile {
  readonly services: CeinServices;
  readonly document: LangiumDocument<CeinFile>;
  readonly root: CeinFile;
}

/** Problems that leave nothing sound to work from: the file does not parse, or a name is unknown. */
const FATAL = new Set<unknown>([DocumentValidator.LexingError, DocumentValidator.ParsingError, DocumentValidator.LinkingError]);
const MAX_SHOWN = 10;

export async function loadCeinFile(path: string): Promise<LoadedFile> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const { shared, cein } = createCeinServices(EmptyFileSystem);
  const document = shared.workspace.LangiumDocumentFactory.fromString<CeinFile>(text, URI.file(resolve(path)));
  shared.workspace.LangiumDocuments.addDocument(document);
  await shared.workspace.DocumentBuilder.build([document], { validation: true });
  const fatal = (document.diagnostics ?? []).filter((d) => d.severity === 1 && FATAL.has((d.data as { code?: unknown } | undefined)?.code));
  if (fatal.length > 0) {
    const lines = fatal.slice(0, MAX_SHOWN).map((d) => `${path}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}`);
    if (fatal.length > MAX_SHOWN) lines.push(`... and ${fatal.length - MAX_SHOWN} more`);
    throw new UsageError(`${path} has errors; fix them first:\n${lines.join('\n')}`);
  }
  return { services: cein, document, root: document.parseResult.value };
}
