import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { DelayedError, type Job, type QueueBackend, queueFactory } from '@steward/queue'
import type { Db } from '../incidents/outbox.ts'
import { isSlackDestination } from '../receivers/receiver-destination.ts'
import type { SlackTransport } from '../slack/slack-transport.ts'
import { channelsWithWork, channelWork, leaseChannel, type Release, releaseChannel } from './channel-lease.ts'
import { type DeliveryOutcome, type DeliverySettings, deliverNext } from './deliver-next.ts'
import {
  type DeliveryJobData,
  deliveryJobId,
  deliveryJobName,
  deliveryQueueName,
  destinationOfJob,
} from './delivery-queue.ts'
import { beatSender, closeSender, registerSender, senderBeatMs } from './senders.ts'

export interface DeliveryOptions {
  db: Db
  /** A transport that can send: a process without Slack settings runs no delivery (`startAlerts`). */
  transport: SlackTransport
  /**
   * Where the delivery queue lives: the engine's backend and prefix (STEWARD_QUEUE,
   * STEWARD_QUEUE_PREFIX), so its keys or its schema sit beside the engine's.
   */
  queue: { backend: QueueBackend; prefix?: string | undefined }
  paceMs?: number
  groupWindowMs?: number
  backoff?: { baseMs?: number; maxMs?: number }
  /** Channels served at once by this process (the BullMQ worker's concurrency). Default 8. */
  concurrency?: number
  /**
   * How often every channel with pending notifications is given its job if it has none (a flushed
   * Redis, a crash, a notification another process committed). Default 2000 ms.
   */
  sweepMs?: number
  /** A channel lease outlives a crashed holder by this much. Default 30 s. */
  leaseMs?: number
  now?: () => Date
  onError?: (error: unknown) => void
  onOutcome?: (outcome: DeliveryOutcome) => void
}

export interface Delivery {
  /** Something was just committed to the outbox: add the jobs of the channels with pending work now. */
  nudge(): void
  /** Adds the missing jobs and waits for it (tests, the sweep). */
  enqueueNow(): Promise<void>
  close(): Promise<void>
}

/** Sends in one job while the channel may send again at once (permanent failures, no token), up to this. */
const maxSendsPerJob = 50
/** A channel another holder leased is looked at again this soon, not at its lease's end (30 s). */
const heldRecheckMs = 1000

/**
 * Drains the outbox through BullMQ. The job of a channel leases it in SQL, delivers its oldest
 * notification (`deliverNext`), releases it with the time it may send again (pace, group window,
 * Retry-After or backoff), and, while the channel has pending work, moves itself to `delayed` until
 * then. Pacing state lives in SQL, so it holds across processes, restarts and a lost queue.
 * The process is a sender (`senders.ts`) while it runs: health can tell who is able to send.
 */
