/**
 * The origin the browser used, from the Host header (or X-Forwarded-Host/-Proto behind a reverse
 * proxy): `request.url` inside Next.js names the address the server listens on, which may differ
 * (localhost for 127.0.0.1), and cookies set for one are not sent to the other.
 */
export function requestOrigin(request: Request): string {
  const url = new URL(request.url)
  const host = firstValue(request.headers.get('x-forwarded-host')) ?? request.headers.get('host') ?? url.host
  const proto = firstValue(request.headers.get('x-forwarded-proto')) ?? url.protocol.replace(':', '')
  return `${proto}://${host}`
}

const firstValue = (header: string | null) => header?.split(',')[0]?.trim() || undefined
