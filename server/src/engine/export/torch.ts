/**
 * PyTorch export: a plan (or a program of layers and networks) as a self-contained Python file
 * that needs only torch (>= 1.13) and computes exactly what the CPU float64 executor computes.
 * Every plan step is one commented block (torch-step.ts); the `--expr` file has a
 * `forward(*operands)` function, a program one torch.nn.Module per layer and per network.
 */
import type { Plan } from '../plan.js';
import type { TorchLayer, TorchNetwork, TorchOperand, TorchProgram } from './program.js';
import { IdentifierScope, MODULE_ATTRIBUTES } from './python-names.js';
import { PAD_HELPER } from './torch-helpers.js';
import { initRule } from './torch-init.js';
import { STEP_TEMPORARIES, stepBlock, stepComment, type StepBlock, type StepForm } from './torch-step.js';

export { ExportError } from './einsum-letters.js';
export type { TorchLayer, TorchNetwork, TorchOperand, TorchOperandRole, TorchProgram } from './program.js';
export { pythonIdentifier } from './python-names.js';
export type { StepForm } from './torch-step.js';

export interface ExpressionExportOptions {
  /** The conv options as written, e.g. "--stride h=2", quoted in the file's docstring. */
  readonly settings?: string;
}

/** Names the generated files use at module level (besides the classes), and Python builtins they call. */
const FILE_NAMES = ['torch', 'nn', 'F', '_pad', 'forward', 'EXPRESSION', 'SHAPES', 'OBJECTIVE', 'MACS', 'OUTPUT_SHAPE', 'PATH', 'super', 'len', 'TypeError', 'ValueError', 'repr', 'self'];
/** Class attributes of every layer module. */
const CLASS_CONSTANTS = ['EXPRESSION', 'SHAPES', 'OBJECTIVE', 'MACS', 'OUTPUT_SHAPE', 'PATH'];
const INDENT = '    ';

/** The `cein export --expr` file: `forward(*operands)` and the plan's MACS, OUTPUT_SHAPE and PATH. */
export function exportExpressionToTorch(plan: Plan, options: ExpressionExportOptions = {}): string {
  const n = plan.shapes.length;
  const scope = localScope(plan);
  const operands = plan.shapes.map((_, k) => scope.claim(`x${k}`));
  const body = forwardBody(plan, operands);
  const lines = [
    `"""${escapeDocstring(plan.expression)}${options.settings ? `  (${escapeDocstring(options.settings)})` : ''}`,
    '',
    `Exported by cein: the plan for operands of shapes ${plan.shapes.map(formatShapeText).join(', ')}, objective ${plan.objective},`,
    'one block per step. Needs only PyTorch (>= 1.13); runs in any dtype and on any device of its inputs.',
    '"""',
    'import torch',
    'import torch.nn.functional as F',
    '',
    ...planConstants(plan, ''),
    '',
    '',
    PAD_HELPER,
    '',
    'def forward(*operands):',
    `${INDENT}"""The expression on ${n} tensor${n === 1 ? '' : 's'} of shapes SHAPES, step by step in the plan's order."""`,
    `${INDENT}if len(operands) != ${n}:`,
    `${INDENT}${INDENT}raise TypeError('forward takes ${n} operand${n === 1 ? '' : 's'}, got %d' % len(operands))`,
    `${INDENT}${operands.join(', ')}${n === 1 ? ',' : ''} = operands`,
    ...body.map((line) => (line === '' ? '' : INDENT + line)),
  ];
  return `${lines.join('\n')}\n`;
}

