// Generates the AST, grammar and module of the .cein language (language/langium-config.json) into
// server/src/language/generated/.
import { generate } from 'langium-cli';

// langium-cli builds its parsers with chevrotain 13, which calls Object.groupBy (Node 21+).
// On Node 20 the same function is supplied here; the generated language runs in production
// mode, which skips those parser checks, so the server itself needs no such shim.
Object.groupBy ??= (items, keyOf) => {
  const groups = Object.create(null);
  let index = 0;
  for (const item of items) (groups[keyOf(item, index++)] ??= []).push(item);
  return groups;
};

const ok = await generate({ file: 'language/langium-config.json' });
process.exit(ok ? 0 : 1);
