/**
 * Fitting a `let` constant to a budget, against a brute-force scan: every value planned on its
 * own by the engine with shapes written out by hand here, not through the fitting module.
 */
import { AstUtils } from 'langium';
import { describe, expect, test } from 'vitest';
import { CancellationToken } from 'vscode-languageserver';
import type { Budget } from '../../server/src/engine/budget-text.js';
import type { Plan } from '../../server/src/engine/plan.js';
import { planExpression } from '../../server/src/engine/planner.js';
import { fitConstant, FitError, type FitTarget } from '../../server/src/language/fitting/fit.js';
import { isLayer, isNetwork, isSizeConstant, type CeinFile } from '../../server/src/language/generated/ast.js';
import { DEFAULT_EDITOR_SETTINGS } from '../../server/src/language/typing/editor-settings.js';
import { applyEdits, cein, parseDocument, services } from './cein-test-kit.js';

const CP = `let R = 8
input X[2, 8, 6, 6]
weight Ut[R, 8]
weight Us[R, 8]
weight Kh[R, 3]
weight Kw[R, 3]
layer cp: Y = conv_einsum("bshw,rt,rs,rh,rw->bthw|hw", X, Ut, Us, Kh, Kw)
`;
const cpShapes = (r: number) => [[2, 8, 6, 6], [r, 8], [r, 8], [r, 3], [r, 3]];

/** Two ranks, G = 24 / R: the factors shrink, then grow, in R; only divisors of 24 are sizes. */
const DIVISOR = `let R = 4
let G = 24 / R
input X[2, 32]
weight A[R, 32]
weight Bt[R, 32]
weight C[G, 32]
weight D[G, 32]
layer l: Y = conv_einsum("bs,rs,rt,gs,gt->bt", X, A, Bt, C, D)
`;
const divisorShapes = (r: number) => [[2, 32], [r, 32], [r, 32], [24 / r, 32], [24 / r, 32]];

function meets(plan: Plan, budget: Budget): boolean {
  return (
    (budget.params === undefined || plan.params <= budget.params) &&
    (budget.compression === undefined || plan.params / plan.denseParams! <= budget.compression) &&
    (budget.flops === undefined || plan.flops <= budget.flops) &&
    (budget.peakBytes === undefined || plan.peakElements * 4 <= budget.peakBytes)
  );
}

/** The largest value in 1..last whose plan meets the budget, each value planned independently. */
function bruteForce(expression: string, shapes: (v: number) => number[][] | undefined, last: number, budget: Budget): number | null {
  let best: number | null = null;
  for (let v = 1; v <= last; v++) {
    const s = shapes(v);
    if (!s) continue;
    const plan = planExpression(expression, s, { requiresGrad: s.map((_, k) => k > 0), dataOperands: [0] });
    if (meets(plan, budget)) best = v;
  }
  return best;
}

async function fit(text: string, name: string, budget: Budget, target: FitTarget | ((root: CeinFile) => FitTarget) = 'reached') {
  const document = await parseDocument(text);
  const root = document.parseResult.value;
  const constant = AstUtils.streamAllContents(root).filter(isSizeConstant).find((c) => c.name === name)!;
  return fitConstant({ root, constant, budget, target: typeof target === 'function' ? target(root) : target, settings: DEFAULT_EDITOR_SETTINGS });
}

