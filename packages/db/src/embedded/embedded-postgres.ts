import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createConnection } from 'node:net'
import { dirname, join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { StewardError } from '@steward/kernel'
import { PgliteWireServer } from './wire-server.ts'

/**
 * The embedded default: a PGlite database kept in a folder and served on a loopback port by
 * pglite-socket's protocol handler, so every process (CLI, worker, web app) talks to it through the ordinary `pg`
 * driver, exactly as to PostgreSQL. PGlite must be opened by one process only: the process that
 * starts the server writes `server.json` beside the data and the others connect to the URL in it.
 */
export interface EmbeddedServer {
  /** `postgres://` URL of the running server (no password: it listens on 127.0.0.1 only). */
  url: string
  /** True when this process started the server and must stop it. */
  owned: boolean
  stop(): Promise<void>
}

interface ServerFile {
  pid: number
  port: number
  url: string
  startedAt: string
}

const serverFileName = 'server.json'

/** Connect to the embedded server for `dataDir`, starting it in this process when none runs. */
export async function openEmbeddedPostgres(
  dataDir: string,
  options: { port?: number } = {},
): Promise<EmbeddedServer> {
  const running = await findRunningServer(dataDir)
  if (running) return { url: running.url, owned: false, stop: async () => {} }
  return startEmbeddedPostgres(dataDir, options)
}

/** The running server for `dataDir`, if a live process serves it. */
export async function findRunningServer(dataDir: string): Promise<ServerFile | undefined> {
  const file = serverFilePath(dataDir)
  const info = await readServerFile(dataDir)
  if (!info) return undefined
  if (isAlive(info.pid)) {
    // Port 0: that process claimed the folder and is still opening it; wait for its port.
    if (info.port === 0) return waitForStart(dataDir, info.pid)
    if (await portAnswers(info.port)) return info
  }
  // The process that wrote it died without cleaning up (kill -9): the data is free again.
  await rm(file, { force: true })
  return undefined
}

async function waitForStart(dataDir: string, pid: number): Promise<ServerFile> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    const info = await readServerFile(dataDir)
    if (info && info.pid === pid && info.port !== 0) return info
    if (!info || !isAlive(pid)) break
  }
  throw new StewardError(
    'EMBEDDED_DATABASE_BUSY',
    `the embedded database in ${dataDir} is being started by process ${pid}, which has not finished: try again, or stop that process`,
  )
}

async function readServerFile(dataDir: string): Promise<ServerFile | undefined> {
  try {
    return JSON.parse(await readFile(serverFilePath(dataDir), 'utf8')) as ServerFile
  } catch {
    return undefined
  }
}

async function startEmbeddedPostgres(dataDir: string, options: { port?: number }): Promise<EmbeddedServer> {
  const file = serverFilePath(dataDir)
  await mkdir(dirname(file), { recursive: true })
  // Claim the data folder before opening it: `wx` fails if another process claimed it first.
  const claim: ServerFile = { pid: process.pid, port: 0, url: '', startedAt: new Date().toISOString() }
  try {
    await writeFile(file, JSON.stringify(claim), { flag: 'wx' })
  } catch {
    throw new StewardError(
      'EMBEDDED_DATABASE_BUSY',
      `the embedded database in ${dataDir} is being started by another process: try again in a few seconds`,
    )
  }

  let db: PGlite | undefined
  let server: PgliteWireServer | undefined
  let port: number
  try {
    db = await PGlite.create(join(dataDir, 'pgdata'))
    server = new PgliteWireServer(db)
    port = await server.listen(options.port ?? 0)
  } catch (error) {
    await server?.close().catch(() => {})
    await db?.close().catch(() => {})
    await rm(file, { force: true })
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
    throw new StewardError(
      'EMBEDDED_DATABASE_FAILED',
      inUse
        ? `port ${options.port} for the embedded database is already in use: set STEWARD_DB_PORT to a free port`
        : `the embedded database in ${dataDir} could not start: ${(error as Error).message}`,
      { cause: error },
    )
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`
  await writeFile(file, JSON.stringify({ ...claim, port, url } satisfies ServerFile))

  let stopped: Promise<void> | undefined
  const stop = () => {
    stopped ??= (async () => {
      await server.close()
      await db.close()
      await rm(file, { force: true })
    })()
    return stopped
  }
  return { url, owned: true, stop }
}

function serverFilePath(dataDir: string) {
  return join(dataDir, serverFileName)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function portAnswers(port: number): Promise<boolean> {
  if (!port) return Promise.resolve(false)
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}
