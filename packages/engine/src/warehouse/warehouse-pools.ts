import { StewardError } from '@steward/kernel'
import type { ConnectionDecl } from '@steward/pipelines'
import type { ConnectionEnvironment } from './connection-target.ts'
import { openWarehouse } from './open-warehouse.ts'
import type { WarehouseClient, WarehouseErrorCode } from './warehouse-client.ts'

/**
 * The warehouse connections of one process: each opened on first use and shared by every step,
 * observation and check in the process; `close()` on shutdown ends them all. A connection whose
 * declaration changed (a deploy) is reopened on its next use.
 */
export class WarehousePools {
  readonly #env: ConnectionEnvironment
  readonly #open = new Map<string, { key: string; client: WarehouseClient }>()
  #closed = false

  constructor(env: ConnectionEnvironment) {
    this.#env = env
  }

  /** The pool of connection `name` as `decl` declares it. */
  get(name: string, decl: ConnectionDecl | undefined): WarehouseClient {
    if (this.#closed)
      throw new StewardError<WarehouseErrorCode>('WAREHOUSE_UNREACHABLE', 'the warehouse pools are closed')
    if (!decl) {
      throw new StewardError<WarehouseErrorCode>(
        'WAREHOUSE_UNKNOWN_CONNECTION',
        `no connection is named "${name}": declare it in connections of steward.config.ts`,
      )
    }
    const key = JSON.stringify(decl)
    const open = this.#open.get(name)
    if (open?.key === key) return open.client
    if (open) void open.client.close()
    const client = openWarehouse(name, decl, this.#env)
    this.#open.set(name, { key, client })
    return client
  }

  async close(): Promise<void> {
    this.#closed = true
    const clients = [...this.#open.values()].map((open) => open.client)
    this.#open.clear()
    await Promise.allSettled(clients.map((client) => client.close()))
  }
}
