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
 */
export class BatchingQueryQueue {
  private readonly db: PGlite
  private queue: QueuedMessage[] = []
  /** The connection whose batch or transaction is in progress; null when any may go next. */
  private owner: number | null = null
  private running = false

  constructor(db: PGlite) {
    this.db = db
  }

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject })
      void this.pump()
    })
  }

  getQueueLength(): number {
    return this.queue.length
  }

  clearQueueForHandler(handlerId: number): void {
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
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.message, {
              onRawData: (data) => {
                bytes += data.length
                current.onData(data)
              },
            }),
          )
          current.resolve(bytes)
        } catch (error) {
          current.reject(error)
        }
        const holdsTurn = this.db.isInTransaction() || !isSyncPoint(current.message)
        this.owner = holdsTurn ? current.handlerId : null
      }
    } finally {
      this.running = false
    }
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
