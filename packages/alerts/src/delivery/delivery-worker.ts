import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { DelayedError, type Job, type QueueBackend, queueFactory } from '@steward/queue'
import type { Db } from '../incidents/outbox.ts'
import { isSlackDestination } from '../receivers/receiver-destination.ts'
import type { SlackTransport } from '../slack/slack-transport.ts'
import {
  type ChannelWork,
  channelsWithWork,
  channelWork,
  leaseChannel,
  type Release,
  releaseChannel,
} from './channel-lease.ts'
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
  /**
   * Something was just committed to the outbox: the channels that may send now are served from this
   * process at once (`deliverDueNow`), and every other channel with pending work gets its job.
   */
  nudge(): void
  /** What `nudge` does, awaited until the channels served here are released (tests). */
  deliverDueNow(): Promise<void>
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
 *
 * A nudge (this process just committed notifications) serves the channels that may send now
 * here, without a queue hop: the same lease, the same `deliverNext`, and what is left goes to the
 * channel's job. The lease is the only guard, so a channel served here and by a job at once (in
 * this process or another) sends each notification once; a process that dies holding the lease
 * is replaced when it expires, as a dead job's is.
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

  /**
   * Serves the channel if it can be leased: sends while it may send again at once, releases it with
   * its next send time, and answers when the channel should be looked at again (undefined: it has
   * nothing left). A channel leased elsewhere or not due is left alone and answered with its time.
   */
  const serve = async (destination: string): Promise<Date | undefined> => {
    const lease = await leaseChannel(options.db, destination, owner, now(), leaseMs)
    if (lease.kind === 'idle') return undefined
    if (lease.kind === 'later') {
      const soon = now().getTime() + heldRecheckMs
      return lease.heldBy ? new Date(Math.min(lease.at.getTime(), soon)) : lease.at
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
    return left ? dueAt(left) : undefined
  }

  let closed = false
  // Channels this process serves outside the queue (a nudge), at most `concurrency` at once.
  const directLimit = options.concurrency ?? 8
  const servingHere = new Map<string, Promise<void>>()
  const serveHere = (destination: string) => {
    const served: Promise<void> = serve(destination)
      .catch((error: unknown) => {
        onError(error)
        return new Date(now().getTime() + settings.backoffBaseMs)
      })
      // What is left is the job's: added after the release, so it is due when the channel is.
      .then((at) => (at ? addJobs([{ destination, at }]) : undefined))
      .catch(onError)
      .finally(() => servingHere.delete(destination))
    servingHere.set(destination, served)
  }

  /**
   * One look at every Slack channel with pending work: each gets its job (delayed until it may
   * send), or, with `here`, is served by this process now when it may send now, has no job (an
   * idle channel's new message: a channel with a job is paced by it, and racing its job would only
   * push the job's next look back) and a direct slot is free. Webhooks, PagerDuty and e-mail share
   * the outbox but have their own delivery (receivers/).
   */
  const lookOnce = async (here: boolean) => {
    const channels = (await channelsWithWork(options.db)).filter((c) => isSlackDestination(c.destination))
    const at = now().getTime()
    const jobs: { destination: string; at: Date }[] = []
    const candidates: ChannelWork[] = []
    for (const channel of channels) {
      if (servingHere.has(channel.destination)) continue
      const free = channel.leaseUntil === null || channel.leaseUntil.getTime() < at
      if (here && !closed && free && channel.nextSendAt.getTime() <= at) candidates.push(channel)
      else jobs.push({ destination: channel.destination, at: dueAt(channel) })
    }
    const queued = await Promise.all(
      candidates.map(async (c) => Boolean(await queue.getJob(deliveryJobId(c.destination)))),
    )
    candidates.forEach((channel, i) => {
      if (!queued[i] && !closed && servingHere.size < directLimit) serveHere(channel.destination)
      else jobs.push({ destination: channel.destination, at: dueAt(channel) })
    })
    await addJobs(jobs)
  }
  // Looks run one at a time; those asked for meanwhile fold into one more, served here if any asked it.
  let looking: Promise<void> | undefined
  let lookAgain: { here: boolean } | undefined
  const look = (here: boolean): Promise<void> => {
    if (looking) {
      lookAgain = { here: here || (lookAgain?.here ?? false) }
      return looking
    }
    looking = (async () => {
      let next: { here: boolean } | undefined = { here }
      while (next) {
        try {
          await lookOnce(next.here)
        } catch (error) {
          onError(error)
        }
        next = closed ? undefined : lookAgain
        lookAgain = undefined
      }
      // In the same turn as the last check: a look asked for after it starts a new one.
      looking = undefined
    })()
    return looking
  }
  const enqueueNow = () => look(false)
  const deliverDueNow = async () => {
    await look(true)
    await Promise.all([...servingHere.values()])
  }
  /** Moves the running job to `delayed` until `at`; BullMQ then leaves it alone (DelayedError). */
  const later = async (job: Job<DeliveryJobData, unknown, string>, token: string | undefined, at: Date) => {
    await job.moveToDelayed(Date.now() + Math.max(1, delayUntil(at)), token)
    throw new DelayedError()
  }

  const processor = async (job: Job<DeliveryJobData, unknown, string>, token?: string) => {
    const destination = destinationOfJob(job)
    if (destination === undefined || !isSlackDestination(destination)) return
    const at = await serve(destination)
    if (at) await later(job, token, at)
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
      if (!closed) void look(true)
    },
    deliverDueNow,
    enqueueNow,
    async close() {
      closed = true
      clearInterval(sweep)
      clearInterval(beat)
      // Waits for the jobs in flight and the channels served here: each releases its channel and
      // leaves its job delayed or done, for whichever process serves the queue next.
      await worker.close()
      await looking
      await Promise.all([...servingHere.values()])
      await Promise.all([...rechecks])
      await queue.close()
      await registered
      await closeSender(options.db, owner).catch(onError)
    },
  }
}
