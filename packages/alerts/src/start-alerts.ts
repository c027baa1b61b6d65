import { listen, runsEndedChannel } from '@steward/db'
import { type Delivery, type DeliveryOptions, startDelivery } from './delivery/delivery-worker.ts'
import { evaluateFinishedRuns } from './evaluate/evaluate-finished-runs.ts'
import { evaluateTimers } from './evaluate/evaluate-timers.ts'
import type { Db } from './incidents/outbox.ts'
import { startReceiverDelivery } from './receivers/receiver-delivery.ts'
import { hasReceivers, type ReceiverSettings } from './receivers/receiver-settings.ts'
import { webApiTransport } from './slack/web-api-transport.ts'

export interface SlackSettings {
  /**
   * SLACK_BOT_TOKEN. Without it this process evaluates but sends nothing: its notifications stay
   * pending for any process that has a token ("recorded only" while none has).
   */
  botToken?: string
  /** SLACK_API_URL: Slack's own by default; any Slack-compatible server for tests and staging. */
  apiUrl?: string
}

export interface StartAlertsOptions extends Omit<DeliveryOptions, 'db' | 'transport'> {
  db: Db
  slack: SlackSettings
  /**
   * The database's URL (`StewardDb.url`, never printed): the evaluator then LISTENs for every run
   * that ends, in any process (`runsEndedChannel`, a trigger on `runs`), and evaluates at once.
   * Without it, runs this process did not end are found by the poll.
   */
  databaseUrl?: string
  /**
   * How often finished runs are looked for without a nudge: the backstop when a notification is
   * lost (a dropped connection) or there is no `databaseUrl`. Default 1000 ms.
   */
  runPollMs?: number
  /** How often freshness, volume, budgets, lateness, reminders and digests are checked. Default 30 s. */
  timerEveryMs?: number
  /** Base URL of the web UI, for links to runs. */
  webUrl?: string
  /**
   * Webhooks, PagerDuty services and SMTP this process can deliver to (`Settings.receivers`). Each
   * is delivered by any process that has its settings, as Slack is by any that has a token.
   */
  receivers?: ReceiverSettings
}

export interface Alerts {
  /** Runs just ended (`worker.onRunsEnded`, the runs-ended notification): evaluate now. */
  nudge(): void
  /** Resolves once the evaluator listens for runs that end in other processes (at once without `databaseUrl`). */
  readonly listening: Promise<void>
  /** Evaluates once and waits for it (tests, `steward` commands). */
  evaluateNow(): Promise<void>
  checkTimersNow(): Promise<void>
  close(): Promise<void>
}

/**
 * The evaluator and the Slack delivery worker in this process, as `steward dev` and `steward worker`
 * run them. Evaluation reads SQL behind a durable cursor, so a nudge only makes it sooner: nothing
 * is missed when a nudge is lost or the process restarts. Delivery runs on the BullMQ queue
 * `alert-delivery` next to the engine's (same backend and prefix, `queue`), any number of
 * processes sharing it. Whether a notification can be sent is decided where it is delivered: a
 * process with a bot token delivers every pending notification, whichever process evaluated it;
 * a process without one runs no delivery at all and leaves them pending.
 *
 * The evaluator is woken when a run ends: by the worker of this process (`worker.onRunsEnded`,
 * as soon as the finishing group commits) and, with `databaseUrl`, by the NOTIFY every run's end
 * sends from the database (a run another process ended, a cancel, the reconciler). The poll is the
 * backstop.
 *
 * @example
 * const alerts = startAlerts({ db, databaseUrl, slack: { botToken, apiUrl }, queue: { backend, prefix } })
 * worker.onRunsEnded(alerts.nudge)
 */
export function startAlerts(options: StartAlertsOptions): Alerts {
  const onError = options.onError ?? (() => {})
  const delivery: Pick<Delivery, 'nudge' | 'close'> = options.slack.botToken
    ? startDelivery({
        ...options,
        transport: webApiTransport({
          token: options.slack.botToken,
          ...(options.slack.apiUrl ? { apiUrl: options.slack.apiUrl } : {}),
        }),
      })
    : { nudge: () => {}, close: async () => {} }
  const receivers = hasReceivers(options.receivers)
    ? startReceiverDelivery({
        db: options.db,
        settings: options.receivers,
        webUrl: options.webUrl,
        ...(options.now ? { now: options.now } : {}),
        onError,
      })
    : undefined
  const nudgeDelivery = () => {
    delivery.nudge()
    receivers?.nudge()
  }
  const now = options.now ?? (() => new Date())

  let running: Promise<void> | undefined
  let again = false
  const evaluate = (): Promise<void> => {
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      do {
        again = false
        // Delivery is nudged as each batch commits: a storm's first alerts go out while the rest is read.
        await evaluateFinishedRuns(options.db, {
          now: now(),
          ...(options.webUrl ? { webUrl: options.webUrl } : {}),
          onCommitted: nudgeDelivery,
        })
      } while (again)
    })()
      .catch(onError)
      .finally(() => {
        running = undefined
      })
    return running
  }
  let timers: Promise<void> | undefined
  const checkTimers = (): Promise<void> => {
    timers ??= evaluateTimers(options.db, { now: now() })
      .then(() => nudgeDelivery())
      .catch(onError)
      .finally(() => {
        timers = undefined
      })
    return timers
  }
  const listener = options.databaseUrl
    ? listen(options.databaseUrl, runsEndedChannel, () => void evaluate(), { onError })
    : undefined
  const runPoll = setInterval(() => void evaluate(), options.runPollMs ?? 1000)
  const timerPoll = setInterval(() => void checkTimers(), options.timerEveryMs ?? 30_000)
  runPoll.unref()
  timerPoll.unref()
  void checkTimers()

  return {
    nudge: () => void evaluate(),
    listening: listener?.ready ?? Promise.resolve(),
    evaluateNow: evaluate,
    checkTimersNow: checkTimers,
    async close() {
      clearInterval(runPoll)
      clearInterval(timerPoll)
      await listener?.close()
      await running
      await timers
      await delivery.close()
      await receivers?.close()
    },
  }
}
