export interface BannerInfo {
  /** http://localhost:PORT, or undefined with --no-web. */
  webUrl: string | undefined
  database: string
  /** Which queue backend runs, and where. */
  queue: string
  worker: string
}

/** What `steward dev` prints once everything answers. */
export function banner(info: BannerInfo): string[] {
  const headline = info.webUrl
    ? `Steward is running: ${info.webUrl}`
    : 'Steward is running without the web UI (--no-web)'
  return [
    '',
    `  ${headline}`,
    '',
    `  database  ${info.database}`,
    `  queue     ${info.queue}`,
    `  worker    ${info.worker}`,
    '  stop      press Ctrl-C',
    '',
  ]
}
