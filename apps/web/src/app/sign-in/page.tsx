import type { Metadata, Route } from 'next'
import Link from 'next/link'
import { authSettings } from '#env.ts'
import { safeNext } from '#server/auth/session-token.ts'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Sign in' }

const problems: Record<string, string> = {
  IDP_UNREACHABLE:
    'The identity provider did not answer. Try again in a moment; if it persists, tell whoever runs Steward.',
  SIGN_IN_EXPIRED: 'That sign-in took too long or was started in another browser. Please start again.',
  SIGN_IN_FAILED: 'The identity provider refused the sign-in. Please start again; the server log says why.',
}

type Props = { searchParams: Promise<{ next?: string; problem?: string; signedOut?: string }> }

/** Where the proxy sends a visitor without a session: one button to the identity provider. */
export default async function SignInPage({ searchParams }: Props) {
  const query = await searchParams
  const next = safeNext(query.next)
  const auth = authSettings()
  if (auth.mode === 'local')
    return (
      <section className="card panel sign-in">
        <h1>No sign-in needed</h1>
        <p>
          No identity provider is configured, so everyone who reaches this server acts as the local admin. To
          require sign-in, set <code>STEWARD_OIDC_ISSUER</code> (see <code>docs/sign-in.md</code>).
        </p>
        <Link href={next as Route} className="button button--primary">
          Continue
        </Link>
      </section>
    )
  return (
    <section className="card panel sign-in">
      <h1>Sign in to Steward</h1>
      {query.signedOut ? <p role="status">You are signed out.</p> : null}
      {query.problem && problems[query.problem] ? (
        <p className="run-form__message" role="alert">
          {problems[query.problem]}
        </p>
      ) : null}
      <p className="muted">Reading is open to everyone in your organisation; owners run and acknowledge.</p>
      <a href={`/auth/sign-in?next=${encodeURIComponent(next)}`} className="button button--primary">
        Continue with {auth.issuer.host}
      </a>
    </section>
  )
}
