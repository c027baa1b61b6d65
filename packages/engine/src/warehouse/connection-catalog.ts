import type { ConnectionDecl } from '@steward/pipelines'
import type { Db } from '../store/db.ts'
import { readConnections } from './warehouse-catalog.ts'

/**
 * The deployed connections, read from SQL (so a process needs no project code to open them) and
 * kept for `maxAgeMs`: a deploy's change reaches every process within that time.
 */
export class ConnectionCatalog {
  readonly #db: Db
  readonly #maxAgeMs: number
  #read: { at: number; connections: Promise<Map<string, ConnectionDecl>> } | undefined

  constructor(db: Db, maxAgeMs = 5_000) {
    this.#db = db
    this.#maxAgeMs = maxAgeMs
  }

  async all(): Promise<Map<string, ConnectionDecl>> {
    const now = Date.now()
    if (!this.#read || now - this.#read.at > this.#maxAgeMs) {
      const connections = readConnections(this.#db)
      this.#read = { at: now, connections }
      connections.catch(() => {
        if (this.#read?.connections === connections) this.#read = undefined
      })
    }
    return this.#read.connections
  }

  async get(name: string): Promise<ConnectionDecl | undefined> {
    return (await this.all()).get(name)
  }
}
