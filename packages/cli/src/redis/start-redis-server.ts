import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { redactUrl } from '@steward/kernel'
import { pingRedis } from '@steward/queue'
import { cliError } from '../errors.ts'
import { tailFile } from '../output/tail-file.ts'
import { type SupervisedProcess, startProcess } from '../services/supervised-process.ts'
import type { RedisAddress } from './redis-url.ts'

export interface StartRedisOptions {
  executable: string
  url: string
  address: RedisAddress
  /** Its data (append-only file), pid file and log. */
  dir: string
  timeoutMs?: number
}

/**
 * Starts redis-server as our child, not daemonized, so it stops with us. Settings BullMQ needs:
 * `noeviction` (evicting a job key loses the job) and the append-only file, so queued work
 * survives a restart; no RDB snapshots (`--save ''`), the AOF is enough.
 */
export async function startRedisServer(options: StartRedisOptions): Promise<SupervisedProcess> {
  const { dir, address } = options
  const logFile = join(dir, 'redis.log')
  await mkdir(dir, { recursive: true })
  // A stale pid file from a killed run would not stop redis-server; drop it so it can't mislead.
  await rm(join(dir, 'redis.pid'), { force: true })
  const child = startProcess({
    name: 'redis',
    command: options.executable,
    // biome-ignore format: one flag per line reads best
    args: [
      '--port', String(address.port),
      '--bind', bindAddresses(address.host),
      '--dir', dir,
      '--daemonize', 'no',
      '--appendonly', 'yes',
      '--save', '',
      '--pidfile', join(dir, 'redis.pid'),
      '--logfile', logFile,
      '--maxmemory-policy', 'noeviction',
    ],
  })

  const timeoutMs = options.timeoutMs ?? 10_000
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline && !child.hasExited()) {
    if ((await pingRedis(options.url, { timeoutMs: 500 })).ok) return child
    await sleep(100)
  }
  const exitedEarly = child.hasExited()
  const status = exitedEarly ? await child.exited : await child.stop()
  const log = (await tailFile(logFile, 3)).map((line) =>
    line.replace(/^\d+:[A-Z] \d+ \w+ \d+ [\d:.]+ [*#.-] /, ''),
  )
  const what = exitedEarly
    ? `redis-server exited (${status.error?.message ?? `code ${status.code ?? status.signal}`}) before answering at ${redactUrl(options.url)} (REDIS_URL)`
    : `redis-server did not answer at ${redactUrl(options.url)} (REDIS_URL) within ${Math.round(timeoutMs / 1000)} s`
  const why = log.length > 0 ? `its log (${logFile}) says: ${log.join(' / ')}` : `see ${logFile}`
  throw cliError('REDIS_START_FAILED', `${what}; ${why}`)
}

/** `localhost` may resolve to either family; the leading `-` lets Redis skip one this host lacks. */
function bindAddresses(host: string): string {
  const lower = host.toLowerCase()
  if (lower === '::1' || lower === '[::1]') return '::1'
  if (lower === 'localhost') return '127.0.0.1 -::1'
  return '127.0.0.1'
}
