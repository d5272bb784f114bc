/**
 * Mutated and random .cein documents for robustness runs: truncations, deleted quotes, random
 * indices, huge sizes, very long expressions, token soup, and hostile shapes (deep nesting of
 * every construct, very long sums, operand lists and lines), all from a seeded generator.
 */
import { seededRandom } from '../../server/src/engine/random.js';

type Random = () => number;

const int = (random: Random, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const VOCABULARY = [
  'let', 'input', 'weight', 'const', 'layer', 'network', 'conv_einsum', 'objective', 'cap', 'stride', 'padding',
  'dilation', 'mode', 'same', 'valid', 'full', 'circular', 'reflect', 'replicate', 'zeros', 'flops', 'memory',
  'training', '=', ':', ',', '(', ')', '[', ']', '{', '}', '"', '->', '|', '/', '*', '+', '-', '0', '1', '3', '64',
  '4294967296', '9007199254740993', 'X', 'Y', 'U', 'bshw', '"bshw,tshw->bthw|hw"', '//', '/*', '*/', '\n',
];

/** A conv_einsum string with `operands` operands in a ring (TR-like), plus h and w filters. */
export function longExpression(operands: number): { expression: string; names: string[] } {
  const cores = operands - 1;
  const terms = ['b(s0)hw'];
  for (let i = 1; i < cores; i++) terms.push(`(r${i})(r${i + 1})`);
  terms.push(`(r${cores})(r1)(s0)hw`);
  return { expression: `${terms.join(',')}->bhw|hw`, names: terms.map((_, i) => `T${i}`) };
}

function truncate(text: string, random: Random): string {
  return text.slice(0, int(random, 0, text.length));
}

function deleteQuote(text: string, random: Random): string {
  const quotes = [...text.matchAll(/"/g)].map((m) => m.index!);
  if (quotes.length === 0) return text;
  const at = pick(random, quotes);
  return text.slice(0, at) + text.slice(at + 1);
}

function insertIndices(text: string, random: Random): string {
  const strings = [...text.matchAll(/"[^"\n]*"/g)];
  if (strings.length === 0) return text;
  const s = pick(random, strings);
  const at = s.index! + int(random, 1, s[0].length - 1);
  const letters = Array.from({ length: int(random, 1, 4) }, () => pick(random, ['a', 'z', 'q', '(t9)', ',', '->', '|', 'hw', '(', ')', ' ']));
  return text.slice(0, at) + letters.join('') + text.slice(at);
}

function hugeSize(text: string, random: Random): string {
  const numbers = [...text.matchAll(/\b\d+\b/g)];
  if (numbers.length === 0) return text;
  const n = pick(random, numbers);
  const replacement = pick(random, ['0', '-1', '4294967296', '9007199254740993', '100000000000000000000', '1e9', '65536']);
  return text.slice(0, n.index!) + replacement + text.slice(n.index! + n[0].length);
}

function longLayer(text: string, random: Random): string {
  const { expression, names } = longExpression(pick(random, [16, 30, 60]));
  const declarations = names.map((name, i) => (i === 0 ? `input ${name}[2, 4, 8, 8]` : i === names.length - 1 ? `weight ${name}[3, 3, 4, 3, 3]` : `weight ${name}[3, 3]`));
  return `${text}\n${declarations.join('\n')}\nlayer big: Z = conv_einsum("${expression}", ${names.join(', ')})\n`;
}

function editCharacters(text: string, random: Random): string {
  let out = text;
  for (let k = int(random, 1, 8); k > 0; k--) {
    const at = int(random, 0, out.length);
    out = random() < 0.5 ? out.slice(0, at) + out.slice(at + int(random, 1, 5)) : out.slice(0, at) + pick(random, VOCABULARY) + out.slice(at);
  }
  return out;
}

function shuffleLines(text: string, random: Random): string {
  const lines = text.split('\n');
  for (let k = int(random, 1, 5); k > 0; k--) {
    const i = int(random, 0, lines.length - 1);
    const j = int(random, 0, lines.length - 1);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  return lines.join('\n');
}

function tokenSoup(random: Random): string {
  return Array.from({ length: int(random, 0, 200) }, () => pick(random, VOCABULARY)).join(pick(random, [' ', '', '\n']));
}

function randomBytes(random: Random): string {
  return String.fromCharCode(...Array.from({ length: int(random, 0, 300) }, () => int(random, 0, 0xffff)).filter((c) => c < 0xd800 || c > 0xdfff));
}

const repeat = (unit: string, n: number) => unit.repeat(n);
const nested = (open: string, inner: string, close: string, n: number) => `${repeat(open, n)}${inner}${repeat(close, n)}`;

/**
 * A size expression nested or as long as a hostile file makes it: past the parser's stack
 * (about 130 parentheses or 480 minus signs crashed it) and past the left-nested tree of a flat
 * sum (2,665 terms), at the language's limits (32 levels, 256 operators) and just inside them.
 */
export function hostileSize(random: Random): string {
  const n = pick(random, [31, 32, 33, 129, 478, 2665, 20000]);
  const operator = pick(random, [' + ', ' - ', ' * ', '+', '-']);
  const shapes = [
    () => nested('(', '1', ')', n),
    () => `${repeat('-', n)}1`,
    () => nested('-(', '1', ')', n),
    () => nested('(1 + ', '1', ')', n),
    () => Array.from({ length: n }, () => '1').join(operator),
    () => Array.from({ length: n }, (_, k) => (k % 2 ? '(1 * 1)' : '-1')).join(' + '),
    () => repeat('(', n), // never closed
    () => repeat(')', n),
  ];
  return pick(random, shapes)();
}

/** A hostile shape placed in every construct that holds a size, or in a very long operand list, string or line. */
function hostileStatement(random: Random): string {
  const size = () => hostileSize(random);
  const statements = [
    () => `let H = ${size()}`,
    () => `input H[${size()}, 3]`,
    () => `weight H[2, ${size()}]`,
    () => `input X[2, 3]\nlayer h: Y = conv_einsum("bh->bh|h", X) { h: stride ${size()}, padding ${size()}:${size()}, dilation ${size()} }`,
    () => `input X[2, 3]\nlayer h: Y = conv_einsum("ij->i", X) { cap ${size()} }`,
    () => `network n(X) {\n  let H = ${size()}\n}`,
    () => `input X[2, 3]\nlayer h: Y = conv_einsum("ij->i", ${Array.from({ length: pick(random, [257, 2000]) }, () => 'X').join(', ')})`,
    () => `input X[2, 3]\nlayer h: Y = conv_einsum("${repeat('ij,', pick(random, [300, 5000]))}ij->i", X)`,
    () => `// ${repeat('a very long comment line ', 4000)}`,
    () => `let H = ${repeat('1', 100000)}`,
  ];
  return pick(random, statements)();
}

function hostile(text: string, random: Random): string {
  const lines = text.split('\n');
  lines.splice(int(random, 0, lines.length), 0, hostileStatement(random));
  return lines.join('\n');
}

const MUTATIONS = [truncate, deleteQuote, insertIndices, hugeSize, longLayer, editCharacters, shuffleLines];

/** The `count` documents of a robustness run, each derived from a seed and the given base texts. */
export function* mutatedDocuments(bases: readonly string[], count: number, seed = 1): Generator<{ kind: string; text: string }> {
  const random = seededRandom(seed);
  for (let i = 0; i < count; i++) {
    const roll = random();
    if (roll < 0.05) {
      yield { kind: 'token soup', text: tokenSoup(random) };
    } else if (roll < 0.08) {
      yield { kind: 'random characters', text: randomBytes(random) };
    } else if (roll < 0.10) {
      yield { kind: 'hostile', text: hostile(pick(random, bases), random) };
    } else {
      let text = pick(random, bases);
      const kinds: string[] = [];
      for (let k = int(random, 1, 3); k > 0; k--) {
        const mutate = pick(random, MUTATIONS);
        kinds.push(mutate.name);
        text = mutate(text, random);
      }
      yield { kind: kinds.join('+'), text };
    }
  }
}
