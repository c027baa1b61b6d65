/**
 * The most bytes a request body may hold, per kind of route (docs/api.md, "Limits"). A body past
 * its limit is answered 413 as soon as its Content-Length says so, or as soon as the bytes read
 * pass the limit, never read in full: a 60 MB body cost the server its memory before.
 */
export const bodyLimits = {
  /** `POST /api/v1/usage/events`: 1,000 events of up to 2 KB of meta each, with room to spare. */
  usageBatch: 4 * 1024 * 1024,
  /** Slack's interactivity callbacks: a form with the message's payload. */
  slack: 1024 * 1024,
  /** Every other JSON route: a run's params, a backfill's range, an acknowledgement. */
  json: 256 * 1024,
} as const

/** How deeply a JSON body may nest: well past any real request, well short of a stack overflow. */
export const maxJsonDepth = 32
