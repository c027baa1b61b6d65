import { handleSlackInteraction } from '@steward/alerts'
import { slackSigningSecret } from '#env.ts'
import { apiErrorFrom } from '#server/api/api-error.ts'
import { bodyLimits } from '#server/api/body-limits.ts'
import { readBodyText } from '#server/api/read-body.ts'
import { getDb } from '#server/db.ts'

export const dynamic = 'force-dynamic'

/**
 * POST /api/slack/interactivity: Slack calls it when someone presses an alert's Acknowledge or
 * Snooze button. The request must carry Slack's v0 signature (SLACK_SIGNING_SECRET) and a
 * timestamp within five minutes; anything else gets 401 before the database is touched. A body
 * over 1 MB (`bodyLimits.slack`) is a 413, not read past that.
 */
export async function POST(request: Request): Promise<Response> {
  const body = await readBodyText(request, bodyLimits.slack)
  if (!body.ok) return body.response
  const rawBody = body.text
  const input = {
    signingSecret: slackSigningSecret(),
    timestamp: request.headers.get('x-slack-request-timestamp'),
    signature: request.headers.get('x-slack-signature'),
    rawBody,
  }
  try {
    const { db } = await getDb()
    const result = await handleSlackInteraction(db, input)
    return Response.json(result.body, { status: result.status, headers: { 'Cache-Control': 'no-store' } })
  } catch (error) {
    return apiErrorFrom(error)
  }
}
