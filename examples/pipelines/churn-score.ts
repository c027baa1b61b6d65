import { readFile } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { definePipeline, manual, onEvent, onFailure, onFile } from '@steward/pipelines'
import { z } from 'zod'
import { churnInbox, dataDir } from '../env.ts'
import { churnScores } from '../products/churn-scores.ts'
import { resolveInboxFile } from '../src/churn/churn-inbox-file.ts'
import { loadChurnModel } from '../src/churn/churn-model.ts'
import {
  parseScoresCsv,
  scoreChurnFile,
  validateChurnFile,
  writeSegmentSummary,
} from '../src/churn/score-churn-file.ts'
import { warehouseScanCost } from '../src/churn/warehouse-cost.ts'
import { churnScoresTable, writeChurnScores } from '../src/churn/write-churn-scores.ts'
import { dataLayout } from '../src/data-layout.ts'
import { warehouseUsdPerMb } from '../src/example-settings.ts'

/**
 * Scores a churn export when it lands in `$STEWARD_HOME/inbox/churn/` (the worker's inbox watcher
 * starts one run per file, with `{ file }`), when the CRM sends the `churn-file-landed` event over
 * HTTP, or when started by hand: validate → score (files, and the `analytics.churn_scores` table) →
 * segment.
 */
export const churnScore = definePipeline({
  id: 'churn.score',
  name: 'Churn scoring',
  description: 'Validates a CRM churn export, scores every user with the logistic model and segments them.',
  product: churnScores,
  triggers: [onFile({ inbox: 'churn', param: 'file' }), onEvent({ name: 'churn-file-landed' }), manual()],
  // The alert demo: a malformed export fails the run and the owners' channel hears it once; the
  // next good export resolves it in place (the first message is updated, the thread told).
  alerts: [
    onFailure({
      notify: 'owners',
      runbook: 'https://github.com/steward/steward/blob/main/docs/recipes/add-an-alert-rule.md',
    }),
  ],
  params: z.object({
    file: z
      .string()
      .min(1, { error: 'must name the export file' })
      .describe('The export: a file in $STEWARD_HOME/inbox/churn (its name, or a path inside it)'),
  }),
  steps: (s) =>
    s
      .step('validate', {
        // A malformed file fails the same way every time: fail the run at once and alert.
        retries: 0,
        timeout: '2m',
        run: async (ctx) => {
          // Params come from whoever may start a run: read only inside the inbox, never elsewhere.
          const file = await resolveInboxFile(churnInbox(), ctx.params.file)
          const validated = await validateChurnFile(file)
          ctx.metric('rows', validated.users)
          ctx.metric('bytes', validated.bytes)
          ctx.cost(warehouseScanCost(validated.bytes, warehouseUsdPerMb))
          return { file, users: validated.users, asOf: validated.asOf }
        },
      })
      .step('score', {
        needs: ['validate'],
        writes: [churnScoresTable],
        retries: 2,
        timeout: '10m',
        run: async (ctx, { validate }) => {
          const model = await loadChurnModel()
          const outDir = join(dataLayout(dataDir()).churn, basename(validate.file, extname(validate.file)))
          const scored = await scoreChurnFile({ file: validate.file, model, outDir })
          ctx.metric('rows', scored.users)
          ctx.metric('mean_probability', scored.meanProbability)
          ctx.cost(warehouseScanCost(scored.bytes, warehouseUsdPerMb))
          ctx.log.info('scored', { model: model.version, users: scored.users })
          const written = await writeChurnScores(ctx.sql('warehouse'), {
            asOf: validate.asOf,
            model: model.version,
            users: parseScoresCsv(await readFile(scored.scoresPath, 'utf8')),
            scoredAt: new Date(),
          })
          ctx.metric('table_rows', written.inserted)
          ctx.log.info('scores written', {
            table: churnScoresTable,
            asOf: validate.asOf,
            replaced: written.deleted,
          })
          return { scoresPath: scored.scoresPath, outDir, users: scored.users, model: model.version }
        },
      })
      .step('segment', {
        needs: ['score'],
        retries: 2,
        timeout: '2m',
        run: async (ctx, { score }) => {
          const { summaryPath, segments } = await writeSegmentSummary({
            scoresPath: score.scoresPath,
            outDir: score.outDir,
          })
          for (const segment of segments) ctx.metric('users', segment.users, { segment: segment.segment })
          return { summaryPath, segments }
        },
      }),
})
