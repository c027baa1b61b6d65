import { usageEventSchema } from '@steward/usage'
import { z } from 'zod'
import { sessionCookie } from '../../auth/session-token.ts'
import { type ApiAuth, type ApiOperation, apiOperations } from './api-operations.ts'

type JsonSchema = Record<string, unknown>

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), as a client sends it or reads it. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema
  return rest
}

const securityByAuth: Record<ApiAuth, Record<string, string[]>[]> = {
  open: [],
  read: [{ token: [] }, { session: [] }],
  operate: [{ token: [] }, { session: [] }],
  ingest: [{ token: [] }],
  metrics: [{}, { metricsToken: [] }],
  slack: [{ slackSignature: [] }],
}

const authNote: Record<ApiAuth, string> = {
  open: 'Open to anyone who reaches the server.',
  read: 'A token with the `read` scope, or a signed-in browser (open when no identity provider is set up).',
  operate:
    'A token with the `operate` scope, or a signed-in owner of the product or an admin (open when no identity provider is set up).',
  ingest: 'A token with the `ingest` scope.',
  metrics: 'Open, or `Authorization: Bearer $STEWARD_METRICS_TOKEN` when that is set.',
  slack: "Slack's request signature (`X-Slack-Signature`, `X-Slack-Request-Timestamp`).",
}

function parameters(operation: ApiOperation): unknown[] {
  const out: unknown[] = []
  for (const [name, description] of Object.entries(operation.pathParams ?? {}))
    out.push({
      name,
      in: 'path',
      required: true,
      description,
      schema: { type: 'string', minLength: 1, maxLength: 200 },
    })
  for (const [name, field] of Object.entries(operation.query?.shape ?? {})) {
    const schema = jsonSchemaOf(field as z.ZodType, 'input')
    const { description, ...rest } = schema
    out.push({
      name,
      in: 'query',
      required: !(field as z.ZodType).safeParse(undefined).success,
      ...(typeof description === 'string' ? { description } : {}),
      ...(rest.type === 'array' ? { style: 'form', explode: true } : {}),
      schema: rest,
    })
  }
  return out
}

function operationObject(operation: ApiOperation): Record<string, unknown> {
  const body = operation.body
  return {
    operationId: `${operation.method.toLowerCase()}${operation.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    tags: [operation.tag],
    summary: operation.summary,
    description: [operation.description, authNote[operation.auth]].filter(Boolean).join('\n\n'),
    'x-steward-auth': operation.auth,
    security: securityByAuth[operation.auth],
    parameters: parameters(operation),
    ...(body
      ? {
          requestBody: {
            required: body.required ?? false,
            description: `At most ${body.limit} bytes (413 past that)${body.required ? '' : '; an empty body reads as {}'}.`,
            'x-steward-body-limit': body.limit,
            content: {
              [body.contentType ?? 'application/json']: { schema: jsonSchemaOf(body.schema, 'input') },
            },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(operation.answers).map(([status, answer]) => [
        status,
        {
          description: answer.description,
          ...(answer.schema || answer.contentType
            ? {
                content: {
                  [answer.contentType ?? 'application/json']: answer.schema
                    ? { schema: jsonSchemaOf(answer.schema, 'output') }
                    : {},
                },
              }
            : {}),
        },
      ]),
    ),
  }
}

let built: Record<string, unknown> | undefined

/**
 * The OpenAPI 3.1 document of every route in `apiOperations`, built from the zod schemas the
 * routes validate with (`schemas.ts`). Built once per process: it changes only with the code.
 */
export function openApiDocument(): Record<string, unknown> {
  if (built) return built
  const paths: Record<string, Record<string, unknown>> = {}
  for (const operation of apiOperations) {
    paths[operation.path] ??= {}
    ;(paths[operation.path] as Record<string, unknown>)[operation.method.toLowerCase()] =
      operationObject(operation)
  }
  built = {
    openapi: '3.1.0',
    info: {
      title: 'Steward HTTP API',
      version: 'v1',
      description:
        'Every error is `{"error":{"code","message"}}` with a status that says whose fault it is. Limits and bad input: docs/api.md.',
    },
    tags: [...new Set(apiOperations.map((operation) => operation.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { UsageEvent: jsonSchemaOf(usageEventSchema, 'input') },
      securitySchemes: {
        token: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token (`steward tokens create --scope read|operate|ingest`): stw_…',
        },
        session: { type: 'apiKey', in: 'cookie', name: sessionCookie, description: 'A signed-in browser' },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'STEWARD_METRICS_TOKEN' },
        slackSignature: { type: 'apiKey', in: 'header', name: 'X-Slack-Signature' },
      },
    },
  }
  return built
}
