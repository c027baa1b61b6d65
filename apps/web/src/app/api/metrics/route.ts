import { metricsToken } from '#env.ts'
import { getDb } from '#server/db.ts'
import { scrapeAllowed } from '#server/metrics/metrics-token.ts'
import { renderMetrics } from '#server/metrics/render-metrics.ts'
import { getQueue } from '#server/runs/queue.ts'

// Never prerendered, never cached: the figures are read from SQL and the queue at each scrape.
export const dynamic = 'force-dynamic'

const textHeaders = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }

/**
 * GET /api/metrics → Steward's figures in Prometheus's text format: runs by pipeline and status,
 * step duration and hand-off histograms, the queue, pending notifications and usage events,
 * schedules' last fires, worker heartbeats (docs/recipes/prometheus.md). Open like /api/health,
 * or with STEWARD_METRICS_TOKEN set only to `Authorization: Bearer <token>` (401 otherwise).
 * Every web server answers the same figures: they come from SQL and the queue, not this process.
 * A database that does not answer is a 503 with one line, so Prometheus marks the target down.
 */
export async function GET(request: Request): Promise<Response> {
  if (!scrapeAllowed(request, metricsToken())) {
    return new Response('steward metrics: send STEWARD_METRICS_TOKEN as a bearer token\n', {
      status: 401,
      headers: { ...textHeaders, 'WWW-Authenticate': 'Bearer' },
    })
  }
  try {
    const db = await getDb()
    const { text, contentType } = await renderMetrics(db.db, getQueue)
    return new Response(text, { headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } })
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
    return new Response(`steward metrics: the database did not answer: ${message}\n`, {
      status: 503,
      headers: textHeaders,
    })
  }
}
