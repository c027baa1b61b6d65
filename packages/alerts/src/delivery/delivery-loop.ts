import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Db } from '../incidents/outbox.ts'
import type { SlackTransport } from '../slack/slack-transport.ts'
import { leaseDueChannels, nextDueAt, releaseChannel } from './channel-lease.ts'
import { type DeliveryOutcome, type DeliverySettings, deliverNext } from './deliver-next.ts'

export interface DeliveryOptions {
  db: Db
  transport: SlackTransport
  paceMs?: number
  groupWindowMs?: number
  backoff?: { baseMs?: number; maxMs?: number }
  /** Channels served at once by this process. Default 8. */
  concurrency?: number
  /** How often to look for work another process queued. Default 500 ms. */
  pollMs?: number
  /** A channel lease outlives a crashed holder by this much. Default 30 s. */
  leaseMs?: number
  now?: () => Date
  onError?: (error: unknown) => void
  onOutcome?: (outcome: DeliveryOutcome) => void
}

export interface DeliveryLoop {
  /** Something was just committed to the outbox: look now rather than at the next poll. */
  nudge(): void
  close(): Promise<void>
}

/**
 * Drains the outbox: leases due channels (SKIP LOCKED, so processes share the work), delivers each
 * one's oldest notification, releases it with its next allowed send time (pace, group window,
 * Retry-After or backoff). Pacing state lives in SQL, so it holds across processes and restarts.
 */
export function startDelivery(options: DeliveryOptions): DeliveryLoop {
  const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  const now = options.now ?? (() => new Date())
  const settings: DeliverySettings = {
    transport: options.transport,
    paceMs: options.paceMs ?? 1000,
    groupWindowMs: options.groupWindowMs ?? 30_000,
    backoffBaseMs: options.backoff?.baseMs ?? 1000,
    backoffMaxMs: options.backoff?.maxMs ?? 60_000,
    maxGroup: 200,
    now,
  }
  const concurrency = options.concurrency ?? 8
  const pollMs = options.pollMs ?? 500
  const leaseMs = options.leaseMs ?? 30_000
  const onError = options.onError ?? (() => {})
  let active = 0
  let closed = false
  let wake: (() => void) | undefined
  // Set by a nudge that arrives while the loop is busy (not sleeping), so it is not lost.
  let nudged = false
  let pumping: Promise<void> | undefined
  const inFlight = new Set<Promise<void>>()

  const serve = async (destination: string) => {
    try {
      const { outcome, release } = await deliverNext(options.db, destination, settings)
      options.onOutcome?.(outcome)
      await releaseChannel(options.db, destination, owner, release)
    } catch (error) {
      onError(error)
      await releaseChannel(options.db, destination, owner, {
        nextSendAt: new Date(now().getTime() + settings.backoffBaseMs),
      }).catch(onError)
    }
  }

  const pump = async () => {
    while (!closed) {
      nudged = false
      let leased: string[] = []
      try {
        leased = await leaseDueChannels(options.db, owner, concurrency - active, now(), leaseMs)
      } catch (error) {
        onError(error)
      }
      for (const destination of leased) {
        active++
        const job = serve(destination).finally(() => {
          active--
          inFlight.delete(job)
          nudged = true
          wake?.()
        })
        inFlight.add(job)
      }
      if (leased.length > 0) continue
      let sleepMs = pollMs
      if (active < concurrency) {
        const due = await nextDueAt(options.db).catch(() => undefined)
        if (due) sleepMs = Math.max(0, Math.min(pollMs, due.getTime() - now().getTime()))
      }
      if (sleepMs === 0 && active === 0) sleepMs = 5
      if (nudged) continue
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, sleepMs || 5)
        wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      wake = undefined
    }
  }
  pumping = pump().catch(onError)

  return {
    nudge() {
      nudged = true
      wake?.()
    },
    async close() {
      closed = true
      wake?.()
      await pumping
      await Promise.all([...inFlight])
    },
  }
}
