/**
 * Python identifiers for names that come from cein files and expressions: layer, network and
 * tensor names become class, attribute and argument names of an exported module.
 */

/** Python's keywords and soft keywords (3.8 to 3.12): never usable, or confusing, as a name. */
const PYTHON_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
  'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try',
  'while', 'with', 'yield', 'match', 'case', 'type', '_',
]);

/**
 * A valid Python identifier derived from `name`: characters outside [A-Za-z0-9_] become `_`, a
 * leading digit gets a `_` before it, and a keyword gets a `_` after it.
 */
export function pythonIdentifier(name: string): string {
  let id = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (id === '') id = '_unnamed';
  if (/^[0-9]/.test(id)) id = `_${id}`;
  if (PYTHON_KEYWORDS.has(id)) id = `${id}_`;
  return id;
}

/**
 * Hands out distinct identifiers within one Python scope. Reserved names (the generated code's
 * own names, or attributes of torch.nn.Module) are never handed out; a name taken already gets
 * `_2`, `_3`, ... after it.
 */
export class IdentifierScope {
  private readonly taken: Set<string>;

  constructor(reserved: Iterable<string> = []) {
    this.taken = new Set(reserved);
  }

  /** A fresh identifier for `name`. */
  claim(name: string): string {
    const base = pythonIdentifier(name);
    let id = base;
    for (let k = 2; this.taken.has(id); k++) id = `${base}_${k}`;
    this.taken.add(id);
    return id;
  }
}

/** Attributes and methods of torch.nn.Module that a parameter, buffer or submodule name must not shadow. */
export const MODULE_ATTRIBUTES = [
  'forward', 'training', 'train', 'eval', 'parameters', 'named_parameters', 'buffers', 'named_buffers', 'children', 'named_children',
  'modules', 'named_modules', 'state_dict', 'load_state_dict', 'register_buffer', 'register_parameter', 'register_module', 'add_module',
  'apply', 'cuda', 'cpu', 'to', 'type', 'float', 'double', 'half', 'bfloat16', 'zero_grad', 'requires_grad_', 'extra_repr', 'get_submodule',
  'get_parameter', 'get_buffer', 'share_memory', 'dump_patches', 'call_super_init', 'reset_parameters', 'T_destination',
];
