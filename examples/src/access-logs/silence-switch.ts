/** One web server that stops logging from an hour on: the demo of per-host volume alerts. */
export interface Silence {
  host: string
  from: Date
}

/**
 * The demo switch (`STEWARD_DEMO_SILENCE_HOST=web-3 STEWARD_DEMO_SILENCE_FROM=2026-11-02T14:00Z`)
 * read from its two settings: no host, no silence; no `from`, silent from the start. A bad value
 * stops the step with a message naming the setting, rather than silently logging every host.
 *
 * @example
 * parseSilenceSwitch('web-3', '2026-11-02T14:00Z') // { host: 'web-3', from: 2026-11-02T14:00:00.000Z }
 */
export function parseSilenceSwitch(host: string | undefined, from: string | undefined): Silence | undefined {
  const name = host?.trim()
  if (!name) return undefined
  if (!/^web-\d+$/.test(name)) {
    throw new Error(`STEWARD_DEMO_SILENCE_HOST: "${name}" is not a demo web server; they are web-1 … web-10`)
  }
  const text = from?.trim()
  if (!text) return { host: name, from: new Date(0) }
  const at = new Date(text)
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(at.getTime())) {
    throw new Error(
      `STEWARD_DEMO_SILENCE_FROM: "${text}" is not an ISO time; write the hour the host goes quiet, e.g. 2026-11-02T14:00Z`,
    )
  }
  return { host: name, from: at }
}

/** Whether the silence reaches into the UTC day starting at `dayStartMs`. */
export function silencesDay(silence: Silence | undefined, dayStartMs: number): boolean {
  return silence !== undefined && silence.from.getTime() < dayStartMs + 86_400_000
}