describe('fit against a brute-force scan', () => {
  const budgets: Budget[] = [
    { params: 200 },
    { params: 21 },
    { compression: 0.1 },
    { flops: 20_000 },
    { peakBytes: 4096 },
    { params: 400, flops: 30_000 },
    { compression: 0.5, peakBytes: 5 * 1024 },
  ];
  test.each(budgets)('CP rank, budget %o', async (budget) => {
    const result = await fit(CP, 'R', budget);
    // Factors 22 R elements against the dense 8x8x3x3 = 576: first reached at R = 27 (594).
    expect(result.candidates.at(-1)!.value).toBe(27);
    expect(result.end).toBe('dense');
    expect(result.best?.value ?? null).toBe(bruteForce('bshw,rt,rs,rh,rw->bthw|hw', cpShapes, 27, budget));
  });

  test('params <= 200 gives R = 9 (22 x 9 = 198), and the table figures are the engine\'s', async () => {
    const result = await fit(CP, 'R', { params: 200 });
    expect(result.best?.value).toBe(9);
    expect(result.current).toBe(8);
    const plan = planExpression('bshw,rt,rs,rh,rw->bthw|hw', cpShapes(10), { requiresGrad: [false, true, true, true, true], dataOperands: [0] });
    const ten = result.candidates[9]!;
    expect([ten.totals?.params, ten.totals?.flops, ten.totals?.peakElements, ten.fits, ten.over]).toEqual([220, plan.flops, plan.peakElements, false, ['params']]);
  });

  test.each([{ params: 700 }, { flops: 10_000 }, { params: 1000, flops: 9_000 }])('non-monotone costs (G = 24 / R), budget %o', async (budget) => {
    const result = await fit(DIVISOR, 'R', budget);
    // Factors 64 R + 64 (24 / R) against 32 x 32 = 1024: above it at R = 1 (1600) but falling; growing past it only at R = 24.
    expect(result.candidates.at(-1)!.value).toBe(24);
    const expected = bruteForce('bs,rs,rt,gs,gt->bt', (r) => (24 % r === 0 ? divisorShapes(r) : undefined), 24, budget);
    expect(result.best?.value ?? null).toBe(expected);
  });

  test('params <= 700 fits R = 4 and 6 (640 each) but not R = 3 (704): not a prefix, so no bisection would find it', async () => {
    const result = await fit(DIVISOR, 'R', { params: 700 });
    expect(result.candidates.filter((c) => c.fits).map((c) => c.value)).toEqual([4, 6]);
    expect(result.best?.value).toBe(6);
    expect(result.candidates[4]!.problem).toMatch(/24 \/ 5 is not a whole number/);
  });

  test('no value fits: best is null, every value up to the range end tried', async () => {
    const result = await fit(CP, 'R', { params: 10 });
    expect(result.best).toBeNull();
    expect(result.candidates.map((c) => c.value)).toEqual([...Array(27).keys()].map((i) => i + 1));
  });

  test('a network: its layers together; the time limit cuts the scan short and says so', async () => {
    const text = `let R = 2\ninput X[1, 4, 5, 5]\nnetwork n(X) {\n  weight U[R, 4]\n  weight V[R, 4]\n  weight Kh[R, 3]\n  weight Kw[R, 3]\n  weight W[4, 4, 3, 3]\n  layer a: Y1 = conv_einsum("bshw,rt,rs,rh,rw->bthw|hw", X, U, V, Kh, Kw)\n  layer b: Y2 = conv_einsum("bshw,tshw->bthw|hw", Y1, W)\n}\n`;
    const result = await fit(text, 'R', { params: 250 }, (root) => ({ network: root.statements.filter(isNetwork)[0]! }));
    // a: 14 R parameters; b: 144 whatever R is. 14 R + 144 <= 250: R <= 7. The range ends where
    // a's factors reach its own dense kernel, 4x4x3x3 = 144: R = 11 (154); b has no part in it.
    expect(result.best?.value).toBe(7);
    expect(result.candidates.at(-1)!.value).toBe(11);
    const document = await parseDocument(text);
    const root = document.parseResult.value;
    const constant = AstUtils.streamAllContents(root).filter(isSizeConstant).find((c) => c.name === 'R')!;
    const cut = await fitConstant({ root, constant, budget: { params: 200 }, target: 'reached', settings: DEFAULT_EDITOR_SETTINGS, timeLimitMs: 0 });
    expect(cut.end).toBe('time');
    expect(cut.candidates.map((c) => c.value)).toEqual([1]);
  });
});

describe('fit refuses what it cannot answer', () => {
  test('a constant that sizes only data', async () => {
    const text = CP.replace('input X[2, 8, 6, 6]', 'let B = 2\ninput X[B, 8, 6, 6]');
    await expect(fit(text, 'B', { params: 100 })).rejects.toThrow(new FitError('B is not a size of any factor of layer cp (it sizes only data or options there); fitting needs a size of a weight or const'));
  });

  test('a constant that does not influence the layer named', async () => {
    const text = `${CP}let Q = 3\nweight P[Q, 8]\ninput Z[2, 8]\nlayer other: Y2 = conv_einsum("bs,qs->bq", Z, P)\n`;
    await expect(fit(text, 'Q', { params: 100 }, (root) => ({ layer: root.statements.filter(isLayer).find((l) => l.name === 'cp')! }))).rejects.toThrow(
      'Q does not influence layer cp: no size or option of its operands depends on it',
    );
    await expect(fit('let Q = 3\ninput X[2]\n', 'Q', { params: 1 })).rejects.toThrow('Q is not used by any layer');
  });

  test('a compression budget where a layer has no dense kernel', async () => {
    await expect(fit('let R = 2\nweight A[R, 3]\nweight B[3, 4]\nlayer l: Y = conv_einsum("ij,jk->ik", A, B)\n', 'R', { compression: 0.5 })).rejects.toThrow(/l has no dense kernel/);
  });
});

