import type { Route } from 'next'
import Link from 'next/link'

type TriggerSpec =
  | { kind: 'upstream'; pipeline: string }
  | { kind: 'event'; name: string | null }
  | { kind: 'file'; inbox: string; param: string }
  | { kind: 'manual' }

/** What else starts a pipeline besides its schedule, one line each (the deploy's `TriggerSpec`s). */
export function TriggerList({ triggers }: { triggers: readonly unknown[] }) {
  const known = triggers.filter(isTrigger)
  if (known.length === 0) return <p className="muted">Only its schedule, the API and this page start it.</p>
  return (
    <ul className="plain-list">
      {known.map((trigger) => (
        <li key={JSON.stringify(trigger)}>{describe(trigger)}</li>
      ))}
    </ul>
  )
}

function describe(trigger: TriggerSpec) {
  switch (trigger.kind) {
    case 'upstream':
      return (
        <>
          After <Link href={`/pipelines/${trigger.pipeline}` as Route}>{trigger.pipeline}</Link> succeeds
        </>
      )
    case 'event':
      return trigger.name ? (
        <>
          On the event <code>{trigger.name}</code> (<code>POST /api/v1/events/{trigger.name}</code>)
        </>
      ) : (
        <>On any event</>
      )
    case 'file':
      return (
        <>
          When a file lands in the inbox <code>{trigger.inbox}</code> (as param <code>{trigger.param}</code>)
        </>
      )
    case 'manual':
      return (
        <>
          By hand: this page, <code>steward run</code> or the API
        </>
      )
  }
}

function isTrigger(value: unknown): value is TriggerSpec {
  const kind = (value as { kind?: unknown } | null)?.kind
  return kind === 'upstream' || kind === 'event' || kind === 'file' || kind === 'manual'
}
