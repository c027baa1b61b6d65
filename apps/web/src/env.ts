import { readSettings, type Settings } from '@steward/config'
import { type AuthSettings, parseAuthSettings } from './server/auth/auth-settings.ts'

/**
 * The only module of the web app that reads `process.env` (biome's `noProcessEnv` keeps it so).
 * Read lazily, on first use, so `next build` does not need the runtime settings and a bad value
 * fails the request that needs it with a one-line message instead of the whole server at import.
 *
 * STEWARD_HOME, when relative, is resolved against the server's working directory (apps/web
 * under `next start`): launchers should pass an absolute path.
 */
let cached: Settings | undefined

export function settings(): Settings {
  cached ??= readSettings(process.env)
  return cached
}

/**
 * Called once as the server starts (instrumentation.ts). Production (NODE_ENV=production, which
 * `next start` sets) refuses to start without STEWARD_USAGE_SALT: one line, exit code 1, instead
 * of a server that answers the usage API with errors. Other settings stay lazy (see above).
 */
export function refuseToStartWithoutUsageSalt(): void {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NODE_ENV !== 'production') return
  if (process.env.STEWARD_USAGE_SALT?.trim()) return
  console.error(
    'steward web: STEWARD_USAGE_SALT is not set: production (NODE_ENV=production) needs a secret salt to hash usage actors; set one, e.g. `openssl rand -hex 32`',
  )
  process.exit(1)
}

/**
 * SLACK_SIGNING_SECRET: verifies requests from Slack's interactivity (alert buttons). Empty when
 * unset, and then every such request is refused. Never sent to the browser.
 */
export function slackSigningSecret(): string {
  return process.env.SLACK_SIGNING_SECRET?.trim() ?? ''
}

let cachedAuth: AuthSettings | undefined

/** How people sign in (STEWARD_OIDC_*, STEWARD_SESSION_SECRET, STEWARD_ADMINS); see server/auth. */
export function authSettings(): AuthSettings {
  cachedAuth ??= parseAuthSettings(process.env)
  return cachedAuth
}

/**
 * Called once as the server starts: a half-configured identity provider stops the server with one
 * line rather than locking everyone out; without one, production says that everyone is an admin.
 */
export function checkAuthSettingsAtStart(): void {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  try {
    const auth = authSettings()
    if (auth.mode === 'local' && process.env.NODE_ENV === 'production')
      console.warn(
        'steward web: no identity provider (STEWARD_OIDC_ISSUER): everyone who reaches this server acts as an admin; see docs/sign-in.md',
      )
  } catch (error) {
    console.error(`steward web: ${(error as Error).message}`)
    process.exit(1)
  }
}

/** A web server's Node.js process (`next start` or `next dev`), not the edge runtime. */
export function isNodeServer(): boolean {
  return process.env.NEXT_RUNTIME === 'nodejs'
}

/** The production web server's Node.js process (`next start`), where background work may run. */
export function isProductionServer(): boolean {
  return process.env.NEXT_RUNTIME === 'nodejs' && process.env.NODE_ENV === 'production'
}

/**
 * STEWARD_METRICS_TOKEN: when set, GET /api/metrics answers only requests that send it as a
 * bearer token (Prometheus's `authorization: { credentials: … }`). Empty when unset: open, like
 * /api/health. Never sent to the browser.
 */
export function metricsToken(): string {
  return process.env.STEWARD_METRICS_TOKEN?.trim() ?? ''
}