describe('in the editor', () => {
  const execute = (request: unknown) => services.shared.lsp.ExecuteCommandHandler!.executeCommand('cein.fit', [request], CancellationToken.None);
  const actions = async (text: string, at: string) => {
    const document = await parseDocument(text);
    const offset = text.indexOf(at);
    const position = document.textDocument.positionAt(offset);
    const found = await cein.lsp.CodeActionProvider!.getCodeActions(document, { textDocument: { uri: document.uri.toString() }, range: { start: position, end: position }, context: { diagnostics: [] } });
    return { document, actions: (found ?? []).map((a) => ('command' in a && typeof a.command === 'object' ? { title: a.title, command: a.command } : { title: a.title })) };
  };

  test('a `let` that sizes a factor offers "Fit R to a budget..."; one that sizes only data does not', async () => {
    const text = CP.replace('input X[2, 8, 6, 6]', 'let B = 2\ninput X[B, 8, 6, 6]');
    const { document, actions: onR } = await actions(text, '8\ninput');
    expect(onR).toEqual([{ title: 'Fit R to a budget...', command: { title: 'Fit R to a budget...', command: 'cein.fitConstant', arguments: [{ uri: document.uri.toString(), name: 'R' }] } }]);
    expect((await actions(text, 'B = 2')).actions).toEqual([]);
    expect((await actions(text, 'layer cp')).actions).toEqual([]);
  });

  test('cein.fit answers the value and the edit that writes it over the definition', async () => {
    const text = CP.replace('let R = 8', 'let R = 2 * 4');
    const document = await parseDocument(text);
    const answer = (await execute({ uri: document.uri.toString(), name: 'R', budget: { params: 200 } })) as { value: number; current: number; edit: { range: never; newText: string }; message: string };
    expect([answer.value, answer.current]).toEqual([9, 8]);
    expect(applyEdits(document, [answer.edit])).toBe(CP.replace('let R = 8', 'let R = 9'));
    expect(answer.message).toBe('R = 9: the largest value for which layer cp meets params ≤ 200');
  });

  test('cein.fit: no value fits, a bad budget, an unknown constant', async () => {
    const uri = (await parseDocument(CP)).uri.toString();
    expect(await execute({ uri, name: 'R', budget: { params: 10 } })).toMatchObject({ value: null, edit: null, message: 'no value of R from 1 to 27 meets params ≤ 10 for layer cp' });
    expect(await execute({ uri, name: 'R', budget: { compression: 2 } })).toEqual({ error: 'the compression budget 2 is out of range' });
    expect(await execute({ uri, name: 'R', budget: {} })).toEqual({ error: 'the budget bounds nothing: give params, compression, FLOPs or peak' });
    expect(await execute({ uri, name: 'Q', budget: { params: 10 } })).toEqual({ error: `no constant Q in ${uri}` });
  });
});

describe('the layers a constant reaches, in its hover', () => {
  const hover = async (text: string, at: string) => {
    const document = await parseDocument(text);
    const found = await cein.lsp.HoverProvider!.getHoverContent(document, { textDocument: { uri: document.uri.toString() }, position: document.textDocument.positionAt(text.indexOf(at)) });
    return (found?.contents as { value: string } | undefined)?.value;
  };

  test('directly, through other constants and through layer outputs it sizes; not through outputs it does not size', async () => {
    const text = [
      'let S = 8',
      'let R = S / 2',
      'input X[2, S]',
      'weight A[R, S]',
      'weight W[8, 8]',
      'layer a: Y1 = conv_einsum("bs,rs->br", X, A)', // R sizes A: a, and its output's r
      'layer b: Y2 = conv_einsum("br,rt->bt", Y1, W)', // uses r of Y1 (R = 4 here... W is 8x8, not analysed for the hover)
      'input Z[2, 8]',
      'layer c: Y3 = conv_einsum("bs,st->bt", Z, W)', // nothing of S or R
      'layer e: Y5 = conv_einsum("bt,tu->bu", Y2, W)', // Y2's b (2) and t (from W) are sized by neither, though Y2's layer is
      'network n(X) {',
      '  layer d: Y4 = conv_einsum("bs,st->bt", X, W)', // X is sized by S, not by R
      '}',
    ].join('\n');
    expect(await hover(text, 'S = 8')).toBe('**S** = 8\n\nUsed by layers a, b, d in network n');
    expect(await hover(text, 'R = S')).toBe('**R** = 4\n\nUsed by layers a, b');
    expect(await hover(`${text}\nlet U = 1\n`, 'U = 1')).toBe('**U** = 1\n\nUsed by no layer');
  });
});
