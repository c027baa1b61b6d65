import { type Command, InvalidArgumentError } from 'commander'
import { notBuiltNote, pipelinesEngineNotBuilt } from './not-built.ts'

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('start a run of a deployed pipeline now')
    .argument('<pipeline>', 'the pipeline id, e.g. signup-funnel.build')
    .option('-p, --param <key=value>', 'a run parameter (repeat for several)', collectParam)
    .option('--wait', 'wait for the run to finish; exit non-zero if it fails')
    .addHelpText(
      'after',
      `
Params are checked against the pipeline's schema before the run is created.

Example:
  steward run signup-funnel.build --param week=2025-W47 --wait${notBuiltNote}`,
    )
    .action(() => pipelinesEngineNotBuilt('run'))
}

function collectParam(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const at = value.indexOf('=')
  if (at < 1) throw new InvalidArgumentError('expected key=value')
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) }
}
