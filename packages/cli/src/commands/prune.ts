import type { Command } from 'commander'
import { openDatabase } from '../database/open-database.ts'
import { readCliSettings } from '../env.ts'
import { out } from '../output/print.ts'
import { countPrunable, describeCounts, pruneCutoffs, pruneHistory } from '../retention/prune-history.ts'

export function registerPruneCommand(program: Command): void {
  program
    .command('prune')
    .description('delete runs, incidents, raw usage events and audit rows older than the retention settings')
    .option('--dry-run', 'only say what would be deleted')
    .addHelpText(
      'after',
      `
Ages come from STEWARD_RETAIN_RUNS_DAYS (90), STEWARD_RETAIN_INCIDENTS_DAYS (90),
STEWARD_RETAIN_USAGE_EVENTS_DAYS (35) and STEWARD_RETAIN_AUDIT_DAYS (365); 0 keeps a kind for ever. Rollups and cost per day are kept.
Deletes in small batches, safe while Steward runs; every runtime process also prunes hourly.`,
    )
    .action(async (options: { dryRun?: boolean }) => {
      const settings = readCliSettings()
      const db = await openDatabase(settings)
      try {
        const cutoffs = pruneCutoffs(settings.retention, new Date())
        const kept = (days: number) => (days > 0 ? `older than ${days} days` : 'kept for ever')
        out(
          `retention: runs ${kept(settings.retention.runsDays)}, incidents ${kept(settings.retention.incidentsDays)}, usage events ${kept(settings.retention.usageEventsDays)}, audit log ${kept(settings.retention.auditDays)}`,
        )
        const prunable = await countPrunable(db.db, cutoffs)
        if (options.dryRun) {
          out(`would delete ${describeCounts(prunable)}`)
          return
        }
        out(`deleting ${describeCounts(prunable)}`)
        let last = 0
        const pruned = await pruneHistory(db.db, cutoffs, {
          onProgress: (totals) => {
            // A line every second at most: a large first prune takes a while.
            if (Date.now() - last < 1_000) return
            last = Date.now()
            out(`  … ${describeCounts(totals)}`)
          },
        })
        out(`deleted ${describeCounts(pruned)}`)
      } finally {
        await db.close()
      }
    })
}
