import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { pingRedis } from '@steward/queue'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ensureRedis } from '../src/redis/ensure-redis.ts'
import { freePort, tempHome } from './support/steward-process.ts'

const isRoot = process.getuid?.() === 0

describe('ensureRedis', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  const logged: string[] = []
  const log = (line: string) => {
    logged.push(line)
  }
  beforeEach(async () => {
    home = await tempHome()
    logged.length = 0
  })
  afterEach(async () => {
    await home.dispose()
  })

  it('uses a Redis that answers, and stop() leaves it alone', async () => {
    const redis = await ensureRedis('redis://127.0.0.1:6379', join(home.path, 'redis'), log)
    expect(redis.startedHere).toBe(false)
    await redis.stop()
    expect(await pingRedis('redis://127.0.0.1:6379')).toEqual({ ok: true })
  })

  it('starts redis-server for a local URL, with BullMQ-safe settings, and stops it', async () => {
    const url = `redis://localhost:${await freePort()}`
    const dir = join(home.path, 'redis')
    const redis = await ensureRedis(url, dir, log)
    try {
      expect(redis.startedHere).toBe(true)
      expect(await pingRedis(url)).toEqual({ ok: true })
      const config = await readFile(join(dir, 'redis.log'), 'utf8')
      expect(config).toContain('Ready to accept connections')
    } finally {
      await redis.stop()
    }
    expect((await pingRedis(url)).ok).toBe(false)
  })

  it('refuses to start anything for a remote URL', async () => {
    await expect(ensureRedis('redis://redis.invalid:6379', join(home.path, 'redis'), log)).rejects.toThrow(
      /^Redis does not answer at redis:\/\/redis\.invalid:6379 .*REDIS_URL/,
    )
  })

  it('says how to get Redis when redis-server is missing', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`
    const empty = join(home.path, 'bin')
    await mkdir(empty)
    await expect(
      ensureRedis(url, join(home.path, 'redis'), log, { searchDirs: [empty], allowInstall: false }),
    ).rejects.toThrow(
      `Redis does not answer at ${url} and redis-server is not installed: install Redis (apt-get install redis-server) or set REDIS_URL`,
    )
  })

  it('reports the log when redis-server cannot listen on the port', async () => {
    // Something that is not Redis holds the port: PING fails, and so does redis-server's bind.
    const port = await freePort()
    const squatter: Server = createServer((socket) => socket.destroy())
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve))
    try {
      await expect(ensureRedis(`redis://127.0.0.1:${port}`, join(home.path, 'redis'), log)).rejects.toThrow(
        /redis-server exited \(code 1\) before answering .*REDIS_URL.*its log .* says: .*(in use|bind)/i,
      )
    } finally {
      await new Promise((resolve) => squatter.close(resolve))
    }
  })

  describe.runIf(isRoot)('installing with apt-get (a stand-in apt-get in a folder of its own)', () => {
    let bin: string
    beforeEach(async () => {
      bin = join(home.path, 'bin')
      await mkdir(bin)
    })

    async function fakeAptGet(script: string) {
      await writeFile(
        join(bin, 'apt-get'),
        `#!/bin/sh\necho "$DEBIAN_FRONTEND $*" >> "${bin}/apt-get.calls"\n${script}`,
      )
      await chmod(join(bin, 'apt-get'), 0o755)
    }

    it('runs apt-get update and install, then starts the installed redis-server', async () => {
      // "Installing" puts a redis-server in the folder that runs the machine's real one.
      await fakeAptGet(
        `if [ "$1" = install ]; then printf '#!/bin/sh\\nexec /usr/bin/redis-server "$@"\\n' > "${bin}/redis-server"; chmod +x "${bin}/redis-server"; fi`,
      )
      const url = `redis://127.0.0.1:${await freePort()}`
      const redis = await ensureRedis(url, join(home.path, 'redis'), log, { searchDirs: [bin] })
      try {
        expect(redis.startedHere).toBe(true)
        expect(await pingRedis(url)).toEqual({ ok: true })
      } finally {
        await redis.stop()
      }
      expect(await readFile(join(bin, 'apt-get.calls'), 'utf8')).toBe(
        'noninteractive update\nnoninteractive install -y --no-install-recommends redis-server\n',
      )
      expect(logged).toContain('redis: apt-get update')
    })

    it('fails in one line when apt-get fails', async () => {
      await fakeAptGet('echo "E: Unable to locate package redis-server" >&2; exit 100')
      const url = `redis://127.0.0.1:${await freePort()}`
      await expect(ensureRedis(url, join(home.path, 'redis'), log, { searchDirs: [bin] })).rejects.toThrow(
        'apt-get update failed (E: Unable to locate package redis-server): install Redis yourself (apt-get install redis-server) or set REDIS_URL',
      )
    })
  })
})
