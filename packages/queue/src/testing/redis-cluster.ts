// A three-node Redis Cluster on this machine, for the tests and `npm run test:cluster`: each node a
// redis-server child with its files in its own folder, no replicas, every slot assigned.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface LocalRedisCluster {
  /** `redis-cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`, as REDIS_URL takes it. */
  url: string
  ports: number[]
  stop(): Promise<void>
}

/** Starts the nodes, joins them with `redis-cli --cluster create` and waits for `cluster_state:ok`. */
export async function startRedisCluster(dir: string, nodes = 3): Promise<LocalRedisCluster> {
  const ports: number[] = []
  while (ports.length < nodes) {
    const port = await freeClusterPort()
    if (!ports.includes(port)) ports.push(port)
  }
  const children: ChildProcess[] = ports.map((port) => {
    const nodeDir = join(dir, String(port))
    mkdirSync(nodeDir, { recursive: true })
    return spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(nodeDir, 'nodes.conf'),
        '--dir',
        nodeDir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    )
  })
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve()
            child.once('exit', () => resolve())
            child.kill('SIGKILL')
          }),
      ),
    )
  }
  try {
    for (const port of ports) await waitFor(async () => (await redisCli(port, 'ping')).trim() === 'PONG')
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ])
    for (const port of ports) {
      await waitFor(async () => (await redisCli(port, 'cluster', 'info')).includes('cluster_state:ok'))
    }
  } catch (error) {
    await stop()
    throw error
  }
  return { url: `redis-cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`, ports, stop }
}

async function redisCli(port: number, ...args: string[]): Promise<string> {
  try {
    return (await run('redis-cli', ['-p', String(port), ...args])).stdout
  } catch {
    return ''
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the local Redis Cluster did not come up within 15 s')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** A port free now whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 20_000)
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}
