'use client'

import { useActionState } from 'react'
import { defaultText, fieldName, type ParamField } from '../lib/params-form.ts'
import { initialRunFormState, partitionField, type RunFormState } from '../server/runs/run-form-state.ts'

/**
 * "Run now": one field per param of the pipeline's schema. The action is a server action, so the
 * form posts and shows its errors without client JavaScript too; with it, the page is not reloaded
 * and what was typed stays. On success the server redirects to the new run's page.
 */
export function RunForm({
  fields,
  action,
  disabled,
  partition,
}: {
  fields: readonly ParamField[]
  action: (state: RunFormState, form: FormData) => Promise<RunFormState>
  disabled?: string
  /** For a partitioned pipeline: which partition the run builds (a time scheme defaults to the latest). */
  partition?: PartitionChoice
}) {
  const [state, formAction, pending] = useActionState(action, initialRunFormState)
  return (
    <form
      action={formAction}
      className="run-form"
      noValidate
      aria-describedby={state.message ? 'run-form-message' : undefined}
    >
      {partition ? (
        <PartitionInput
          choice={partition}
          error={state.fieldErrors[partitionField]}
          value={state.values[partitionField]}
        />
      ) : null}
      {fields.length === 0 ? <p className="muted">This pipeline takes no params.</p> : null}
      {fields.map((field) => (
        <ParamInput
          key={field.name}
          field={field}
          error={state.fieldErrors[field.name]}
          value={state.values[field.name]}
        />
      ))}
      {state.message ? (
        <p id="run-form-message" className="run-form__message" role="alert">
          {state.message}
        </p>
      ) : null}
      <div className="run-form__actions">
        <button type="submit" className="button button--primary" disabled={pending || disabled !== undefined}>
          {pending ? 'Starting…' : 'Run now'}
        </button>
        {disabled ? <span className="muted">{disabled}</span> : null}
      </div>
    </form>
  )
}

export interface PartitionChoice {
  /** The key a run gets when the field is left as it is. */
  defaultKey: string
  /** A static scheme's keys, offered as a list. */
  keys?: readonly string[]
  example: string
}

function PartitionInput({
  choice,
  error,
  value,
}: {
  choice: PartitionChoice
  error?: string
  value?: string
}) {
  const describedBy = ['partition-hint', error ? 'partition-error' : ''].filter(Boolean).join(' ')
  return (
    <div className="run-form__field">
      <label htmlFor="run-partition" className="run-form__label">
        <span className="run-form__name">partition</span>
        <span className="run-form__type">key</span>
      </label>
      {choice.keys ? (
        <select
          id="run-partition"
          name={partitionField}
          className="input"
          defaultValue={value ?? choice.defaultKey}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
        >
          {choice.keys.map((key) => (
            <option key={key} value={key}>
              {key}
            </option>
          ))}
        </select>
      ) : (
        <input
          id="run-partition"
          name={partitionField}
          className="input input--mono"
          defaultValue={value ?? choice.defaultKey}
          placeholder={choice.example}
          autoComplete="off"
          spellCheck={false}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
        />
      )}
      <p id="partition-hint" className="run-form__hint">
        {choice.keys
          ? 'The run builds this key.'
          : `The window the run builds, e.g. ${choice.example}; default the latest complete one.`}
      </p>
      {error ? (
        <p id="partition-error" className="run-form__error">
          {error}
        </p>
      ) : null}
    </div>
  )
}

function ParamInput({ field, error, value }: { field: ParamField; error?: string; value?: string }) {
  const id = `param-${field.name}`
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const describedBy = [field.description || hints(field) ? hintId : '', error ? errorId : '']
    .filter(Boolean)
    .join(' ')
  const common = {
    id,
    name: fieldName(field.name),
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy || undefined,
  }
  const initial = value ?? defaultText(field)
  const checkbox = field.kind === 'boolean' && (field.required || field.defaultValue !== undefined)
  let input: React.ReactNode
  if (field.kind === 'boolean') {
    input = checkbox ? (
      <input
        {...common}
        type="checkbox"
        className="run-form__checkbox"
        defaultChecked={value !== undefined ? value === 'on' : field.defaultValue === true}
      />
    ) : (
      <select {...common} className="input" defaultValue={value ?? ''}>
        <option value="">Not set</option>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    )
  } else if (field.kind === 'enum') {
    input = (
      <select {...common} className="input" defaultValue={initial} required={field.required}>
        {field.required && field.defaultValue === undefined ? <option value="">Choose…</option> : null}
        {!field.required ? <option value="">Not set</option> : null}
        {field.options?.map((option) => (
          <option key={String(option)} value={String(option)}>
            {String(option)}
          </option>
        ))}
      </select>
    )
  } else if (field.kind === 'json') {
    input = (
      <textarea
        {...common}
        className="input input--mono"
        rows={3}
        defaultValue={initial}
        spellCheck={false}
      />
    )
  } else {
    const numeric = field.kind === 'number' || field.kind === 'integer'
    input = (
      <input
        {...common}
        className="input"
        type={numeric ? 'number' : field.format === 'date' ? 'date' : 'text'}
        inputMode={field.kind === 'integer' ? 'numeric' : field.kind === 'number' ? 'decimal' : undefined}
        step={field.kind === 'integer' ? 1 : numeric ? 'any' : undefined}
        min={field.minimum}
        max={field.maximum}
        defaultValue={initial}
        required={field.required}
        autoComplete="off"
      />
    )
  }
  return (
    <div
      className={checkbox ? 'run-form__field run-form__field--check' : 'run-form__field'}
      data-kind={field.kind}
    >
      <label htmlFor={id} className="run-form__label">
        <span className="run-form__name">{field.name}</span>
        <span className="run-form__type">
          {field.kind === 'enum' ? 'one of' : field.kind}
          {field.required ? ', required' : ''}
        </span>
      </label>
      {input}
      {field.description || hints(field) ? (
        <p id={hintId} className="run-form__hint">
          {[field.description, hints(field)].filter(Boolean).join(' · ')}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="run-form__error">
          {error}
        </p>
      ) : null}
    </div>
  )
}

function hints(field: ParamField): string {
  const parts: string[] = []
  if (field.minimum !== undefined && field.maximum !== undefined)
    parts.push(`${field.minimum} to ${field.maximum}`)
  else if (field.minimum !== undefined) parts.push(`at least ${field.minimum}`)
  else if (field.maximum !== undefined) parts.push(`at most ${field.maximum}`)
  if (field.defaultValue !== undefined) parts.push(`default ${JSON.stringify(field.defaultValue)}`)
  if (field.kind === 'json') parts.push('JSON')
  return parts.join(', ')
}
