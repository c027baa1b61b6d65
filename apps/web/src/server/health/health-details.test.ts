import { describe, expect, it } from 'vitest'
import { runHealthChecks } from './health-check.ts'

describe('health check details', () => {
  it('keeps a check OKAY with the details it answers (passwords scrubbed), and leaves them out when there are none', async () => {
    const report = await runHealthChecks([
      {
        name: 'alert-destinations',
        target: () => 'x',
        run: async () => ({
          details: [
            'Slack refuses #gone (channel_not_found) since 2026-11-20T12:00:00.000Z: fix it',
            'postgres://a:secret@h/db',
          ],
        }),
      },
      { name: 'database', target: () => 'y', run: async () => {} },
    ])
    expect(report).toEqual({
      status: 'OKAY',
      checks: {
        'alert-destinations': {
          status: 'OKAY',
          latencyMs: expect.any(Number),
          details: [
            'Slack refuses #gone (channel_not_found) since 2026-11-20T12:00:00.000Z: fix it',
            'postgres://a:***@h/db',
          ],
        },
        database: { status: 'OKAY', latencyMs: expect.any(Number) },
      },
    })
  })
})
