import type { Command } from 'commander'
import { openDatabase } from '../database/open-database.ts'
import { readCliSettings } from '../env.ts'
import { out } from '../output/print.ts'
import { listCatalog } from '../project/list-catalog.ts'

export function registerListCommand(program: Command): void {
  program
    .command('list')
    .description('list deployed products and their pipelines, with schedules and last runs')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { json?: boolean }) => {
      const db = await openDatabase(readCliSettings())
      try {
        const rows = await listCatalog(db.db)
        if (options.json) {
          out(JSON.stringify(rows, null, 2))
          return
        }
        if (rows.length === 0) {
          out('no products deployed yet: define them in steward.config.ts and run steward deploy')
          return
        }
        for (const product of rows) {
          out(`${product.id}  ${product.name}  (${product.owners.join(', ') || 'no owner'})`)
          for (const p of product.pipelines) {
            const schedule = p.schedule
              ? `${p.schedule}${p.schedulePausedAt ? ' PAUSED' : ''}`
              : 'no schedule'
            const last = p.lastRun ? `${p.lastRun.status} ${p.lastRun.at.toISOString()}` : 'never run'
            out(`  ${p.id}  v${p.version}  ${schedule}  last run: ${last}`)
          }
        }
      } finally {
        await db.close()
      }
    })
}
