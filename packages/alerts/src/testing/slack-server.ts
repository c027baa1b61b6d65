import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'

/** One call the server received, in arrival order. */
export interface SlackRequest {
  method: 'chat.postMessage' | 'chat.update'
  channel: string
  /** The channel id it answered with (`C` + the name's letters). */
  channelId: string
  text: string
  blocks: unknown[]
  threadTs?: string
  /** The message's ts: new for a post, the updated one for an update. */
  ts: string
  at: number
  status: number
}

export type Trouble = { status: 500 } | { status: 429; retryAfterS: number } | { error: string }

/**
 * A local HTTP server speaking the part of Slack's Web API Steward uses (chat.postMessage,
 * chat.update; form or JSON bodies), recording every request. It can answer 500s, 429s with
 * Retry-After, or a platform error (`channel_not_found`) on demand, for every call or per channel.
 *
 * @example
 * const slack = await startSlackServer()
 * startAlerts({ db, slack: { botToken: 'xoxb-test', apiUrl: slack.apiUrl } })
 */
export class SlackServer {
  readonly requests: SlackRequest[] = []
  /** Calls refused (500/429/errors), with the time. */
  readonly refused: { at: number; channel: string; status: number }[] = []
  trouble: Trouble | undefined
  readonly channelTrouble = new Map<string, Trouble>()
  /**
   * Slack's pace, enforced when set: a chat.postMessage to a channel sooner than this after the
   * last one it accepted there is answered 429 with Retry-After (1 s), as Slack answers a channel
   * posted to faster than about once a second.
   */
  channelPaceMs: number | undefined
  private readonly lastPostAt = new Map<string, number>()
  private seq = 0

  private constructor(
    private readonly server: Server,
    readonly apiUrl: string,
  ) {}

  static async start(): Promise<SlackServer> {
    let instance: SlackServer | undefined
    const server = createServer((req, res) => void instance?.handle(req, res))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : 0
    instance = new SlackServer(server, `http://127.0.0.1:${port}/api/`)
    return instance
  }

  /** Posts to a channel, by name or id (replies go to the id the first post answered with). */
  posts(channel?: string): SlackRequest[] {
    const id = channel === undefined ? undefined : channelIdOf(channel)
    return this.requests.filter(
      (r) => r.method === 'chat.postMessage' && (id === undefined || r.channelId === id),
    )
  }

  updates(): SlackRequest[] {
    return this.requests.filter((r) => r.method === 'chat.update')
  }

  close(): Promise<void> {
    this.server.closeAllConnections()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const body = readBody(raw, req.headers['content-type'] ?? '')
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? ''
    const channel = String(body.channel ?? '')
    const answer = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers })
      res.end(JSON.stringify(json))
    }
    if (method !== 'chat.postMessage' && method !== 'chat.update')
      return answer(200, { ok: false, error: 'unknown_method' })
    const auth = req.headers.authorization ?? ''
    if (!auth.startsWith('Bearer ') || auth === 'Bearer xoxb-invalid')
      return answer(200, { ok: false, error: 'invalid_auth' })
    const trouble = this.channelTrouble.get(channel) ?? this.trouble
    if (trouble) {
      const status = 'status' in trouble ? trouble.status : 200
      this.refused.push({ at: Date.now(), channel, status })
      if ('error' in trouble) return answer(200, { ok: false, error: trouble.error })
      if (trouble.status === 429)
        return answer(
          429,
          { ok: false, error: 'ratelimited' },
          { 'retry-after': String(trouble.retryAfterS) },
        )
      return answer(500, { ok: false, error: 'internal_error' })
    }
    const channelId = channelIdOf(channel)
    if (method === 'chat.postMessage' && this.channelPaceMs !== undefined) {
      const last = this.lastPostAt.get(channelId)
      if (last !== undefined && Date.now() - last < this.channelPaceMs) {
        this.refused.push({ at: Date.now(), channel, status: 429 })
        return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' })
      }
      this.lastPostAt.set(channelId, Date.now())
    }
    const ts =
      method === 'chat.update'
        ? String(body.ts)
        : `${Math.floor(Date.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`
    this.requests.push({
      method,
      channel,
      channelId,
      text: String(body.text ?? ''),
      blocks: parseBlocks(body.blocks),
      ...(body.thread_ts ? { threadTs: String(body.thread_ts) } : {}),
      ts,
      at: Date.now(),
      status: 200,
    })
    return answer(200, { ok: true, channel: channelId, ts })
  }
}

/** `#churn-owners` → `CCHURNOWNERS`: a stable id per name, as Slack answers with ids. */
export function channelIdOf(channel: string): string {
  return channel.startsWith('#')
    ? `C${channel
        .slice(1)
        .replace(/[^a-z0-9]/gi, '')
        .toUpperCase()
        .padEnd(8, 'X')}`
    : channel
}

function readBody(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return JSON.parse(raw || '{}') as Record<string, unknown>
  return Object.fromEntries(new URLSearchParams(raw))
}

function parseBlocks(value: unknown): unknown[] {
  if (Array.isArray(value)) return value
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value)
      return Array.isArray(parsed) ? parsed : []
    } catch {
      return []
    }
  }
  return []
}
