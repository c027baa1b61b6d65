import type { PGlite } from '@electric-sql/pglite'

/**
 * Decides which client's wire-protocol message PGlite runs next, for pglite-socket's handlers.
 *
 * PGlite is one backend shared by every connection. pglite-socket's own queue takes messages in
 * arrival order from all connections, so the extended protocol breaks under concurrency: client A
 * sends Parse, client B's Parse replaces the unnamed statement, A's Bind then fails with "unnamed
 * prepared statement does not exist". This queue gives a connection the turn until it reaches a
 * sync point (Sync, simple Query, Flush, Terminate, or its startup message), and for as long as it
 * holds an open transaction; the other connections wait. Contract of the methods: the same as
 * pglite-socket's QueryQueueManager, which `PGLiteSocketHandler` calls.
 *
 * PGlite ignores the run-time parameters of a startup message, so a client's `options=-c
 * search_path=…` (BullMQ's PostgreSQL backend pins its schema that way) would be lost. The queue
 * remembers each connection's search_path and sets it on the shared session whenever the turn passes
 * to a connection that wants a different one; the others get the server default back.
 *
 * LISTEN is shared too, and PGlite writes a NotificationResponse into the output of whichever
 * connection's query committed the NOTIFY. The queue moves those messages to the connections that
 * issued `LISTEN <channel>`, so `LISTEN`/`NOTIFY` wake listeners as on PostgreSQL (BullMQ's
 * PostgreSQL backend wakes its workers that way instead of polling).
 */
export class BatchingQueryQueue {
  private readonly db: PGlite
  private queue: QueuedMessage[] = []
  /** The connection whose batch or transaction is in progress; null when any may go next. */
  private owner: number | null = null
  private running = false
  /** search_path each connection asked for in its startup message. */
  private readonly searchPaths = new Map<number, string>()
  /** The search_path the queue last set on the session; undefined: the server default. */
  private sessionSearchPath: string | undefined
  /** Channels each connection listens on, and how to write to it. */
  private readonly listeners = new Map<number, { channels: Set<string>; write: (data: Uint8Array) => void }>()

  constructor(db: PGlite) {
    this.db = db
  }

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    if (isStartup(message)) {
      const searchPath = startupSearchPath(message)
      if (searchPath === undefined) this.searchPaths.delete(handlerId)
      else this.searchPaths.set(handlerId, searchPath)
    }
    this.trackListen(handlerId, message, onData)
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject })
      void this.pump()
    })
  }

  getQueueLength(): number {
    return this.queue.length
  }

  clearQueueForHandler(handlerId: number): void {
    this.searchPaths.delete(handlerId)
    this.listeners.delete(handlerId)
    this.queue = this.queue.filter((item) => {
      if (item.handlerId !== handlerId) return true
      item.reject(new Error('Handler disconnected'))
      return false
    })
  }

  /** A connection went away: roll back what it left open and let the others go on. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK')
    this.owner = null
    void this.pump()
  }

  private next(): QueuedMessage | undefined {
    if (this.owner === null) return this.queue.shift()
    const index = this.queue.findIndex((item) => item.handlerId === this.owner)
    return index === -1 ? undefined : this.queue.splice(index, 1)[0]
  }

  private async pump(): Promise<void> {
    if (this.running) return
    this.running = true
    try {
      for (let item = this.next(); item; item = this.next()) {
        const current = item
        let bytes = 0
        const notifications: Uint8Array[] = []
        try {
          // A new turn (never inside a transaction): give the session this connection's search_path.
          if (this.owner === null && !isStartup(current.message))
            await this.applySearchPath(current.handlerId)
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.message, {
              onRawData: (raw) => {
                const data = this.listeners.size > 0 ? takeNotifications(raw, notifications) : raw
                bytes += data.length
                if (data.length > 0) current.onData(data)
              },
            }),
          )
          current.resolve(bytes)
        } catch (error) {
          current.reject(error)
        }
        for (const notification of notifications) this.deliver(notification)
        const holdsTurn = this.db.isInTransaction() || !isSyncPoint(current.message)
        this.owner = holdsTurn ? current.handlerId : null
      }
    } finally {
      this.running = false
    }
  }

  /** Follows `LISTEN x` / `UNLISTEN x` / `UNLISTEN *` sent as simple queries (how `pg` sends them). */
  private trackListen(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): void {
    if (message[0] !== QUERY) return
    const text = new TextDecoder().decode(message.subarray(5, message.length - 1))
    for (const [, verb, channel] of text.matchAll(/(?:^|;)\s*(LISTEN|UNLISTEN)\s+("[^"]+"|[\w*]+)/gim)) {
      const name = channel?.startsWith('"') ? channel.slice(1, -1) : channel?.toLowerCase()
      if (!name) continue
      const entry = this.listeners.get(handlerId) ?? { channels: new Set<string>(), write: onData }
      entry.write = onData
      if (verb?.toUpperCase() === 'LISTEN') entry.channels.add(name)
      else if (name === '*') entry.channels.clear()
      else entry.channels.delete(name)
      this.listeners.set(handlerId, entry)
    }
  }

  /** Hands a NotificationResponse to every connection listening on its channel. */
  private deliver(notification: Uint8Array): void {
    const channel = notificationChannel(notification)
    for (const listener of this.listeners.values()) {
      if (listener.channels.has(channel)) listener.write(notification)
    }
  }

  private async applySearchPath(handlerId: number): Promise<void> {
    const wanted = this.searchPaths.get(handlerId)
    if (wanted === this.sessionSearchPath) return
    await this.db.exec(wanted === undefined ? 'RESET search_path' : `SET search_path TO ${wanted}`)
    this.sessionSearchPath = wanted
  }
}

