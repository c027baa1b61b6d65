import { redactUrl, StewardError } from '@steward/kernel'

/** Where Steward's SQL lives: a PostgreSQL server, or the embedded PGlite in a folder. */
export type DatabaseTarget = { kind: 'postgres'; url: string } | { kind: 'embedded'; dataDir: string }

/**
 * Reads `DATABASE_URL` (or nothing, meaning the embedded default under the Steward home).
 * Accepts `postgres://` and `postgresql://` URLs; anything else is refused with the setting named.
 */
export function parseDatabaseUrl(
  url: string | undefined,
  embeddedDataDir: string,
  setting = 'DATABASE_URL',
): DatabaseTarget {
  if (url === undefined || url.trim() === '') return { kind: 'embedded', dataDir: embeddedDataDir }
  const hint = `set ${setting} to postgres://user:password@host:5432/database, or unset it to use the embedded database`
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new StewardError(
      'DATABASE_URL_INVALID',
      `${setting} is not a valid URL (${redactUrl(url)}): ${hint}`,
    )
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StewardError(
      'DATABASE_URL_INVALID',
      `${setting} must start with postgres:// (got ${parsed.protocol}//…): ${hint}`,
    )
  }
  if (parsed.hostname === '' && !parsed.searchParams.has('host')) {
    throw new StewardError('DATABASE_URL_INVALID', `${setting} names no host (${redactUrl(url)}): ${hint}`)
  }
  if (parsed.port !== '' && !/^\d+$/.test(parsed.port)) {
    throw new StewardError('DATABASE_URL_INVALID', `${setting} has an invalid port: ${hint}`)
  }
  return { kind: 'postgres', url }
}
