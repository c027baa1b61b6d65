import * as client from 'openid-client'
import type { AuthSettings } from './auth-settings.ts'
import { requestOrigin } from './request-origin.ts'

type OidcSettings = Extract<AuthSettings, { mode: 'oidc' }>

let discovered: Promise<client.Configuration> | undefined

/**
 * The identity provider's configuration, discovered once (`/.well-known/openid-configuration`).
 * A failed discovery is not cached, so the next sign-in tries again. Plain http is accepted only
 * for an issuer on this machine (a local IdP in tests or development).
 */
export function oidcConfiguration(auth: OidcSettings): Promise<client.Configuration> {
  discovered ??= client
    .discovery(
      auth.issuer,
      auth.clientId,
      auth.clientSecret ? { client_secret: auth.clientSecret } : undefined,
      auth.clientSecret ? undefined : client.None(),
      isLoopback(auth.issuer) ? { execute: [client.allowInsecureRequests] } : undefined,
    )
    .catch((error: unknown) => {
      discovered = undefined
      throw error
    })
  return discovered
}

const isLoopback = (url: URL) =>
  url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)

/** The origin the IdP sends people back to: STEWARD_PUBLIC_URL, else the request's own. */
export function publicOrigin(auth: OidcSettings, request: Request): string {
  return auth.publicUrl?.origin ?? requestOrigin(request)
}
