/** The `cein` command line: check, plan, run, bench, export, fit and the samples job. */
import { Command, CommanderError, Option } from 'commander';
import { OBJECTIVES } from '../engine/options.js';
import { benchCommand } from './commands/bench.js';
import { checkCommand } from './commands/check.js';
import { exportCommand } from './commands/export.js';
import { fitCommand } from './commands/fit.js';
import { planCommand } from './commands/plan.js';
import { runCommand } from './commands/run.js';
import { samplesCommand } from './commands/samples.js';
import { exitWith } from './exit.js';

const EXPRESSION_HELP = 'conv_einsum expression, e.g. "bshw,rt,rs,rh,rw->bthw|hw"';

function withLayerOptions(command: Command, expression: 'required' | 'optional' = 'required', objective: (typeof OBJECTIVES)[number] = 'flops'): Command {
  return (expression === 'required' ? command.requiredOption('-e, --expr <spec>', EXPRESSION_HELP) : command.option('-e, --expr <spec>', EXPRESSION_HELP))
    .option('--stride <list>', 'stride per conv index, e.g. h=2,w=2')
    .option('--padding <list>', 'padding per conv index: integer, lo:hi, same, valid or full, e.g. h=1,w=0:1')
    .option('--dilation <list>', 'dilation per conv index, e.g. h=2')
    .option('--padding-mode <list>', 'padding mode per conv index: zeros, circular, reflect, replicate')
    .addOption(new Option('--objective <name>', 'what the plan minimizes').choices(OBJECTIVES).default(objective))
    .option('--memory-cap <elements>', 'largest intermediate allowed, in elements')
    .option('--requires-grad <list>', 'per operand 1/0: which operands need a gradient (training objective)')
    .option('--data <list>', 'operand numbers of the layer inputs (data operands), e.g. 0,2; the others are factors (default: the feature of every conv index, else operand 0)')
    .option('--budget <ms>', 'planner time budget in milliseconds')
    .option('--json', 'print one JSON object');
}

const program = new Command()
  .name('cein')
  .description('Validate, plan and run conv_einsum expressions (einsum with convolution indices).')
  .showHelpAfterError()
  // Commander throws instead of exiting, so that its usage errors exit 2 like every other bad input (see exitWithUsage).
  .exitOverride();

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
  .option('-o, --out <file>', 'write the output here as .npy (float64 for the cpu backend, float32 for webgpu)')
  .addOption(new Option('--backend <name>', 'where to run').choices(['cpu', 'webgpu']).default('cpu'))
  .option('--check', 'also report the error against a reference: the direct evaluation (cpu) or the CPU float64 plan (webgpu, exit 1 above 1e-4 x max|y|)')
  .option('--check-limit <products>', 'cpu --check: products the direct evaluation may sum; past it a random sample of output positions is checked (default 1e8)')
  .addOption(adapterOption())
  .option('--timeout <seconds>', 'stop the run after this long (default 300)')
  .action((flags) => exitWith(runCommand(flags)));

withLayerOptions(program.command('bench').description('time the optimal plan against left-to-right and rebuilt-kernel plans on the WebGPU device'), 'optional')
  .argument('[file]', 'a samples list (JSON) to benchmark every layer of, instead of --expr')
  .option('-s, --shapes <list>', 'operand shapes, e.g. 8x64x32x32,16x64,16x64,16x3,16x3')
  .option('--seed <n>', 'seed for the random inputs', '1')
  .option('--batch <n>', 'with a samples list: the size of the index named b')
  .option('--warmup <n>', 'untimed runs first (they also compile the kernels)', '2')
  .option('--repeats <n>', 'timed runs per plan', '10')
  .option('--plans <list>', 'which plans: optimal,left-to-right,rebuilt-kernel')
  .option('--check', 'check every plan against the CPU float64 reference (exit 1 above 1e-4 x max|y|)')
  .addOption(adapterOption())
  .option('--timeout <seconds>', 'stop a layer\'s benchmark after this long (default 600)')
  .action((file, flags) => exitWith(benchCommand(file, flags)));

withLayerOptions(program.command('export').description('write a layer, a network or an expression as PyTorch code that follows the plan'), 'optional', 'training')
  .argument('[file]', 'a .cein file: one torch.nn.Module per layer and per network (instead of --expr)')
  .option('-s, --shapes <list>', 'with --expr: operand shapes, e.g. 8x64x32x32,16x64')
  .option('--layer <name>', 'export this layer only (with --network: a layer of that network)')
  .option('--network <name>', 'export this network and its layers only')
  .requiredOption('-o, --out <file>', 'the Python file to write, e.g. layer.py')
  .action((file, flags) => exitWith(exportCommand(file, flags)));

program
  .command('fit')
  .description('the largest value of a `let` constant for which a layer (or network) meets a budget')
  .argument('<file>', 'a .cein file')
  .requiredOption('--let <name>', 'the constant to fit, e.g. R')
  .option('--params <count>', 'at most this many parameters, e.g. 200k')
  .option('--compression <fraction>', 'params at most this fraction of the dense kernel, e.g. 0.1 or 10%')
  .option('--flops <count>', 'at most this many FLOPs, e.g. 1G')
  .option('--peak <bytes>', 'peak live memory (f32) at most this, e.g. 64MiB')
  .option('--layer <name>', 'the layer that must meet the budget (with --network: a layer of that network)')
  .option('--network <name>', 'the network whose layers together must meet the budget')
  .option('--max-value <n>', 'the largest value tried (default 4096)')
  .option('--timeout <seconds>', 'stop the scan after this long (default 30)')
  .option('--json', 'print one JSON object')
  .action((file, flags) => exitWith(fitCommand(file, flags)));

program
  .command('samples')
  .description('plan every layer of a samples list and run each at a small batch, checked against the direct evaluator (cpu) or the CPU float64 plan (webgpu)')
  .argument('[file]', 'samples list (JSON)', 'samples/expressions.json')
  .option('--json', 'print one JSON object')
  .addOption(new Option('--backend <name>', 'where to run: auto = webgpu, or the cpu when there is no adapter').choices(['auto', 'cpu', 'webgpu']).default('auto'))
  .addOption(adapterOption())
  .option('--timeout <seconds>', 'stop a layer\'s webgpu run after this long (default 300)')
  .action((file, flags) => exitWith(samplesCommand(file, flags)));

function adapterOption(): Option {
  return new Option('--adapter <kind>', 'webgpu adapter: a hardware GPU first, else the software fallback').choices(['auto', 'hardware', 'software']).default('auto');
}

program.parseAsync().catch((e: unknown) => (e instanceof CommanderError ? exitWithUsage(e) : exitWith(Promise.reject(e))));

/** Commander has printed its message (and the help); help and --version exit 0, a usage error 2. */
function exitWithUsage(e: CommanderError): void {
  process.exitCode = e.exitCode === 0 ? 0 : 2;
}
