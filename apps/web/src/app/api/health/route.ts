import { healthChecks } from '#server/health/checks.ts'
import { runHealthChecks } from '#server/health/health-check.ts'

// Never prerendered at build time, never cached: the answer is only true now.
export const dynamic = 'force-dynamic'

/**
 * GET /api/health → 200 `{"status":"OKAY","checks":{"database":{"status":"OKAY","latencyMs":3},…}}`
 * when every dependency answered within its timeout, else 503 with `"status":"ERROR"` and an
 * `error` on each check that failed, for load balancers and `steward dev`'s start-up wait.
 */
export async function GET(): Promise<Response> {
  const report = await runHealthChecks(healthChecks())
  return Response.json(report, {
    status: report.status === 'OKAY' ? 200 : 503,
    headers: { 'Cache-Control': 'no-store' },
  })
}
