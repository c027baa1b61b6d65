import type { Step } from '@steward/pipelines'
import { type CheckResult, checksFailure, runTableChecks } from './run-checks.ts'
import type { StepWarehouses } from './step-warehouses.ts'

export type { CheckResult }

/**
 * The step, checked: its code runs, then the checks of every table it declares in `writes`, on the
 * table's connection through the attempt's `ctx.sql`, each result pushed on `results` (kept even
 * when the step fails). An `error` check that fails or cannot run throws `checksFailure` (not
 * retryable), so the step fails and nothing downstream, step or pipeline, reads the data; `warn`
 * results are recorded and the step succeeds with its output.
 */
export function withTableChecks(step: Step, warehouses: StepWarehouses, results: CheckResult[]): Step {
  const writes = step.writes ?? []
  return {
    ...step,
    run: async (ctx, upstream) => {
      const output = await step.run(ctx, upstream)
      for (const table of await warehouses.tables(writes)) {
        if (table.checks.length === 0) continue
        const checked = await runTableChecks(ctx.sql(table.connection), table)
        results.push(...checked)
        for (const result of checked)
          if (result.severity === 'warn' && result.status !== 'passed')
            ctx.log.warn(`check ${result.name} on table ${result.table}: ${describe(result)}`)
      }
      const failure = checksFailure(results)
      if (failure) throw failure
      return output
    },
  }
}

function describe(result: CheckResult): string {
  return result.status === 'failed'
    ? `${result.failingCount} failing ${result.failingCount === 1 ? 'row' : 'rows'}`
    : `could not run: ${result.error}`
}
