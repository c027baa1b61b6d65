import { createServer } from 'node:net'
import { cliError } from '../errors.ts'

/**
 * Fails with one line naming `setting` unless `port` can be listened on. Checked before a server
 * starts because the web server would otherwise fail late and bury the error in its output.
 * Listening on 0.0.0.0 also collides with a server bound to 127.0.0.1 or to `::` (dual stack).
 */
export async function assertPortFree(port: number, setting = 'PORT'): Promise<void> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw cliError('PORT_INVALID', `${setting} must be a port number between 1 and 65535 (got ${port})`)
  }
  await new Promise<void>((resolve, reject) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          cliError(
            'PORT_IN_USE',
            `${setting} ${port} is already in use: stop what uses it or set ${setting} to a free port`,
            { cause: error },
          ),
        )
      } else if (error.code === 'EACCES') {
        reject(
          cliError(
            'PORT_INVALID',
            `${setting} ${port} needs privileges this process lacks: set ${setting} to a port above 1023`,
            { cause: error },
          ),
        )
      } else {
        reject(
          cliError('PORT_INVALID', `${setting} ${port} cannot be used: ${error.message}`, { cause: error }),
        )
      }
    })
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve()))
  })
}
