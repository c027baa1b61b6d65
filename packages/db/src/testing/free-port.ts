import { createServer } from 'node:net'

/** A loopback TCP port nothing listens on right now (the kernel's pick, then released). Tests only. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port)
        else reject(new Error('the kernel gave no port'))
      })
    })
  })
}
