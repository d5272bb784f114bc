/** The `cein` command line: check, plan, run and the samples job. */
import { Command, Option } from 'commander';
import { OBJECTIVES } from '../engine/options.js';
import { checkCommand } from './commands/check.js';
import { planCommand } from './commands/plan.js';
import { runCommand } from './commands/run.js';
import { samplesCommand } from './commands/samples.js';
import { exitWith } from './exit.js';

function withLayerOptions(command: Command): Command {
  return command
    .requiredOption('-e, --expr <spec>', 'conv_einsum expression, e.g. "bshw,rt,rs,rh,rw->bthw|hw"')
    .option('--stride <list>', 'stride per conv index, e.g. h=2,w=2')
    .option('--padding <list>', 'padding per conv index: integer, lo:hi, same, valid or full, e.g. h=1,w=0:1')
    .option('--dilation <list>', 'dilation per conv index, e.g. h=2')
    .option('--padding-mode <list>', 'padding mode per conv index: zeros, circular, reflect, replicate')
    .addOption(new Option('--objective <name>', 'what the plan minimizes').choices(OBJECTIVES).default('flops'))
    .option('--memory-cap <elements>', 'largest intermediate allowed, in elements')
    .option('--requires-grad <list>', 'per operand 1/0: which operands need a gradient (training objective)')
    .option('--budget <ms>', 'planner time budget in milliseconds')
    .option('--json', 'print one JSON object');
}

const program = new Command()
  .name('cein')
  .description('Validate, plan and run conv_einsum expressions (einsum with convolution indices).')
  .showHelpAfterError();

withLayerOptions(program.command('check').description('validate an expression against operand shapes'))
  .requiredOption('-s, --shapes <list>', 'operand shapes, e.g. 128x64x32x32,8x64')
  .action((flags) => exitWith(checkCommand(flags)));

withLayerOptions(program.command('plan').description('find the best evaluation order and its cost'))
  .requiredOption('-s, --shapes <list>', 'operand shapes, e.g. 128x64x32x32,8x64')
  .action((flags) => exitWith(planCommand(flags)));

withLayerOptions(program.command('run').description('evaluate the plan on .npy inputs (or seeded random ones)'))
  .option('-i, --inputs <files>', 'comma-separated .npy files, one per operand')
  .option('-s, --shapes <list>', 'operand shapes for seeded random inputs (with --seed)')
  .option('--seed <n>', 'seed for random inputs', '1')
  .option('-o, --out <file>', 'write the output here as .npy (float64 for the cpu backend)')
  .addOption(new Option('--backend <name>', 'where to run').choices(['cpu']).default('cpu'))
  .option('--check', 'also evaluate the definition directly and report the error against it')
  .action((flags) => exitWith(runCommand(flags)));

program
  .command('samples')
  .description('plan every layer of a samples list and run each at a small batch, checked against the direct evaluator')
  .argument('[file]', 'samples list (JSON)', 'samples/expressions.json')
  .option('--json', 'print one JSON object')
  .action((file, flags) => exitWith(samplesCommand(file, flags)));

program.parseAsync().catch((e: unknown) => exitWith(Promise.reject(e)));