interface QueuedMessage {
  handlerId: number
  message: Uint8Array
  onData: (data: Uint8Array) => void
  resolve: (bytes: number) => void
  reject: (error: unknown) => void
}

// Frontend message types after which the server answers ReadyForQuery or flushes.
const SYNC = 0x53 // 'S'
const QUERY = 0x51 // 'Q'
const FLUSH = 0x48 // 'H'
const TERMINATE = 0x58 // 'X'

function isSyncPoint(message: Uint8Array): boolean {
  const type = message[0]
  // A startup message has no type byte: it begins with its length, whose first byte is 0.
  return type === 0 || type === SYNC || type === QUERY || type === FLUSH || type === TERMINATE
}

const NOTIFICATION = 0x41 // 'A'

/**
 * Moves the NotificationResponse messages of a chunk of backend output into `into` and answers the
 * rest. A chunk that does not split into whole messages is answered untouched.
 */
function takeNotifications(data: Uint8Array, into: Uint8Array[]): Uint8Array {
  if (!data.includes(NOTIFICATION)) return data
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const kept: Uint8Array[] = []
  const found: Uint8Array[] = []
  let offset = 0
  while (offset < data.length) {
    if (offset + 5 > data.length) return data
    const end = offset + 1 + view.getInt32(offset + 1)
    if (end > data.length || end < offset + 5) return data
    const message = data.subarray(offset, end)
    if (data[offset] === NOTIFICATION) found.push(message.slice())
    else kept.push(message)
    offset = end
  }
  if (found.length === 0) return data
  into.push(...found)
  const rest = new Uint8Array(kept.reduce((n, m) => n + m.length, 0))
  let at = 0
  for (const message of kept) {
    rest.set(message, at)
    at += message.length
  }
  return rest
}

/** NotificationResponse: 'A', int32 length, int32 pid, channel\0, payload\0. */
function notificationChannel(message: Uint8Array): string {
  const start = 9
  const end = message.indexOf(0, start)
  return new TextDecoder().decode(message.subarray(start, end === -1 ? message.length : end))
}

const protocolVersion3 = 196608

function isStartup(message: Uint8Array): boolean {
  if (message.length < 8 || message[0] !== 0) return false
  return new DataView(message.buffer, message.byteOffset, message.byteLength).getInt32(4) === protocolVersion3
}

/**
 * The search_path in a startup message's `options` (`-c search_path=x` or `--search_path=x`), if it
 * is a plain list of identifiers (anything else is ignored rather than spliced into SQL).
 */
function startupSearchPath(message: Uint8Array): string | undefined {
  const fields = new TextDecoder().decode(message.subarray(8)).split('\0')
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] !== 'options') continue
    const match = /(?:^|\s)(?:-c\s*|--)search_path=(\S+)/.exec(fields[i + 1] ?? '')
    const value = match?.[1]
    if (value && /^[A-Za-z0-9_$",]+$/.test(value)) return value
  }
  return undefined
}
