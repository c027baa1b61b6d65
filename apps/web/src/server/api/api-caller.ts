import type { AuditActor } from '@steward/db'
import type { TokenInfo } from '@steward/usage'
import { localAdmin, type Viewer } from '../auth/viewer.ts'

/**
 * Who made an API request, as the auth checks found it: an API token, a signed-in user (the
 * session cookie), or anyone on a server without an identity provider.
 */
export type ApiCaller =
  | { kind: 'token'; token: TokenInfo }
  | { kind: 'user'; viewer: Viewer }
  | { kind: 'local' }

// Per request, so a route needs no extra argument to audit or filter by the caller it authorized.
const callers = new WeakMap<Request, ApiCaller>()

export function rememberCaller(request: Request, caller: ApiCaller): void {
  callers.set(request, caller)
}

/** The caller `authorizeApi` (or `authorize`) let through, if it ran for this request. */
export function callerOf(request: Request): ApiCaller | undefined {
  return callers.get(request)
}

/**
 * The products the caller may see, for a route that lists records (`authorizeApi(…, 'filtered')`):
 * a limited token's products, or null for every product.
 */
export function callerProducts(request: Request): readonly string[] | null {
  const caller = callers.get(request)
  return caller?.kind === 'token' ? caller.token.products : null
}

/** The client's address as the reverse proxy reports it (X-Forwarded-For's first hop, X-Real-IP). */
export function clientAddress(headers: Headers): string | undefined {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim()
  return forwarded || headers.get('x-real-ip')?.trim() || undefined
}

/** The audit log's "who" for a caller, through the door `via`. */
export function auditActorOf(caller: ApiCaller | undefined, via: 'api' | 'ui', headers: Headers): AuditActor {
  const source = clientAddress(headers)
  if (caller?.kind === 'token') return { kind: 'token', name: caller.token.name, via, source }
  if (caller?.kind === 'user') return viewerActor(caller.viewer, via, headers)
  return { kind: 'local', name: 'local-admin', via, source }
}

/** The audit log's "who" for a viewer (a server action's): the local admin, or the user's e-mail. */
export function viewerActor(viewer: Viewer, via: 'api' | 'ui', headers: Headers): AuditActor {
  const source = clientAddress(headers)
  if (viewer.id === localAdmin.id) return { kind: 'local', name: localAdmin.id, via, source }
  return { kind: 'user', name: viewer.email ?? viewer.name, via, source }
}
