import type { Metadata } from 'next'
import { PageHeader } from '#components/page-header.tsx'
import { type ApiOperation, apiOperations } from '#server/api/openapi/api-operations.ts'
import { jsonSchemaOf } from '#server/api/openapi/openapi-document.ts'
import { errorAnswer } from '#server/api/schemas.ts'

export const metadata: Metadata = { title: 'API reference' }

const authText: Record<ApiOperation['auth'], string> = {
  open: 'open',
  read: 'read token or signed-in',
  operate: 'operate token or owner',
  ingest: 'ingest token',
  metrics: 'metrics token when set',
  slack: 'Slack signature',
}

/**
 * The HTTP API's reference, rendered on the server from the same operations and zod schemas as
 * `/api/v1/openapi.json`: every route with its parameters, body and answers. No script, nothing
 * fetched from elsewhere.
 */
export default function ApiReferencePage() {
  const tags = [...new Set(apiOperations.map((operation) => operation.tag))]
  return (
    <>
      <PageHeader
        title="API reference"
        description={
          <>
            Every route of the HTTP API. Machine-readable:{' '}
            <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1). Errors are{' '}
            <code>{'{"error":{"code","message"}}'}</code>; limits and bad input are in docs/api.md.
          </>
        }
      />
      <nav aria-label="Routes" className="table-card">
        <table className="data-table">
          <tbody>
            {apiOperations.map((operation) => (
              <tr key={anchor(operation)}>
                <td>
                  <code>{operation.method}</code>
                </td>
                <td>
                  <a href={`#${anchor(operation)}`}>
                    <code>{operation.path}</code>
                  </a>
                </td>
                <td>{operation.summary}</td>
                <td>{authText[operation.auth]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </nav>
      {tags.map((tag) => (
        <section key={tag} aria-labelledby={`tag-${tag}`}>
          <h2 id={`tag-${tag}`}>{tag}</h2>
          {apiOperations
            .filter((operation) => operation.tag === tag)
            .map((operation) => (
              <OperationDetails key={anchor(operation)} operation={operation} />
            ))}
        </section>
      ))}
    </>
  )
}

function anchor(operation: ApiOperation): string {
  return `${operation.method}-${operation.path}`.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()
}

function OperationDetails({ operation }: { operation: ApiOperation }) {
  const query = Object.entries(operation.query?.shape ?? {})
  return (
    <article id={anchor(operation)} className="table-card">
      <h3>
        <code>{`${operation.method} ${operation.path}`}</code>
      </h3>
      <p>
        {operation.summary}. {operation.description}
      </p>
      <p>Who may call it: {authText[operation.auth]}.</p>
      {operation.pathParams || query.length > 0 ? (
        <table className="data-table">
          <thead>
            <tr>
              <th>parameter</th>
              <th>in</th>
              <th>schema</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(operation.pathParams ?? {}).map(([name, description]) => (
              <tr key={`path-${name}`}>
                <td>
                  <code>{name}</code>
                </td>
                <td>path</td>
                <td>{description}</td>
              </tr>
            ))}
            {query.map(([name, field]) => (
              <tr key={`query-${name}`}>
                <td>
                  <code>{name}</code>
                </td>
                <td>query</td>
                <td>
                  <code>{JSON.stringify(jsonSchemaOf(field, 'input'))}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {operation.body ? (
        <details>
          <summary>
            Body ({operation.body.contentType ?? 'application/json'}, at most {operation.body.limit} bytes)
          </summary>
          <pre>
            <code>{JSON.stringify(jsonSchemaOf(operation.body.schema, 'input'), null, 2)}</code>
          </pre>
        </details>
      ) : null}
      <ul>
        {Object.entries(operation.answers).map(([status, answer]) => (
          <li key={status}>
            <strong>{status}</strong> {answer.description}
            {answer.schema && answer.schema !== errorAnswer ? (
              <details>
                <summary>schema</summary>
                <pre>
                  <code>{JSON.stringify(jsonSchemaOf(answer.schema, 'output'), null, 2)}</code>
                </pre>
              </details>
            ) : null}
          </li>
        ))}
      </ul>
    </article>
  )
}
