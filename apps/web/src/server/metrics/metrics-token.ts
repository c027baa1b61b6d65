import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * Whether a scrape may read /api/metrics: always when no token is configured, else only with
 * `Authorization: Bearer <token>`. Compared as SHA-256 digests in constant time, so neither the
 * token's length nor its prefix leaks through timing.
 */
export function scrapeAllowed(request: Request, token: string): boolean {
  if (token === '') return true
  const header = request.headers.get('authorization') ?? ''
  const match = /^Bearer\s+(.+)$/i.exec(header.trim())
  if (!match) return false
  const digest = (text: string) => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(match[1] as string), digest(token))
}
