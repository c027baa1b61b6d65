import type { Consumer } from '@steward/usage'
import { noun, timeAgo } from '#lib/format.ts'
import { labelConsumerAction } from '#server/usage/label-consumer-action.ts'

const count = new Intl.NumberFormat('en-US')

/** What naming a consumer came to, by the `?consumer=` that labelConsumerAction redirects with. */
const consumerOutcomes: Record<string, { ok: boolean; text: string }> = {
  labelled: { ok: true, text: 'Saved: the consumer shows under its team name.' },
  forbidden: { ok: false, text: "Only the product's owners and admins can name its consumers." },
  failed: {
    ok: false,
    text: 'That name could not be saved (at most 100 characters); the server log says why.',
  },
}

/**
 * The product's heaviest users of 30 days, as salted hashes or the team name an owner gave one;
 * owners and admins get a form under each to name it.
 */
export function TopConsumersPanel({
  productId,
  consumers,
  mayOperate,
  outcome,
  now,
}: {
  productId: string
  consumers: readonly Consumer[]
  /** The viewer owns the product or is an admin: they may name consumers. */
  mayOperate: boolean
  /** The page's `?consumer=` after a form post. */
  outcome: string
  now: Date
}) {
  const consumerOutcome = consumerOutcomes[outcome]
  return (
    <section className="card panel" aria-labelledby="consumers-title">
      <h2 id="consumers-title" className="panel__title">
        Top consumers <span className="panel__count">30 days</span>
      </h2>
      {consumers.length === 0 ? (
        <p className="muted">Nobody used this product in the last 30 days.</p>
      ) : (
        <ol className="consumers">
          {consumers.map((c) => (
            <li key={c.actorHash} className="consumers__item">
              <span className="consumers__who">
                {c.label ?? <code title={c.actorHash}>{c.actorHash.slice(0, 12)}…</code>}
              </span>
              <span className="consumers__events">
                {count.format(c.events)} {noun(c.events, 'event')}
              </span>
              <span className="muted consumers__last">last {timeAgo(c.lastAt, now)}</span>
              {mayOperate ? <NameConsumerForm productId={productId} consumer={c} /> : null}
            </li>
          ))}
        </ol>
      )}
      {consumerOutcome ? (
        <p className={consumerOutcome.ok ? 'muted' : 'run-form__message'} role="status">
          {consumerOutcome.text}
        </p>
      ) : null}
      <p className="panel__footnote muted">
        People are stored as salted hashes; owners can give a hash a team name.
      </p>
    </section>
  )
}

/** A plain form post (works without JavaScript) that gives a consumer's hash a team name. */
function NameConsumerForm({ productId, consumer }: { productId: string; consumer: Consumer }) {
  return (
    <details className="consumers__name">
      <summary>{consumer.label ? 'Rename' : 'Name this team'}</summary>
      <form action={labelConsumerAction.bind(null, productId, consumer.actorHash)}>
        <label className="visually-hidden" htmlFor={`label-${consumer.actorHash}`}>
          Team name for {consumer.actorHash.slice(0, 12)}
        </label>
        <input
          id={`label-${consumer.actorHash}`}
          name="label"
          className="input"
          defaultValue={consumer.label ?? ''}
          placeholder="finance-analytics"
          maxLength={100}
          autoComplete="off"
        />
        <button type="submit" className="button button--small">
          Save
        </button>
      </form>
    </details>
  )
}
