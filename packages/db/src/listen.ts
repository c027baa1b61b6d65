import pg from 'pg'

/** NOTIFY channel of every run that ends (migration 0021's trigger on `runs`); the payload is empty. */
export const runsEndedChannel = 'steward_runs_ended'

export interface Listener {
  /** Resolves once the first LISTEN is in place (notifications committed after it reach `onNotify`). */
  readonly ready: Promise<void>
  close(): Promise<void>
}

export interface ListenOptions {
  /** Errors the listener survives (a lost connection): it connects again. */
  onError?: (error: unknown) => void
  /** Wait before connecting again. Default 1000 ms. */
  retryMs?: number
}

/**
 * LISTENs on `channel` on a connection of its own (a pooled one would drop it) and calls `onNotify`
 * for every notification. A lost connection is opened again after `retryMs`, and `onNotify` is then
 * called once, since notifications sent meanwhile are gone: a listener is a wake-up, never the
 * record, so its reader must look in SQL for what it missed. Works on PostgreSQL and on the embedded
 * PGlite server (which routes notifications to the connections that listen).
 *
 * @example
 * const listener = listen(databaseUrl, runsEndedChannel, () => alerts.nudge())
 */
export function listen(
  url: string,
  channel: string,
  onNotify: () => void,
  options: ListenOptions = {},
): Listener {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel))
    throw new Error(`listen: channel "${channel}" is not a plain identifier`)
  const onError = options.onError ?? (() => {})
  const retryMs = options.retryMs ?? 1000
  let client: pg.Client | undefined
  let closed = false
  let retry: NodeJS.Timeout | undefined
  let markReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => {
    markReady = resolve
  })

  const connect = async (again: boolean): Promise<void> => {
    const next = new pg.Client({ connectionString: url })
    let lost = false
    const reconnect = (error?: unknown) => {
      if (lost) return
      lost = true
      if (error) onError(error)
      next.removeAllListeners('notification')
      void next.end().catch(() => {})
      if (client === next) client = undefined
      if (!closed) retry = setTimeout(() => void connect(true), retryMs)
    }
    next.on('error', reconnect)
    next.on('end', () => reconnect())
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify()
    })
    try {
      await next.connect()
      await next.query(`LISTEN ${channel}`)
    } catch (error) {
      reconnect(error)
      return
    }
    if (closed) {
      await next.end().catch(() => {})
      return
    }
    client = next
    markReady()
    if (again) onNotify()
  }
  void connect(false)

  return {
    ready,
    async close() {
      closed = true
      if (retry) clearTimeout(retry)
      const open = client
      client = undefined
      markReady()
      if (open) {
        open.removeAllListeners()
        open.on('error', () => {})
        await open.end().catch(() => {})
      }
    },
  }
}
