/** Reading the CLI's option values: shapes and per-index conv options. */
import { isPaddingMode, parsePadding, PADDING_MODES, type ConvOptions, type ConvOptionsMap, type Padding, type PaddingMode } from '../engine/options.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** "128x64x32x32,8x64" -> [[128,64,32,32],[8,64]]; "()" or "scalar" is a scalar operand. */
export function parseShapes(text: string): number[][] {
  return text.split(',').map((part) => {
    const t = part.trim();
    if (t === '()' || t === 'scalar') return [];
    if (!/^\d+(x\d+)*$/i.test(t)) throw new UsageError(`shape "${t}" should look like 128x64x32x32`);
    return t.split(/x/i).map(Number);
  });
}

/** "h=2,w=1" -> [["h","2"],["w","1"]]; an index may be written t1 or (t1). */
function parseAssignments(flag: string, text: string): [string, string][] {
  const assignments = text.split(',').filter((s) => s.trim() !== '').map((part): [string, string] => {
    const match = /^\s*\(?([A-Za-z][A-Za-z0-9_]*)\)?\s*=\s*(.+?)\s*$/.exec(part);
    if (!match) throw new UsageError(`${flag} "${part}" should look like h=2`);
    return [match[1]!, match[2]!];
  });
  const names = assignments.map(([name]) => name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new UsageError(`${flag} gives ${repeated} twice ("${text}"); give each index once`);
  return assignments;
}

export interface ConvFlags {
  readonly stride?: string;
  readonly padding?: string;
  readonly dilation?: string;
  readonly paddingMode?: string;
}

/** Merges --stride, --padding, --dilation and --padding-mode into one options map. */
export function parseConvFlags(flags: ConvFlags): ConvOptionsMap {
  const options: Record<string, { -readonly [K in keyof ConvOptions]: ConvOptions[K] }> = {};
  const entry = (name: string) => (options[name] ??= {});
  const positive = (flag: string, name: string, value: string) => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${flag} for ${name} is "${value}"; it must be a positive integer`);
    return Number(value);
  };
  for (const [name, value] of parseAssignments('--stride', flags.stride ?? '')) entry(name).stride = positive('--stride', name, value);
  for (const [name, value] of parseAssignments('--dilation', flags.dilation ?? '')) entry(name).dilation = positive('--dilation', name, value);
  for (const [name, value] of parseAssignments('--padding', flags.padding ?? '')) {
    const padding: Padding | string = parsePadding(value);
    if (typeof padding === 'string') throw new UsageError(`--padding for ${name}: ${padding}`);
    entry(name).padding = padding;
  }
  for (const [name, value] of parseAssignments('--padding-mode', flags.paddingMode ?? '')) {
    if (!isPaddingMode(value)) throw new UsageError(`--padding-mode for ${name} is "${value}"; use one of ${PADDING_MODES.join(', ')}`);
    entry(name).mode = value as PaddingMode;
  }
  return options;
}

/** "1,0,1" or "true,false" -> per-operand flags. */
export function parseFlags(flag: string, text: string): boolean[] {
  return text.split(',').map((t) => {
    const v = t.trim().toLowerCase();
    if (v === '1' || v === 'true' || v === 'yes') return true;
    if (v === '0' || v === 'false' || v === 'no') return false;
    throw new UsageError(`${flag} value "${t}" should be 1 or 0`);
  });
}

/** "0,2" -> [0, 2]: operand numbers, each once (the range is checked once the operand count is known). */
export function parseOperandList(flag: string, text: string): number[] {
  const operands = text.split(',').map((t) => {
    if (!/^\s*\d+\s*$/.test(t)) throw new UsageError(`${flag} value "${t}" should be an operand number (0 is the first operand)`);
    return Number(t);
  });
  const repeated = operands.find((k, i) => operands.indexOf(k) !== i);
  if (repeated !== undefined) throw new UsageError(`${flag} gives operand ${repeated} twice ("${text}"); give each operand once`);
  return operands;
}

/** Each operand number is below the operand count. */
export function checkOperandRange(flag: string, operands: readonly number[], count: number): void {
  const outside = operands.find((k) => k >= count);
  if (outside !== undefined) throw new UsageError(`${flag} names operand ${outside} but the expression has ${count} operands (0 to ${count - 1})`);
}

export function parsePositiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\s*\d+(e\d+)?\s*$/i.test(text) || !Number.isSafeInteger(value) || value < 1) throw new UsageError(`${flag} "${text}" must be a positive whole number`);
  return value;
}

/** Seeds are 32-bit: the generator keeps 32 bits of state. */
export function parseSeed(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || value > 0xffffffff) throw new UsageError(`--seed "${text}" must be a whole number from 0 to ${0xffffffff}`);
  return value;
}

export function parsePositive(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} "${text}" must be a positive number`);
  return value;
}
