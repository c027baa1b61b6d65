import { type NextRequest, NextResponse } from 'next/server'
import { authSettings } from './env.ts'
import { requestOrigin } from './server/auth/request-origin.ts'
import { openSession, sessionCookie } from './server/auth/session-token.ts'
import { missingRecord } from './server/missing-record.ts'

/**
 * With an identity provider configured, every page needs a signed-in user: without a valid
 * session cookie, the browser goes to /sign-in and comes back where it was. A product, pipeline
 * or run page for an id that does not exist answers its 404 page (server/missing-record.ts).
 * The HTTP API (/api/…) has its own tokens and the health endpoint stays open for uptime checkers. What a
 * user may change is checked again by each server action (server/auth/authorize.ts).
 */
export async function proxy(request: NextRequest): Promise<Response> {
  const auth = authSettings()
  if (
    auth.mode === 'oidc' &&
    !(await openSession(request.cookies.get(sessionCookie)?.value, auth.sessionSecret))
  ) {
    const signIn = new URL('/sign-in', auth.publicUrl ?? requestOrigin(request))
    signIn.searchParams.set('next', `${request.nextUrl.pathname}${request.nextUrl.search}`)
    return NextResponse.redirect(signIn, 303)
  }
  // An unknown product, pipeline or run: its 404 page, rendered here rather than by notFound().
  const missing = request.method === 'GET' ? await missingRecord(request.nextUrl.pathname) : undefined
  if (missing) return notFoundPage(request, missing)
  return NextResponse.next()
}

/** The 404 page of a kind of record, with status 404 (a rewrite would answer 200). */
async function notFoundPage(request: NextRequest, kind: string): Promise<Response> {
  const page = await fetch(new URL(`/missing/${kind}`, request.url), {
    headers: { cookie: request.headers.get('cookie') ?? '', accept: 'text/html' },
  })
  const headers = new Headers({
    'content-type': page.headers.get('content-type') ?? 'text/html; charset=utf-8',
  })
  headers.set('cache-control', 'no-store')
  return new Response(page.body, { status: 404, headers })
}

export const config = {
  matcher: ['/((?!api/|auth/|sign-in|_next/|favicon\\.ico|icon|apple-icon).*)'],
}
