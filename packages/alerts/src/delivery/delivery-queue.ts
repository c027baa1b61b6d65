/**
 * The BullMQ queue that drains the outbox. A job means "deliver the next notification(s) of
 * channel X": one job per channel at most (its id is the channel's), delayed until the channel's
 * `next_send_at`. SQL stays the source of truth (pending notifications, pacing, group window,
 * Retry-After and backoff live in `notifications` and `alert_channels`); the queue only says when
 * to look, so losing it loses nothing: the sweep re-adds the job of every channel with pending work.
 */
export const deliveryQueueName = 'alert-delivery'
export const deliveryJobName = 'deliver'

export interface DeliveryJobData {
  destination: string
}

/**
 * The channel's job id: deterministic, so adding it while it waits, is delayed or runs adds nothing.
 * Encoded because BullMQ 6 rejects ids with `:` and a channel name is the user's text.
 */
export function deliveryJobId(destination: string): string {
  return `channel.${encodeURIComponent(destination)}`
}

/**
 * The channel a job is for, read from its id: a job whose data was lost (its Redis hash deleted
 * while BullMQ still listed its id, as a FLUSHALL racing a worker can leave) still serves its channel.
 */
export function destinationOfJob(job: {
  id?: string | undefined
  data?: Partial<DeliveryJobData>
}): string | undefined {
  if (typeof job.data?.destination === 'string') return job.data.destination
  const encoded = job.id?.startsWith('channel.') ? job.id.slice('channel.'.length) : undefined
  try {
    return encoded ? decodeURIComponent(encoded) : undefined
  } catch {
    return undefined
  }
}
