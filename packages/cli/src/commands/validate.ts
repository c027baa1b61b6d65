import type { Command } from 'commander'
import { out } from '../output/print.ts'
import { loadAndValidate } from '../project/deploy-project.ts'
import { configHelp, findConfig } from '../project/find-config.ts'

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check the products and pipelines defined in code, without deploying them')
    .option('-c, --config <file>', configHelp)
    .addHelpText(
      'after',
      `
Loads the definitions and checks them: unique ids, steps that exist, no cycles, valid cron and
timezone, owners with a Slack destination, serialisable params. Each problem names the file, the
definition and the field; the exit code is non-zero if there is one. Needs no database.`,
    )
    .action(async (options: { config?: string }) => {
      const project = await loadAndValidate(findConfig(options.config))
      const steps = project.pipelines.reduce((n, p) => n + Object.keys(p.definition.steps).length, 0)
      out(
        `valid: ${project.products.length} products, ${project.pipelines.length} pipelines, ${steps} steps ` +
          `in ${project.files.length} files (${project.configFile})`,
      )
    })
}