/** A file with one torch.nn.Module per layer and per network of the program. */
export function exportModulesToTorch(program: TorchProgram): string {
  const fileScope = new IdentifierScope(FILE_NAMES);
  const layerClasses = program.layers.map((layer) => fileScope.claim(layer.name));
  const networkClasses = program.networks.map((network) => fileScope.claim(network.name));
  const classes = [
    ...program.layers.map((layer, i) => layerModule(layer, layerClasses[i]!)),
    ...program.networks.map((network, i) => networkModule(program, network, networkClasses[i]!, layerClasses)),
  ];
  const lines = [
    `"""${program.origin ? `${program.origin}: ` : ''}PyTorch modules exported by cein.`,
    '',
    'One torch.nn.Module per layer and per network. A layer module runs its plan, one block per step;',
    '`weight` tensors are nn.Parameters, `const` tensors buffers (ones until loaded with',
    'load_state_dict), inputs and outputs of other layers are the forward\'s arguments. A network',
    'module runs its layers in order and returns the last one\'s output. Needs only PyTorch (>= 1.13).',
    '',
    'Initialisation: the weight factors of a layer are drawn i.i.d. from N(0, std^2), one std per',
    'layer, chosen so that the elements of the dense kernel they rebuild have on average the',
    'variance 2/fan_in (Kaiming), fan_in being the kernel\'s extent over the indices it contracts',
    'with the data (input channels and the combined filter extent of every conv index).',
    '"""',
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
    '',
    PAD_HELPER,
    ...classes.flatMap((c) => ['', c]),
  ];
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------

/** Step outputs are `step1`, `step2`, ...: reserved before any other local name is claimed. */
function stepNames(plan: Plan): string[] {
  return plan.steps.map((_, i) => `step${i + 1}`);
}

function localScope(plan: Plan, extra: readonly string[] = []): IdentifierScope {
  return new IdentifierScope([...FILE_NAMES, ...STEP_TEMPORARIES, ...stepNames(plan), ...extra]);
}

/** Each step's block, inputs named by `operands` (leaves) and `stepN` (intermediates), each read in the layout its step wrote. */
function planBlocks(plan: Plan, operands: readonly string[]): StepBlock[] {
  const names = stepNames(plan);
  const layouts = new Map<number, readonly string[]>();
  const last = plan.steps.length - 1;
  return plan.steps.map((step, i) => {
    const inputs = step.inputs.map((id, k) => ({
      expr: id < operands.length ? operands[id]! : names[id - operands.length]!,
      indices: layouts.get(id) ?? step.inputIndices[k]!,
    }));
    const block = stepBlock(step, inputs, names[i]!, i === last, keptAlone(plan, step.output));
    layouts.set(step.output, block.layout);
    return block;
  });
}

/** The indices of value `id` that the step reading it keeps without the other input (its batch indices there). */
function keptAlone(plan: Plan, id: number): Set<string> {
  const reader = plan.steps.find((step) => step.inputs.includes(id));
  if (!reader || reader.inputs.length !== 2) return new Set();
  const k = reader.inputs.indexOf(id);
  const other = new Set(reader.inputIndices[1 - k]!);
  return new Set(reader.inputIndices[k]!.filter((name) => !other.has(name) && reader.indices.includes(name)));
}

/** The plan's steps as Python lines, ending in `return`; `operands` are the operands' Python expressions. */
function forwardBody(plan: Plan, operands: readonly string[]): string[] {
  const lines = planBlocks(plan, operands).flatMap((block, i) => [stepComment(plan.steps[i]!, i + 1, block), ...block.lines]);
  return [...lines, `return ${stepNames(plan).at(-1)}`];
}

/** The forms the plan's steps take, e.g. for a summary. */
export function stepForms(plan: Plan): StepForm[] {
  return planBlocks(plan, plan.shapes.map((_, k) => `x${k}`)).map((block) => block.form);
}

function planConstants(plan: Plan, indent: string): string[] {
  return [
    `${indent}EXPRESSION = ${pythonString(plan.expression)}`,
    `${indent}SHAPES = [${plan.shapes.map(pythonTuple).join(', ')}]`,
    `${indent}OBJECTIVE = '${plan.objective}'`,
    `${indent}MACS = ${plan.macs}`,
    `${indent}OUTPUT_SHAPE = ${pythonTuple(plan.outputShape)}`,
    `${indent}PATH = [${plan.path.map(pythonTuple).join(', ')}]`,
  ];
}

function layerModule(layer: TorchLayer, className: string): string {
  const { plan } = layer;
  const locals = localScope(plan);
  // One attribute per factor tensor and one argument per data tensor, a tensor used twice once.
  const attributeOf = factorAttributes(layer);
  const argumentOf = new Map<string, string>();
  for (const operand of layer.operands) {
    if (!isFactor(operand) && !argumentOf.has(operand.name)) argumentOf.set(operand.name, locals.claim(operand.name));
  }
  const operandExprs = layer.operands.map((operand) => (isFactor(operand) ? `self.${attributeOf.get(operand.name)}` : argumentOf.get(operand.name)!));
  const declared = new Set<string>();
  const init: string[] = [];
  for (const operand of layer.operands) {
    if (!isFactor(operand) || declared.has(operand.name)) continue;
    declared.add(operand.name);
    const attribute = attributeOf.get(operand.name)!;
    const empty = `torch.${operand.role === 'weight' ? 'empty' : 'ones'}(${operand.shape.join(', ')})`;
    init.push(operand.role === 'weight' ? `self.${attribute} = nn.Parameter(${empty})` : `self.register_buffer('${attribute}', ${empty})`);
  }
  const weights = [...new Set(layer.operands.filter((o) => o.role === 'weight').map((o) => `self.${attributeOf.get(o.name)}`))];
  const rule = initRule(plan, layer.operands.map((o) => o.role));
  const std = rule?.std ?? 1;
  const ruleText = rule
    ? `std ${std} makes the rebuilt kernel's elements have mean variance 2/fan_in = ${rule.kernelVariance} (fan_in ${rule.fanIn}: ${rule.fanInIndices}).`
    : 'std 1: the layer has no data operand, so no dense kernel to scale.';
  const lines = [
    `class ${className}(nn.Module):`,
    `${INDENT}"""${layer.source ? escapeDocstring(layer.source) : `layer ${layer.name}`}`,
    '',
    `${INDENT}Plan: objective ${plan.objective}, ${plan.macs.toLocaleString('en-US')} MACs at the declared shapes SHAPES${plan.optimal ? ' (proven optimal)' : ''}.`,
    `${INDENT}"""`,
    '',
    ...planConstants(plan, INDENT),
    '',
    `${INDENT}def __init__(self):`,
    `${INDENT}${INDENT}super().__init__()`,
    ...init.map((line) => INDENT + INDENT + line),
    `${INDENT}${INDENT}self.reset_parameters()`,
    '',
    `${INDENT}def reset_parameters(self):`,
    `${INDENT}${INDENT}"""Weight factors i.i.d. N(0, std^2): ${ruleText}"""`,
    ...(weights.length > 0
      ? [`${INDENT}${INDENT}with torch.no_grad():`, ...weights.map((w) => `${INDENT}${INDENT}${INDENT}${w}.normal_(0.0, ${std})`)]
      : [`${INDENT}${INDENT}pass`]),
    '',
    `${INDENT}def forward(self${[...argumentOf.values()].map((a) => `, ${a}`).join('')}):`,
    ...forwardBody(plan, operandExprs).map((line) => INDENT + INDENT + line),
  ];
  return lines.join('\n');
}

function networkModule(program: TorchProgram, network: TorchNetwork, className: string, layerClasses: readonly string[]): string {
  const attributes = new IdentifierScope(MODULE_ATTRIBUTES);
  const locals = new IdentifierScope([...FILE_NAMES]);
  const values = new Map<string, string>();
  const args = network.inputs.map((name) => {
    const id = locals.claim(name);
    values.set(name, id);
    return id;
  });
  const init: string[] = [];
  const forward: string[] = [];
  const owners = new Map<string, string>(); // factor name -> `self.layer.attribute` that holds it first
  network.layers.forEach((position) => {
    const layer = program.layers[position]!;
    const submodule = attributes.claim(layer.name);
    init.push(`self.${submodule} = ${layerClasses[position]}()`);
    for (const [name, attribute] of factorAttributes(layer)) {
      const here = `self.${submodule}.${attribute}`;
      const owner = owners.get(name);
      if (owner) init.push(`${here} = ${owner}  # shared with an earlier layer`);
      else owners.set(name, here);
    }
    const dataNames = [...new Set(layer.operands.filter((operand) => !isFactor(operand)).map((operand) => operand.name))];
    const inputs = dataNames.map((name) => {
      const value = values.get(name);
      if (!value) throw new Error(`network ${network.name}: layer ${layer.name} uses ${name}, which is neither an argument nor an earlier layer's output`);
      return value;
    });
    const output = locals.claim(layer.output);
    values.set(layer.output, output);
    forward.push(`${output} = self.${submodule}(${inputs.join(', ')})`);
  });
  const result = values.get(network.output);
  const lines = [
    `class ${className}(nn.Module):`,
    `${INDENT}"""network ${escapeDocstring(network.name)}: ${network.layers.map((p) => program.layers[p]!.name).join(', ')}, in this order."""`,
    '',
    `${INDENT}def __init__(self):`,
    `${INDENT}${INDENT}super().__init__()`,
    ...init.map((line) => INDENT + INDENT + line),
    '',
    `${INDENT}def forward(self${args.map((a) => `, ${a}`).join('')}):`,
    ...forward.map((line) => INDENT + INDENT + line),
    `${INDENT}${INDENT}return ${result ?? 'None'}`,
  ];
  return lines.join('\n');
}

/** The attribute of each factor tensor of a layer module, by tensor name (a tensor used twice has one). */
function factorAttributes(layer: TorchLayer): Map<string, string> {
  const attributes = new IdentifierScope([...MODULE_ATTRIBUTES, ...CLASS_CONSTANTS]);
  const attributeOf = new Map<string, string>();
  for (const operand of layer.operands) {
    if (isFactor(operand) && !attributeOf.has(operand.name)) attributeOf.set(operand.name, attributes.claim(operand.name));
  }
  return attributeOf;
}

function isFactor(operand: TorchOperand): boolean {
  return operand.role === 'weight' || operand.role === 'const';
}

function pythonTuple(values: readonly number[]): string {
  return values.length === 1 ? `(${values[0]},)` : `(${values.join(', ')})`;
}

function formatShapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function pythonString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function escapeDocstring(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"');
}
