import { createServer, type Server, type Socket } from 'node:net'
import type { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket'
import { BatchingQueryQueue } from './batching-query-queue.ts'

/**
 * Serves one PGlite database to many `pg` clients on a TCP port. pglite-socket speaks the wire
 * protocol for each connection; our BatchingQueryQueue decides whose turn it is (see there why
 * pglite-socket's own server is not used).
 */
export class PgliteWireServer {
  private readonly server: Server
  private readonly handlers = new Set<PGLiteSocketHandler>()
  private readonly queue: BatchingQueryQueue

  constructor(db: PGlite) {
    this.queue = new BatchingQueryQueue(db)
    this.server = createServer((socket) => this.accept(socket))
  }

  /** Listens on 127.0.0.1:`port` (0: any free port) and answers the port it got. */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject)
        const address = this.server.address()
        resolve(typeof address === 'object' && address ? address.port : port)
      })
    })
  }

  async close(): Promise<void> {
    for (const handler of this.handlers) await handler.detach(true)
    this.handlers.clear()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private accept(socket: Socket): void {
    const handler = new PGLiteSocketHandler({
      // Same contract as pglite-socket's own queue class, whose private fields TypeScript compares.
      queryQueue: this.queue as unknown as PGLiteSocketHandlerOptions['queryQueue'],
      closeOnDetach: true,
    })
    this.handlers.add(handler)
    handler.addEventListener('close', () => this.handlers.delete(handler))
    handler.addEventListener('error', () => this.handlers.delete(handler))
    void handler.attach(socket)
  }
}
