'use client'

import { useActionState } from 'react'
import { type BackfillFormState, initialBackfillFormState } from '../server/backfills/backfill-form-state.ts'

/**
 * The backfill button: a range of partition keys, which of them to rerun, and how many at once.
 * A server action, so it works without client JavaScript; a bad key comes back as a message
 * naming it, with what was typed kept.
 */
export function BackfillForm({
  action,
  defaultFrom,
  defaultTo,
  keyExample,
  disabled,
}: {
  action: (state: BackfillFormState, form: FormData) => Promise<BackfillFormState>
  defaultFrom: string
  defaultTo: string
  /** How a key is written, e.g. "2026-11-02"; static schemes may leave the range empty. */
  keyExample: string
  disabled?: string
}) {
  const [state, formAction, pending] = useActionState(action, initialBackfillFormState)
  const value = (name: string, fallback: string) => state.values[name] ?? fallback
  return (
    <form
      action={formAction}
      className="run-form backfill-form"
      noValidate
      aria-describedby={state.message ? 'backfill-form-message' : undefined}
    >
      <div className="backfill-form__range">
        <div className="run-form__field">
          <label htmlFor="backfill-from" className="run-form__label">
            <span className="run-form__name">from</span>
            <span className="run-form__type">partition key</span>
          </label>
          <input
            id="backfill-from"
            name="from"
            className="input input--mono"
            defaultValue={value('from', defaultFrom)}
            placeholder={keyExample}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <div className="run-form__field">
          <label htmlFor="backfill-to" className="run-form__label">
            <span className="run-form__name">to</span>
            <span className="run-form__type">included</span>
          </label>
          <input
            id="backfill-to"
            name="to"
            className="input input--mono"
            defaultValue={value('to', defaultTo)}
            placeholder={keyExample}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
      </div>
      <div className="run-form__field">
        <label htmlFor="backfill-mode" className="run-form__label">
          <span className="run-form__name">rerun</span>
        </label>
        <select id="backfill-mode" name="mode" className="input" defaultValue={value('mode', 'all')}>
          <option value="all">every partition in the range</option>
          <option value="only-failed">only those whose latest run failed</option>
          <option value="only-missing">only those that never succeeded</option>
        </select>
      </div>
      <div className="run-form__field">
        <label htmlFor="backfill-concurrency" className="run-form__label">
          <span className="run-form__name">runs at once</span>
        </label>
        <input
          id="backfill-concurrency"
          name="concurrency"
          className="input"
          type="number"
          min={1}
          max={100}
          step={1}
          inputMode="numeric"
          defaultValue={value('concurrency', '4')}
        />
      </div>
      <div className="run-form__field run-form__field--check">
        <label htmlFor="backfill-downstream" className="run-form__label">
          <span className="run-form__name">with downstream</span>
          <span className="run-form__type">rerun pipelines that follow this one too</span>
        </label>
        <input
          id="backfill-downstream"
          name="withDownstream"
          type="checkbox"
          className="run-form__checkbox"
          defaultChecked={value('withDownstream', '') === 'on'}
        />
      </div>
      {state.message ? (
        <p id="backfill-form-message" className="run-form__message" role="alert">
          {state.message}
        </p>
      ) : null}
      <div className="run-form__actions">
        <button type="submit" className="button button--primary" disabled={pending || disabled !== undefined}>
          {pending ? 'Starting…' : 'Backfill'}
        </button>
        {disabled ? <span className="muted">{disabled}</span> : null}
      </div>
    </form>
  )
}