export function startDelivery(options: DeliveryOptions): Delivery {
  if (options.transport.kind === 'none') {
    throw new Error(
      'startDelivery needs a Slack transport: without Slack settings, leave delivery to a process that has them',
    )
  }
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
  const leaseMs = options.leaseMs ?? 30_000
  const onError = options.onError ?? (() => {})
  const queues = queueFactory(options.queue)
  const queue = queues.openQueue<DeliveryJobData>(deliveryQueueName)
  queue.on('error', onError)

  // The delay a job waits for `at`, on the queue's clock (Date.now), from a `now` that tests may move.
  const delayUntil = (at: Date) => Math.max(0, Math.ceil(at.getTime() - now().getTime()))

  const addJobs = async (channels: readonly { destination: string; at: Date }[]) => {
    if (channels.length === 0) return
    await queue.addBulk(
      channels.map(({ destination, at }) => {
        const delay = delayUntil(at)
        return {
          name: deliveryJobName,
          data: { destination },
          opts: {
            jobId: deliveryJobId(destination),
            ...(delay > 0 ? { delay } : {}),
            // SQL keeps every retry's state; a failed job is dropped and the sweep adds it again.
            attempts: 1,
            removeOnComplete: true,
            removeOnFail: true,
          },
        }
      }),
    )
  }
  const dueAt = (channel: { nextSendAt: Date; leaseUntil: Date | null }) =>
    channel.leaseUntil && channel.leaseUntil.getTime() > channel.nextSendAt.getTime()
      ? new Date(Math.min(channel.leaseUntil.getTime(), now().getTime() + heldRecheckMs))
      : channel.nextSendAt

  let enqueueing: Promise<void> | undefined
  let again = false
  let closed = false
  const enqueueNow = (): Promise<void> => {
    if (enqueueing) {
      again = true
      return enqueueing
    }
    enqueueing = (async () => {
      do {
        again = false
        // Webhooks, PagerDuty and e-mail share the outbox but have their own delivery (receivers/).
        const channels = (await channelsWithWork(options.db)).filter((c) => isSlackDestination(c.destination))
        await addJobs(channels.map((c) => ({ destination: c.destination, at: dueAt(c) })))
      } while (again && !closed)
    })()
      .catch(onError)
      .finally(() => {
        enqueueing = undefined
      })
    return enqueueing
  }
  /** Moves the running job to `delayed` until `at`; BullMQ then leaves it alone (DelayedError). */
  const later = async (job: Job<DeliveryJobData, unknown, string>, token: string | undefined, at: Date) => {
    await job.moveToDelayed(Date.now() + Math.max(1, delayUntil(at)), token)
    throw new DelayedError()
  }

  const processor = async (job: Job<DeliveryJobData, unknown, string>, token?: string) => {
    const destination = destinationOfJob(job)
    if (destination === undefined || !isSlackDestination(destination)) return
    const lease = await leaseChannel(options.db, destination, owner, now(), leaseMs)
    if (lease.kind === 'idle') return
    if (lease.kind === 'later') {
      const soon = now().getTime() + heldRecheckMs
      await later(job, token, lease.heldBy ? new Date(Math.min(lease.at.getTime(), soon)) : lease.at)
      return
    }
    let release: Release = { nextSendAt: new Date(now().getTime() + settings.backoffBaseMs) }
    let failed = false
    try {
      for (let sends = 0; sends < maxSendsPerJob; sends++) {
        const done = await deliverNext(options.db, destination, settings)
        options.onOutcome?.(done.outcome)
        if (done.outcome === 'failed') failed = true
        release = done.release
        if (done.outcome === 'idle' || release.nextSendAt.getTime() > now().getTime()) break
      }
    } catch (error) {
      // SQL or the transport failed outside deliverNext's own handling: try again after a backoff.
      onError(error)
      release = { nextSendAt: new Date(now().getTime() + settings.backoffBaseMs) }
    }
    await releaseChannel(options.db, destination, owner, release)
    // A permanent failure tells the owners on their other channels: give those channels their jobs.
    if (failed) void enqueueNow()
    const left = await channelWork(options.db, destination)
    if (left) await later(job, token, dueAt(left))
  }

  const worker = queues.openWorker<DeliveryJobData>(deliveryQueueName, processor, {
    concurrency: options.concurrency ?? 8,
  })
  worker.on('error', onError)
  // A job completes when its channel had nothing left; a notification committed while it finished
  // was deduplicated against it, so look once more now that its id is free.
  const rechecks = new Set<Promise<void>>()
  worker.on('completed', (job) => {
    const destination = destinationOfJob(job)
    if (closed || destination === undefined) return
    const recheck = channelWork(options.db, destination)
      .then((left) => (left ? addJobs([{ destination: left.destination, at: dueAt(left) }]) : undefined))
      .catch(onError)
      .finally(() => rechecks.delete(recheck))
    rechecks.add(recheck)
  })
  worker.on('failed', (_job, error) => onError(error))

  const sweep = setInterval(() => void enqueueNow(), options.sweepMs ?? 2000)
  sweep.unref()
  const registered = registerSender(options.db, owner).catch(onError)
  const beat = setInterval(() => void beatSender(options.db, owner).catch(onError), senderBeatMs)
  beat.unref()
  void enqueueNow()

  return {
    nudge: () => {
      if (!closed) void enqueueNow()
    },
    enqueueNow,
    async close() {
      closed = true
      clearInterval(sweep)
      clearInterval(beat)
      // Waits for the jobs in flight: each releases its channel and leaves its job delayed or done,
      // for whichever process serves the queue next.
      await worker.close()
      await enqueueing
      await Promise.all([...rechecks])
      await queue.close()
      await registered
      await closeSender(options.db, owner).catch(onError)
    },
  }
}
