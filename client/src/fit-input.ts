/**
 * What the "Fit NAME to a budget..." input box accepts: the budget syntax of the CLI
 * (engine/budget-text.ts), e.g. "200k params", "10%", "1G FLOPs, 64 MiB peak".
 */
import { BudgetError, parseBudgetText, type Budget } from '../../server/src/engine/budget-text.js';

export const BUDGET_PROMPT = 'A budget: e.g. 200k params, 10% (compression), 1G FLOPs or 64 MiB peak; several separated by commas';

/** The budget the text says, or the problem with it (the input box shows it while typing). */
export function readBudgetInput(text: string): { readonly budget: Budget } | { readonly problem: string } {
  try {
    return { budget: parseBudgetText(text) };
  } catch (e) {
    if (e instanceof BudgetError) return { problem: e.message };
    throw e;
  }
}
