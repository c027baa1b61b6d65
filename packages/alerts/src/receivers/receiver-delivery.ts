import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { channelsWithWork, leaseChannel, type Release, releaseChannel } from '../delivery/channel-lease.ts'
import type { DeliveryOutcome } from '../delivery/deliver-next.ts'
import type { Db } from '../incidents/outbox.ts'
import { deliverToReceiver, type ReceiverDeliverySettings } from './deliver-to-receiver.ts'
import { parseReceiverDestination, type ReceiverKind } from './receiver-destination.ts'
import { type ReceiverSettings, receiverDirectory } from './receiver-settings.ts'

export interface ReceiverDeliveryOptions {
  db: Db
  settings: ReceiverSettings
  webUrl?: string | undefined
  /** Least time between two sends to one receiver, by kind. Default: webhook 0, PagerDuty 500 ms, e-mail 1 s. */
  paceMs?: Partial<Record<ReceiverKind, number>>
  backoff?: { baseMs?: number; maxMs?: number }
  /** A notification still failing this long after it was created is recorded as failed. Default 24 h. */
  giveUpAfterMs?: number
  /** How often receivers with pending work are looked for without a nudge. Default 1000 ms. */
  pollMs?: number
  /** A receiver's lease outlives a crashed holder by this much. Default 30 s (sends time out after 10 s). */
  leaseMs?: number
  now?: () => Date
  onError?: (error: unknown) => void
  onOutcome?: (outcome: DeliveryOutcome, destination: string) => void
}

export interface ReceiverDelivery {
  /** Something was just committed to the outbox: look now. */
  nudge(): void
  /** One pass over every receiver with due work, awaited (tests). */
  deliverNow(): Promise<void>
  close(): Promise<void>
}

const defaultPaceMs: Record<ReceiverKind, number> = { webhook: 0, pagerduty: 500, email: 1000 }
/** Receivers sent to at once by one process. */
const concurrency = 8
/** Sends to one receiver in one pass while it may send again at once. */
const maxSendsPerPass = 50

/**
 * Delivers the outbox's webhook, PagerDuty and e-mail notifications from this process, for the
 * receivers it has settings for (a process without a receiver's settings leaves its notifications
 * pending for one that has them, as with Slack). The same outbox and pacing as Slack: a receiver is
 * a row of `alert_channels`, leased while it is sent to (so two processes never send to one
 * receiver at once) and released with its next send time (pace, Retry-After, backoff). SQL is the
 * only state: a pass reads the receivers with pending work, and the next pass is timed for the
 * earliest one due (at most `pollMs` away), so there is no queue to lose.
 */
export function startReceiverDelivery(options: ReceiverDeliveryOptions): ReceiverDelivery {
  const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}:receivers`
  const now = options.now ?? (() => new Date())
  const pollMs = options.pollMs ?? 1000
  const leaseMs = options.leaseMs ?? 30_000
  const onError = options.onError ?? (() => {})
  const directory = receiverDirectory(options.settings)
  const settingsFor = (kind: ReceiverKind): ReceiverDeliverySettings => ({
    paceMs: options.paceMs?.[kind] ?? defaultPaceMs[kind],
    backoffBaseMs: options.backoff?.baseMs ?? 1000,
    backoffMaxMs: options.backoff?.maxMs ?? 300_000,
    giveUpAfterMs: options.giveUpAfterMs ?? 86_400_000,
    webUrl: options.webUrl,
    now,
  })

  const serve = async (destination: string): Promise<void> => {
    const receiver = directory.receiverFor(destination)
    const kind = parseReceiverDestination(destination)?.kind
    if (!receiver || !kind) return
    const lease = await leaseChannel(options.db, destination, owner, now(), leaseMs)
    if (lease.kind !== 'leased') return
    const settings = settingsFor(kind)
    let release: Release = { nextSendAt: new Date(now().getTime() + settings.backoffBaseMs) }
    try {
      for (let sends = 0; sends < maxSendsPerPass; sends++) {
        const done = await deliverToReceiver(options.db, destination, receiver, settings)
        options.onOutcome?.(done.outcome, destination)
        release = done.release
        if (done.outcome === 'idle' || release.nextSendAt.getTime() > now().getTime()) break
      }
    } catch (error) {
      // SQL failed outside deliverToReceiver's own handling: look again after a backoff.
      onError(error)
    }
    await releaseChannel(options.db, destination, owner, release)
  }

  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let again = false
  let closed = false
  const schedule = (at: number) => {
    if (closed) return
    clearTimeout(timer)
    timer = setTimeout(() => void pass(), Math.max(0, Math.min(at - now().getTime(), pollMs)))
    timer.unref()
  }
  const pass = (): Promise<void> => {
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      do {
        again = false
        const mine = (await channelsWithWork(options.db)).filter((c) => directory.receiverFor(c.destination))
        const due = mine.filter((c) => c.nextSendAt.getTime() <= now().getTime())
        for (let i = 0; i < due.length; i += concurrency) {
          await Promise.all(due.slice(i, i + concurrency).map((c) => serve(c.destination).catch(onError)))
        }
      } while (again && !closed)
      const left = (await channelsWithWork(options.db)).filter((c) => directory.receiverFor(c.destination))
      const next = Math.min(
        now().getTime() + pollMs,
        ...left.map((c) => Math.max(c.nextSendAt.getTime(), c.leaseUntil?.getTime() ?? 0)),
      )
      schedule(next)
    })()
      .catch((error) => {
        onError(error)
        schedule(now().getTime() + pollMs)
      })
      .finally(() => {
        running = undefined
      })
    return running
  }
  void pass()

  return {
    nudge: () => {
      if (!closed) void pass()
    },
    deliverNow: pass,
    async close() {
      closed = true
      clearTimeout(timer)
      await running
      clearTimeout(timer)
      await directory.close()
    },
  }
}
