/**
 * Formatting: one statement per line (blank lines kept), blocks indented, one space around
 * `=`, `:` and arithmetic operators, none inside brackets, `, ` between operands and dims.
 */
import type { AstNode } from 'langium';
import { AbstractFormatter, Formatting, type NodeFormatter } from 'langium/lsp';
import * as ast from '../language/generated/ast.js';

const lineBreak = Formatting.newLine({ allowMore: true });

export class CeinFormatter extends AbstractFormatter {
  protected format(node: AstNode): void {
    if (ast.isCeinFile(node)) {
      const formatter = this.getNodeFormatter(node);
      formatter.nodes(...node.statements).prepend(Formatting.noIndent());
      node.statements.slice(1).forEach((statement) => formatter.node(statement).prepend(lineBreak));
    } else if (ast.isSizeConstant(node)) {
      const formatter = this.getNodeFormatter(node);
      formatter.keyword('let').append(Formatting.oneSpace());
      formatter.keyword('=').surround(Formatting.oneSpace());
    } else if (ast.isTensorDeclaration(node)) {
      const formatter = this.getNodeFormatter(node);
      formatter.property('role').append(Formatting.oneSpace());
      formatter.keyword('[').prepend(Formatting.noSpace()).append(Formatting.noSpace());
      formatter.keyword(']').prepend(Formatting.noSpace());
      commas(formatter);
    } else if (ast.isLayer(node)) {
      const formatter = this.getNodeFormatter(node);
      formatter.keyword('layer').append(Formatting.oneSpace());
      formatter.keyword(':').prepend(Formatting.noSpace()).append(Formatting.oneSpace());
      formatter.keyword('=').surround(Formatting.oneSpace());
      formatter.keyword('(').surround(Formatting.noSpace());
      formatter.keyword(')').prepend(Formatting.noSpace());
      commas(formatter);
    } else if (ast.isLayerOptions(node)) {
      const formatter = this.getNodeFormatter(node);
      const open = formatter.keyword('{');
      const close = formatter.keyword('}');
      open.prepend(Formatting.oneSpace());
      formatter.interior(open, close).prepend(Formatting.indent());
      close.prepend(Formatting.newLine());
    } else if (ast.isIndexOptions(node)) {
      const formatter = this.getNodeFormatter(node);
      formatter.keyword(':').prepend(Formatting.noSpace()).append(Formatting.oneSpace());
      commas(formatter);
    } else if (ast.isConvSetting(node)) {
      this.getNodeFormatter(node).property('key').append(Formatting.oneSpace());
    } else if (ast.isPadding(node)) {
      this.getNodeFormatter(node).keyword(':').surround(Formatting.noSpace());
    } else if (ast.isObjectiveOption(node)) {
      this.getNodeFormatter(node).keyword('objective').append(Formatting.oneSpace());
    } else if (ast.isCapOption(node)) {
      this.getNodeFormatter(node).keyword('cap').append(Formatting.oneSpace());
    } else if (ast.isNetwork(node)) {
      const formatter = this.getNodeFormatter(node);
      formatter.keyword('network').append(Formatting.oneSpace());
      formatter.keyword('(').surround(Formatting.noSpace());
      formatter.keyword(')').prepend(Formatting.noSpace());
      commas(formatter);
      const open = formatter.keyword('{');
      const close = formatter.keyword('}');
      open.prepend(Formatting.oneSpace());
      formatter.interior(open, close).prepend(Formatting.indent({ allowMore: true }));
      close.prepend(Formatting.newLine());
    } else if (ast.isBinaryExpression(node)) {
      this.getNodeFormatter(node).property('operator').surround(Formatting.oneSpace());
    }
  }
}

function commas(formatter: NodeFormatter<AstNode>): void {
  formatter.keywords(',').prepend(Formatting.noSpace()).append(Formatting.oneSpace());
}
