import type { TestDatabase } from '@steward/db/testing'
import { vi } from 'vitest'

/**
 * The /api routes called in this process, without `next build` or `next start`: each request goes
 * to the route module's handler as Next.js would call it (method, decoded path params). For tests
 * of what the handlers answer; the e2e tests (`next-app.ts`) cover the server around them.
 *
 * `open` points the web app's settings at a test database (and a queue prefix) and imports fresh
 * route modules, so one test file can run once per backend.
 */
export interface RouteApp {
  /** `fetch` for a path such as `/api/v1/runs/…?x=1`, answered by the route's handler. */
  call(path: string, init?: RequestInit): Promise<Response>
  /** Every route as `[method, path pattern]`, e.g. `['POST', '/api/v1/pipelines/:id/runs']`. */
  routes: readonly (readonly [string, string])[]
  close(): Promise<void>
}

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>

/** A route module: its handlers by method, beside `dynamic` and the like. */
type RouteModule = object
const routeFiles: readonly [method: string, pattern: string, load: () => Promise<RouteModule>][] = [
  ['GET', '/api/health', () => import('../../src/app/api/health/route.ts')],
  ['GET', '/api/metrics', () => import('../../src/app/api/metrics/route.ts')],
  ['POST', '/api/slack/interactivity', () => import('../../src/app/api/slack/interactivity/route.ts')],
  ['GET', '/api/v1/alerts/ledger', () => import('../../src/app/api/v1/alerts/ledger/route.ts')],
  ['GET', '/api/v1/audit', () => import('../../src/app/api/v1/audit/route.ts')],
  ['GET', '/api/v1/backfills/:id', () => import('../../src/app/api/v1/backfills/[id]/route.ts')],
  [
    'POST',
    '/api/v1/backfills/:id/cancel',
    () => import('../../src/app/api/v1/backfills/[id]/cancel/route.ts'),
  ],
  ['POST', '/api/v1/events/:name', () => import('../../src/app/api/v1/events/[name]/route.ts')],
  ['GET', '/api/v1/lineage', () => import('../../src/app/api/v1/lineage/route.ts')],
  ['POST', '/api/v1/incidents/:id/ack', () => import('../../src/app/api/v1/incidents/[id]/ack/route.ts')],
  [
    'POST',
    '/api/v1/incidents/:id/snooze',
    () => import('../../src/app/api/v1/incidents/[id]/snooze/route.ts'),
  ],
  [
    'POST',
    '/api/v1/pipelines/:id/backfills',
    () => import('../../src/app/api/v1/pipelines/[id]/backfills/route.ts'),
  ],
  ['POST', '/api/v1/pipelines/:id/runs', () => import('../../src/app/api/v1/pipelines/[id]/runs/route.ts')],
  [
    'POST',
    '/api/v1/pipelines/:id/schedule/pause',
    () => import('../../src/app/api/v1/pipelines/[id]/schedule/pause/route.ts'),
  ],
  [
    'POST',
    '/api/v1/pipelines/:id/schedule/resume',
    () => import('../../src/app/api/v1/pipelines/[id]/schedule/resume/route.ts'),
  ],
  ['GET', '/api/v1/products/:id/cost', () => import('../../src/app/api/v1/products/[id]/cost/route.ts')],
  ['GET', '/api/v1/products/:id/usage', () => import('../../src/app/api/v1/products/[id]/usage/route.ts')],
  ['GET', '/api/v1/openapi.json', () => import('../../src/app/api/v1/openapi.json/route.ts')],
  ['GET', '/api/v1/runs', () => import('../../src/app/api/v1/runs/route.ts')],
  ['GET', '/api/v1/runs/:id', () => import('../../src/app/api/v1/runs/[id]/route.ts')],
  ['POST', '/api/v1/runs/:id/cancel', () => import('../../src/app/api/v1/runs/[id]/cancel/route.ts')],
  ['POST', '/api/v1/runs/:id/retry', () => import('../../src/app/api/v1/runs/[id]/retry/route.ts')],
  ['POST', '/api/v1/usage/events', () => import('../../src/app/api/v1/usage/events/route.ts')],
  ['GET', '/api/v1/usage/pixel', () => import('../../src/app/api/v1/usage/pixel/route.ts')],
]

/** Every route the app answers, as `METHOD /api/…/:id`, without opening anything. */
export const routePatterns: readonly string[] = routeFiles.map(([method, pattern]) => `${method} ${pattern}`)

const cache = globalThis as typeof globalThis & {
  __stewardWebDb?: Promise<{ close(): Promise<void> }>
  __stewardWebQueue?: Promise<{ close(): Promise<void> }>
}

export async function openRouteApp(
  database: TestDatabase,
  env: Record<string, string> = {},
): Promise<RouteApp> {
  for (const [key, value] of Object.entries({ DATABASE_URL: database.url, ...env })) process.env[key] = value
  // Fresh modules: env.ts caches the settings, db.ts and queue.ts their connections on globalThis.
  cache.__stewardWebDb = undefined
  cache.__stewardWebQueue = undefined
  vi.resetModules()
  const handlers = await Promise.all(
    routeFiles.map(async ([method, pattern, load]) => {
      const handler = ((await load()) as Record<string, unknown>)[method] as Handler | undefined
      if (!handler) throw new Error(`the route ${pattern} has no ${method}`)
      return { method, pattern, segments: pattern.split('/'), handler }
    }),
  )
  return {
    routes: routeFiles.map(([method, pattern]) => [method, pattern] as const),
    async call(path, init = {}) {
      const url = new URL(path, 'http://steward.test')
      const method = (init.method ?? 'GET').toUpperCase()
      const segments = url.pathname.split('/')
      for (const route of handlers) {
        if (route.segments.length !== segments.length) continue
        const params: Record<string, string> = {}
        const matches = route.segments.every((part, i) => {
          const actual = segments[i] ?? ''
          if (part.startsWith(':')) {
            params[part.slice(1)] = decodeSegment(actual)
            return actual !== ''
          }
          return part === actual
        })
        if (!matches) continue
        if (route.method !== method) return new Response(null, { status: 405 })
        const request = new Request(url, { ...init, method, ...(init.body ? { duplex: 'half' } : {}) })
        return route.handler(request, { params: Promise.resolve(params) })
      }
      return new Response(null, { status: 404 })
    },
    async close() {
      const queue = await cache.__stewardWebQueue?.catch(() => undefined)
      await queue?.close()
      const db = await cache.__stewardWebDb?.catch(() => undefined)
      await db?.close()
      cache.__stewardWebDb = undefined
      cache.__stewardWebQueue = undefined
    },
  }
}

/** As Next.js decodes a dynamic segment: percent-decoded, or as sent when that fails. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
