import { spawn } from 'node:child_process'
import { inheritedEnvironment } from '../env.ts'
import { cliError } from '../errors.ts'

/**
 * Installs Debian's redis-server with apt-get: a fresh machine then runs `steward dev` with no
 * setup. Only called as root; the package does not start a service here (no systemd), we do.
 */
export async function installRedisWithApt(aptGet: string, log: (line: string) => void): Promise<void> {
  log('redis: redis-server is not installed; installing it with apt-get (this takes a minute)')
  await runAptGet(aptGet, ['update'], log)
  await runAptGet(aptGet, ['install', '-y', '--no-install-recommends', 'redis-server'], log)
}

async function runAptGet(aptGet: string, args: string[], log: (line: string) => void): Promise<void> {
  const label = `apt-get ${args.join(' ')}`
  log(`redis: ${label}`)
  const started = Date.now()
  const output: string[] = []
  const result = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    const child = spawn(aptGet, args, {
      env: { ...inheritedEnvironment(), DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const collect = (chunk: Buffer) => {
      output.push(...chunk.toString('utf8').split('\n'))
      output.splice(0, Math.max(0, output.length - 200))
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.once('error', (error) => resolve({ code: null, error }))
    child.once('close', (code) => resolve({ code }))
  })
  if (result.code === 0) {
    log(`redis: ${label} done (${Math.round((Date.now() - started) / 1000)} s)`)
    return
  }
  const tail = output.filter((line) => line.trim() !== '').slice(-8)
  for (const line of tail) log(`apt-get │ ${line}`)
  const why = result.error?.message ?? tail.at(-1) ?? `exit code ${result.code}`
  throw cliError(
    'REDIS_INSTALL_FAILED',
    `${label} failed (${why}): install Redis yourself (apt-get install redis-server) or set REDIS_URL`,
    { cause: result.error },
  )
}
