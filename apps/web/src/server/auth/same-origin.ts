import { apiError } from '../api/api-error.ts'
import { requestOrigin } from './request-origin.ts'

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * The CSRF guard of the route handlers that a browser may call with its cookies: a request that
 * changes something (POST, PUT, PATCH, DELETE) without a bearer token must come from Steward's own
 * pages, i.e. carry an `Origin` equal to STEWARD_PUBLIC_URL's origin (or, when that is unset, to
 * the origin the request was sent to: Host / X-Forwarded-Host, as `requestOrigin` reads them).
 * Browsers send `Origin` on every such request, same-origin ones included, and a page elsewhere
 * cannot forge it. A request with cookies and no `Origin` is refused too; a request with neither
 * (curl on a server without an identity provider) goes on, as there is no session to abuse.
 * Bearer requests are a program's: a token is never sent by the browser on its own, so they pass.
 *
 * Server actions are guarded by Next.js itself (see ../runs/actions.ts). Answers the 403, or
 * undefined when the request may go on.
 */
export function refuseCrossOrigin(request: Request, publicUrl: string | undefined): Response | undefined {
  if (safeMethods.has(request.method.toUpperCase())) return undefined
  if (request.headers.has('authorization')) return undefined
  const origin = request.headers.get('origin')
  const expected = publicUrl ? new URL(publicUrl).origin : requestOrigin(request)
  if (origin === null) {
    if (!request.headers.has('cookie')) return undefined
    return apiError(
      403,
      'ORIGIN_MISSING',
      `a signed-in browser request that changes something must carry an Origin header (${expected}); programs send "Authorization: Bearer stw_…" instead`,
    )
  }
  if (sameOrigin(origin, expected)) return undefined
  return apiError(
    403,
    'ORIGIN_FOREIGN',
    `this request comes from ${printable(origin)}, not from Steward at ${expected}: changes are accepted only from Steward's own pages (STEWARD_PUBLIC_URL) or with an API token`,
  )
}

function sameOrigin(origin: string, expected: string): boolean {
  try {
    return new URL(origin).origin === expected
  } catch {
    return false
  }
}

/** The Origin header as sent, cut and with anything unprintable replaced: it is the caller's text. */
function printable(origin: string): string {
  const cut = origin.length > 100 ? `${origin.slice(0, 100)}…` : origin
  return JSON.stringify(cut.replace(/[^\x20-\x7e]/g, '?'))
}
