/**
 * The validation checks of the .cein language, registered per node type. Every check reads
 * sizes, shapes and plans from the typing service.
 */
import type { AstNode, DiagnosticInfo, ValidationAcceptor, ValidationChecks } from 'langium';
import type { CancellationToken } from 'vscode-languageserver';
import type { CeinServices } from '../cein-module.js';
import type { CeinAstType, CeinFile, Layer, Network } from '../generated/ast.js';
import type { CeinTyping } from '../typing/cein-typing.js';
import { reportEngineProblems } from './engine-problems.js';
import { checkMemoryCap, checkOperandCount, checkOperandRanks } from './layer-checks.js';
import { checkDuplicateNames, checkUnusedDeclarations } from './name-checks.js';
import { checkNetworkInputs } from './network-checks.js';

export function registerValidationChecks(services: CeinServices): void {
  const validator = services.validation.CeinValidator;
  const checks: ValidationChecks<CeinAstType> = {
    CeinFile: [validator.checkFile],
    Network: [validator.checkNetwork],
    Layer: [validator.checkLayer],
  };
  services.validation.ValidationRegistry.register(checks, validator);
}

export class CeinValidator {
  private readonly typing: CeinTyping;

  constructor(services: CeinServices) {
    this.typing = services.typing.CeinTyping;
  }

  checkFile = (file: CeinFile, accept: ValidationAcceptor): void => {
    checkDuplicateNames(file, accept);
    checkUnusedDeclarations(file, accept);
    for (const problem of this.typing.typesOf(file).problems) {
      const { node, property, index, code, severity, message } = problem;
      const info = { node, property, index, code, data: { code } } as DiagnosticInfo<AstNode>;
      accept(severity, message, info);
    }
  };

  checkNetwork = (network: Network, accept: ValidationAcceptor): void => {
    checkDuplicateNames(network, accept);
    checkNetworkInputs(network, accept);
  };

  checkLayer = (layer: Layer, accept: ValidationAcceptor, cancelToken: CancellationToken): void => {
    const types = this.typing.layerTypes(layer);
    if (!types) return;
    checkOperandCount(types, accept);
    checkOperandRanks(types, accept);
    reportEngineProblems(types, accept);
    checkMemoryCap(types, this.typing, accept, cancelToken);
  };
}
