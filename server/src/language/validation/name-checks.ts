/**
 * Names: each is declared once per block (the file or a network), and every size constant and
 * tensor declaration is used somewhere.
 */
import { AstUtils, isReference, type AstNode, type ValidationAcceptor } from 'langium';
import { DiagnosticTag } from 'vscode-languageserver-types';
import { isLayer, isNetwork, isSizeConstant, isTensorDeclaration, type CeinFile, type Network, type SizeConstant, type TensorDeclaration } from '../generated/ast.js';
import type { CeinDiagnosticData } from './quick-fix.js';

type Named = AstNode & { name: string };

/** Constants, tensors and layer outputs share one namespace; layer and network labels another. */
export function checkDuplicateNames(block: CeinFile | Network, accept: ValidationAcceptor): void {
  for (const [node, earlier] of laterDuplicates(block)) {
    const line = (earlier.$cstNode?.range.start.line ?? 0) + 1;
    accept('error', `${node.name} is already declared on line ${line}`, { node, property: 'name', code: 'duplicate-name', data: { code: 'duplicate-name' } });
  }
}

/** Each declaration whose name an earlier one in the block already has, with that earlier one. */
function laterDuplicates(block: CeinFile | Network): Map<Named, Named> {
  const values: Named[] = [];
  const labels: Named[] = [];
  for (const statement of block.statements) {
    if (isLayer(statement)) {
      labels.push(statement);
      values.push(statement.output);
    } else if (isNetwork(statement)) {
      labels.push(statement);
    } else {
      values.push(statement);
    }
  }
  const duplicates = new Map<Named, Named>();
  for (const group of [values, labels]) {
    const first = new Map<string, Named>();
    for (const node of group) {
      if (!node?.name) continue;
      const earlier = first.get(node.name);
      if (earlier) duplicates.set(node, earlier);
      else first.set(node.name, node);
    }
  }
  return duplicates;
}

/** A constant or tensor nothing refers to (a repeated name is reported as a duplicate instead). */
export function checkUnusedDeclarations(file: CeinFile, accept: ValidationAcceptor): void {
  const used = new Set<AstNode>();
  for (const node of AstUtils.streamAst(file)) {
    for (const reference of AstUtils.streamReferences(node)) {
      const target = isReference(reference.reference) ? reference.reference.ref : undefined;
      if (target) used.add(target);
    }
  }
  const blocks = [file, ...file.statements.filter(isNetwork)];
  const duplicates = new Set(blocks.flatMap((block) => [...laterDuplicates(block).keys()]));
  for (const node of AstUtils.streamAst(file)) {
    if ((isSizeConstant(node) || isTensorDeclaration(node)) && node.name && !used.has(node) && !duplicates.has(node)) {
      const data: CeinDiagnosticData = { code: 'unused-declaration', fixes: [{ title: `Remove the unused declaration of ${node.name}`, edits: [{ range: removalRange(node), newText: '' }] }] };
      accept('warning', `${node.name} is declared but never used`, { node, property: 'name', code: 'unused-declaration', tags: [DiagnosticTag.Unnecessary], data });
    }
  }
}

/** The declaration, with its whole line when nothing else is on it. */
function removalRange(node: SizeConstant | TensorDeclaration) {
  const cst = node.$cstNode!;
  const text = AstUtils.getDocument(node).textDocument;
  const { start, end } = cst.range;
  const full = text.getText();
  const lineStart = text.offsetAt({ line: start.line, character: 0 });
  const nextLine = text.offsetAt({ line: end.line + 1, character: 0 });
  const before = full.slice(lineStart, cst.offset);
  const after = full.slice(cst.end, nextLine);
  const aloneOnLines = before.trim() === '' && after.trim() === '';
  return aloneOnLines ? { start: { line: start.line, character: 0 }, end: text.positionAt(nextLine) } : cst.range;
}
