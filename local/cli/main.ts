import { Command, CommanderError, InvalidArgumentError } from 'commander';

import { ConfigurationError } from '../../shared/config/configuration';
import { isValidationError } from '../../shared/domain/validationError';
import { approveCommand } from './approveCommand';
import { auditCommand } from './auditCommand';
import { blocksCommand, expireCommand, unblockCommand } from './blockCommands';
import { CommandError, type CommandEnvironment } from './commandContext';
import { configCheckCommand } from './configCommand';
import { respondCommand, type RespondOptions } from './respondCommand';
import { serveCommand } from './serveCommand';
import { statusCommand } from './statusCommand';

const STATE_HELP = 'state directory (default: .c2-responder)';

export function buildProgram(env: CommandEnvironment): Command {
  const program = new Command('c2-responder')
    .description(
      'Responds to Sentinel incidents about DCRat C2 endpoints, offline, on the bundled lab or your exports.',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => env.stdout.write(text),
      writeErr: (text) => env.stderr.write(text),
    });

  program
    .command('respond')
    .description('respond to an incident (a Sentinel incident trigger body) end to end')
    .argument('<incident.json>', 'the incident file')
    .option(
      '--iocs <file>',
      'indicator feed: ThreatFox JSON or CSV export, or ip:port lines (default: the bundled DCRat pack)',
    )
    .option(
      '--logs <dir>',
      'exported Log Analytics tables, <Table>.csv, .jsonl or .json (default: the bundled lab)',
    )
    .option(
      '--nsgs <dir>',
      'NSG documents in the ARM shape, seeding the state (default: the bundled lab)',
    )
    .option('--state <dir>', STATE_HELP)
    .option('--approve-as <upn>', 'approve the block plan as this analyst', analystName)
    .option(
      '--reject-as <upn>',
      'reject the block plan as this analyst (needs --reason)',
      analystName,
    )
    .option('--reason <text>', 'the reason for the decision')
    .option('--json', 'print one JSON object')
    .option('--dry-run', 'run everything, approvals included, but change no NSG and no incident')
    .action(async (file: string, options: RespondOptions) => {
      await respondCommand(
        options.dryRun ? withSetting(env, 'C2R_DRY_RUN', 'true') : env,
        file,
        options,
      );
    });

  program
    .command('approve')
    .description('decide on the block plan a containment awaits')
    .argument('<instance-id>', 'the containment instance (contain-...)')
    .requiredOption('--as <upn>', 'the analyst deciding', analystName)
    .option('--reject', 'reject the plan instead of approving it')
    .option('--reason <text>', 'why (required to reject)')
    .option('--state <dir>', STATE_HELP)
    .option('--json', 'print JSON')
    .action(async (instanceId: string, options) => {
      await approveCommand(env, instanceId, options);
    });

  program
    .command('status')
    .description('show one instance, or list them all')
    .argument('[instance-id]', 'incident-<guid> or contain-<ip>_<port>')
    .option('--state <dir>', STATE_HELP)
    .option('--json', 'print JSON')
    .action(async (instanceId: string | undefined, options) => {
      await statusCommand(env, instanceId, options);
    });

  program
    .command('audit')
    .description('show the audit trail and verify its hash chain')
    .option('--incident <id>', 'only this incident (its GUID or its number)')
    .option('--verify', 'verify the hash chain; exit 3 when broken')
    .option('--json', 'print JSON')
    .option('--csv', 'print CSV')
    .option('--state <dir>', STATE_HELP)
    .action(async (options) => {
      await auditCommand(env, options);
    });

  program
    .command('unblock')
    .description("remove the product's rules for one indicator (approvers only)")
    .argument('<ip:port>', 'the indicator')
    .requiredOption('--as <upn>', 'the approver asking', analystName)
    .option('--reason <text>', 'why')
    .option('--state <dir>', STATE_HELP)
    .option('--json', 'print JSON')
    .action(async (indicator: string, options) => {
      await unblockCommand(env, indicator, options);
    });

  program
    .command('blocks')
    .description("list the product's rules in force in the target NSGs")
    .option('--state <dir>', STATE_HELP)
    .option('--json', 'print JSON')
    .action(async (options) => {
      await blocksCommand(env, options);
    });

  program
    .command('expire')
    .description("remove the product's rules whose time to live has passed")
    .option('--now <iso-time>', 'the time to expire at (default: now)')
    .option('--state <dir>', STATE_HELP)
    .option('--json', 'print JSON')
    .action(async (options) => {
      await expireCommand(env, options);
    });

  program
    .command('config')
    .description('inspect the configuration')
    .command('check')
    .description(
      'print the effective configuration (secrets hidden) and every problem; exit 1 when there is one',
    )
    .option('--azure', 'check it as the Function App would (C2R_MODE azure, no demo defaults)')
    .option('--json', 'print JSON')
    .action(async (options) => {
      await configCheckCommand(env, options);
    });

  program
    .command('serve')
    .description('serve the approval pages, the audit timeline and the HTTP API on 127.0.0.1')
    .option('--port <n>', 'the port (default: 7071)')
    .option('--state <dir>', STATE_HELP)
    .action(async (options) => {
      await serveCommand(env, options);
    });

  return program;
}

/** An empty name would be audited as the actor of a decision; refused before anything runs. */
function analystName(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('the analyst name must not be empty.');
  return value.trim();
}

function withSetting(env: CommandEnvironment, name: string, value: string): CommandEnvironment {
  return { ...env, environment: { ...env.environment, [name]: value } };
}

/** Runs the command line; returns the exit code. Errors are one clear line. */
export async function main(argv: readonly string[], env: CommandEnvironment): Promise<number> {
  try {
    await buildProgram(env).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    env.stderr.write(`c2-responder: ${describe(error)}\n`);
    return error instanceof CommandError ? error.exitCode : 1;
  }
}

function describe(error: unknown): string {
  if (error instanceof ConfigurationError) return error.message.replace(/\n\s*/g, ' ');
  if (isValidationError(error)) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
