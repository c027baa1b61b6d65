/**
 * The body of a worker process's heartbeat thread (started by `HeartbeatThread` through
 * `heartbeat-thread.boot.mjs`): every `everyMs` it beats for the attempts the main loop told it
 * about, on a connection of its own. Its event loop is not the steps' one, so a step computing for
 * minutes without yielding keeps its heartbeat, and a process that dies (`kill -9`) takes the
 * thread with it: its heartbeats stop, which is all the reconciler needs to know.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { createDb, type StewardDb } from '@steward/db'
import { beatAttempts } from '../../store/beat-attempts.ts'
import type { FromHeartbeatThread, HeartbeatThreadData, ToHeartbeatThread } from './heartbeat-protocol.ts'

if (!parentPort) throw new Error('heartbeat-thread.ts runs in a worker thread')
const port = parentPort
const data = workerData as HeartbeatThreadData
const post = (message: FromHeartbeatThread) => port.postMessage(message)

const attempts = new Set<string>()
const watched = new Set<string>()
let opened: StewardDb | undefined
let timer: NodeJS.Timeout | undefined
let beating: Promise<void> | undefined
let stopping = false

port.on('message', (message: ToHeartbeatThread) => {
  if (message.kind === 'add') attempts.add(message.attemptId)
  else if (message.kind === 'delete') attempts.delete(message.attemptId)
  else if (message.kind === 'watch') watched.add(message.runId)
  else if (message.kind === 'unwatch') watched.delete(message.runId)
  else void stop()
})

async function beat(): Promise<void> {
  if (!opened || (attempts.size === 0 && watched.size === 0)) return
  const sent = [...attempts]
  try {
    const alive = await beatAttempts(opened.db, sent, { workerId: data.workerId, runIds: [...watched] })
    const gone = sent.filter((id) => !alive.has(id))
    for (const id of gone) attempts.delete(id)
    if (gone.length > 0) post({ kind: 'gone', attemptIds: gone })
  } catch (error) {
    post({ kind: 'error', message: `heartbeat: ${error instanceof Error ? error.message : String(error)}` })
  }
}

async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  if (timer) clearInterval(timer)
  await beating
  await opened?.close()
  port.close()
}

try {
  // One connection: one statement a beat, and a pool that waits on a busy step's connections
  // would defeat the point.
  opened = await createDb(data.databaseUrl, { embeddedDataDir: '', poolSize: 1 })
} catch (error) {
  post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) })
  port.close()
}
if (opened && !stopping) {
  post({ kind: 'ready' })
  timer = setInterval(() => {
    if (beating) return
    beating = beat().finally(() => {
      beating = undefined
    })
  }, data.everyMs)
} else if (opened) {
  await opened.close()
}
