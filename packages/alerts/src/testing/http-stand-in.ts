import { createServer, type IncomingMessage, type Server } from 'node:http'

/** One request a stand-in received, in arrival order. */
export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingMessage['headers']
  /** The body's exact text (what a signature is computed over). */
  body: string
  at: number
  /** The status it was answered with. */
  status: number
}

/** An answer the stand-in gives instead of its normal one. */
export interface ScriptedAnswer {
  status: number
  body?: string
  headers?: Record<string, string>
}

/**
 * Tests only: a local HTTP server that records every request and answers each from a script
 * (`answers`, consumed in order: a 503 then the normal answer), else with `answer(request)`. The
 * stand-in for webhooks and, with PagerDuty's answers, the Events API (`pagerduty-server.ts`).
 *
 * @example
 * const hook = await HttpStandIn.start()
 * hook.answers.push({ status: 503 })
 */
export class HttpStandIn {
  readonly requests: RecordedRequest[] = []
  readonly answers: ScriptedAnswer[] = []

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(
    answer: (request: Omit<RecordedRequest, 'status'>) => ScriptedAnswer = () => ({
      status: 200,
      body: 'ok',
    }),
  ): Promise<HttpStandIn> {
    let instance: HttpStandIn | undefined
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      }
      const reply = instance?.answers.shift() ?? answer(request)
      instance?.requests.push({ ...request, status: reply.status })
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
      res.end(reply.body ?? '')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : 0
    instance = new HttpStandIn(server, `http://127.0.0.1:${port}`)
    return instance
  }

  close(): Promise<void> {
    this.server.closeAllConnections()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}

/**
 * The part of PagerDuty's Events API v2 Steward uses: `POST /v2/enqueue` answers 202 to a
 * trigger with a summary, source and severity or a resolve with a `dedup_key`, and 400 (as
 * PagerDuty does) to an event it cannot read.
 */
export function startPagerDutyStandIn(): Promise<HttpStandIn> {
  return HttpStandIn.start((request) => {
    const invalid = (why: string) => ({
      status: 400,
      body: JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors: [why] }),
    })
    if (request.method !== 'POST' || request.path !== '/v2/enqueue') return { status: 404, body: '{}' }
    let event: Record<string, unknown>
    try {
      event = JSON.parse(request.body) as Record<string, unknown>
    } catch {
      return invalid('body is not JSON')
    }
    if (typeof event.routing_key !== 'string' || event.routing_key.length !== 32)
      return invalid("'routing_key' must be 32 characters")
    const payload = event.payload as Record<string, unknown> | undefined
    if (event.event_action === 'trigger') {
      if (!payload || typeof payload.summary !== 'string' || typeof payload.source !== 'string')
        return invalid("'payload.summary' and 'payload.source' are required")
      if (!['critical', 'error', 'warning', 'info'].includes(String(payload.severity)))
        return invalid("'payload.severity' is invalid")
    } else if (event.event_action === 'resolve' || event.event_action === 'acknowledge') {
      if (typeof event.dedup_key !== 'string') return invalid("'dedup_key' is required")
    } else return invalid("'event_action' is invalid")
    return {
      status: 202,
      body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: event.dedup_key }),
    }
  })
}
