/** A JSON value, pretty-printed in a scrollable block (step outputs, params, log fields). */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  return (
    <pre className="json" title={label}>
      {JSON.stringify(value, null, 2)}
    </pre>
  )
}
