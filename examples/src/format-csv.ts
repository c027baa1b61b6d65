/**
 * Rows as CSV (RFC 4180): a header, then one line per row; fields with commas, quotes or line
 * breaks are quoted. Numbers are written as JavaScript prints them.
 *
 * @example
 * formatCsv(['host', 'requests'], [{ host: 'web-1', requests: 3 }]) // 'host,requests\nweb-1,3\n'
 */
export function formatCsv<C extends string>(
  columns: readonly C[],
  rows: readonly { readonly [K in C]: string | number | boolean | null }[],
): string {
  const lines = [columns.map(field).join(',')]
  for (const row of rows) lines.push(columns.map((column) => field(row[column])).join(','))
  return `${lines.join('\n')}\n`
}

function field(value: string | number | boolean | null): string {
  if (value === null) return ''
  const text = String(value)
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}
