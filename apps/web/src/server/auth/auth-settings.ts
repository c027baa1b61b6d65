import { minSessionSecretLength } from '@steward/config'
import { StewardError } from '@steward/kernel'

/**
 * How people sign in to the web UI. Without an identity provider (a laptop's `steward dev`), every
 * visitor is one local admin. With OIDC configured, reading needs a signed-in user, and running,
 * cancelling, acknowledging and snoozing need a product's owner or an admin.
 */
export type AuthSettings =
  | { mode: 'local' }
  | {
      mode: 'oidc'
      issuer: URL
      clientId: string
      /** Empty for a public client (PKCE only). */
      clientSecret: string
      /** Signs the session cookie (HS256); at least 32 characters. */
      sessionSecret: string
      scopes: string
      /** The ID token claim that lists the user's groups (matched against owners' `team`). */
      groupsClaim: string
      /** E-mails and `group:<name>` entries that are admins. */
      admins: readonly string[]
      /** Where the IdP sends people back; default: the request's own origin. */
      publicUrl: URL | undefined
    }

type Env = Record<string, string | undefined>

const invalid = (message: string) => new StewardError('SETTINGS_INVALID', message)

function url(env: Env, name: string): URL | undefined {
  const value = env[name]?.trim()
  if (!value) return undefined
  try {
    return new URL(value)
  } catch {
    throw invalid(`${name} must be a URL such as https://login.example.com/, got "${value}"`)
  }
}

/** Reads the sign-in settings, or says in one line which variable is wrong. */
export function parseAuthSettings(env: Env): AuthSettings {
  const issuer = url(env, 'STEWARD_OIDC_ISSUER')
  if (!issuer) return { mode: 'local' }
  const clientId = env.STEWARD_OIDC_CLIENT_ID?.trim() ?? ''
  if (!clientId)
    throw invalid('STEWARD_OIDC_CLIENT_ID is not set: the identity provider needs the client id of Steward')
  const sessionSecret = env.STEWARD_SESSION_SECRET?.trim() ?? ''
  if (sessionSecret.length < minSessionSecretLength)
    throw invalid(
      `STEWARD_SESSION_SECRET must be at least ${minSessionSecretLength} characters when STEWARD_OIDC_ISSUER is set (it signs sessions); e.g. \`openssl rand -hex 32\``,
    )
  return {
    mode: 'oidc',
    issuer,
    clientId,
    clientSecret: env.STEWARD_OIDC_CLIENT_SECRET?.trim() ?? '',
    sessionSecret,
    scopes: env.STEWARD_OIDC_SCOPES?.trim() || 'openid profile email',
    groupsClaim: env.STEWARD_OIDC_GROUPS_CLAIM?.trim() || 'groups',
    admins: (env.STEWARD_ADMINS ?? '')
      .split(',')
      .map((entry) => entry.trim().toLowerCase())
      .filter(Boolean),
    publicUrl: url(env, 'STEWARD_PUBLIC_URL'),
  }
}
