import { Command } from 'commander';
import { MismatchError, UsageError } from '../errors.js';
import type { CliRunner } from '../verify/fixture-cases.js';
import type { CliIo } from './io.js';

const CASE_HELP = `
A case is a directory with a 'cmd' file (the arguments after 'pageviews', one line),
optional 'stdin', 'expout' (expected stdout), optional 'experr' (expected stderr; timings
are normalised to 'in <elapsed>') and optional 'exitcode'. Paths in 'cmd' are relative to
the case directory. Mismatches print a diff and exit with code 6.

Examples:
  pageviews verify fixtures/cases
  pageviews verify fixtures/cases --update     # rewrite expout/experr/exitcode; review with git diff`;

/** `pageviews verify`: the CI fixture check, the same mechanism as the project's own goldens. */
export function verifyCommand(io: CliIo, run: CliRunner): Command {
  return new Command('verify')
    .description('run fixture cases (cmd, stdin, expout, experr, exitcode) and diff the results')
    .argument('[dirs...]', 'case directories, or directories that contain them', ['fixtures/cases'])
    .option('--update', 'write the actual results as the new expectations')
    .option('-q, --quiet', 'print only failures')
    .addHelpText('after', CASE_HELP)
    .action(async (dirs: string[], flags: { update?: boolean; quiet?: boolean }) => {
      const { caseLabel, findCases, runCase } = await import('../verify/fixture-cases.js'); // loaded when used
      const cases = await findCases(dirs, io.cwd);
      if (cases.length === 0) throw new UsageError(`no fixture cases (directories with a 'cmd' file) under ${dirs.join(', ')}`);
      let failed = 0;
      for (const dir of cases) {
        const label = caseLabel(dir, io.cwd);
        const result = await runCase(dir, run, flags.update === true, label);
        if (result.failures.length === 0) {
          if (!flags.quiet) io.stdout.write(`${flags.update ? 'updated' : 'ok'}   ${label}\n`);
          continue;
        }
        failed++;
        io.stdout.write(`FAIL ${label}\n${result.failures.map((f) => `  ${f.replaceAll('\n', '\n  ')}`).join('\n')}\n`);
      }
      io.stdout.write(`verify: ${cases.length - failed} passed, ${failed} failed\n`);
      if (failed > 0) throw new MismatchError(`${failed} of ${cases.length} fixture cases do not match`);
    });
}
