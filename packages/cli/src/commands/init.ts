import type { Command } from 'commander'
import { initProject } from '../init/init-project.ts'
import { out } from '../output/print.ts'

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('make a Steward project: a product, a scheduled pipeline with alerts, and its test')
    .argument('[folder]', 'where to make it (created when missing)', '.')
    .option('-y, --yes', 'ask nothing: name the product after the folder, owned by data-team')
    .option(
      '--from <dir>',
      'depend on the tarballs in this folder (npm run pack writes dist/packs) instead of the registry',
    )
    .addHelpText(
      'after',
      `
Writes package.json (steward and @steward/pipelines, vitest), tsconfig.json, steward.config.ts,
products/<product>.ts with docs/<product>.md, pipelines/<product>-daily.ts (two steps, a daily
schedule, a failure alert and a freshness promise), test/<product>-daily.test.ts, .gitignore and
README.md. Never overwrites: if any of these files exists, nothing is written and each is named.
On a terminal it asks for the product's name and its owning team; --yes takes the defaults.`,
    )
    .action(async (folder: string, options: { yes?: boolean; from?: string }) => {
      const ask = options.yes !== true && process.stdin.isTTY === true && process.stdout.isTTY === true
      await initProject({ folder, from: options.from, ask }, out)
    })
}
