/** A network's inputs are what its layers work on: each must be used by one of them. */
import type { ValidationAcceptor } from 'langium';
import { isLayer, type Network } from '../generated/ast.js';

export function checkNetworkInputs(network: Network, accept: ValidationAcceptor): void {
  const used = new Set(network.statements.filter(isLayer).flatMap((layer) => layer.operands.map((operand) => operand.ref)));
  network.inputs.forEach((input, k) => {
    if (input.ref && !used.has(input.ref)) {
      accept('warning', `input ${input.$refText} of network ${network.name} is not used by any of its layers`, { node: network, property: 'inputs', index: k, code: 'unused-network-input', data: { code: 'unused-network-input' } });
    }
  });
}
