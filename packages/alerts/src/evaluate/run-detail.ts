import type { ErrorInfo } from '@steward/db'
import { code, link, Mrkdwn, md } from '../slack/mrkdwn.ts'

/**
 * The detail of an incident about a run: the error, then the run link on its own last line (a
 * message cut for Slack's limits keeps that line, so the full text is one click away).
 */
export function runDetail(error: ErrorInfo | null, runLink: Mrkdwn): Mrkdwn {
  const shown = errorCode(error)
  return shown.text === '' ? runLink : md`${shown}\n${runLink}`
}

/** A link to the run in the web UI, or its id when no URL is known. */
export function runLink(webUrl: string | undefined, runId: string): Mrkdwn {
  return webUrl
    ? link(`${webUrl.replace(/\/$/, '')}/runs/${runId}`, `Run ${runId.slice(0, 8)}`)
    : md`Run ${runId}`
}

/** The error's code and first line, as a code span nothing in the message can break out of. */
function errorCode(error: ErrorInfo | null): Mrkdwn {
  if (!error) return Mrkdwn.empty
  const message = String(error.message ?? '').split('\n')[0] ?? ''
  return code(`${error.code ? `${error.code}: ` : ''}${message}`, 500)
}
