import { readdir, readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, test } from 'vitest'
import ApiReferencePage from '../src/app/api-reference/page.tsx'
import { apiOperations } from '../src/server/api/openapi/api-operations.ts'
import { openApiDocument } from '../src/server/api/openapi/openapi-document.ts'
import { routePatterns } from './support/route-app.ts'

/**
 * The OpenAPI document against the route files: every route file's methods are documented, every
 * documented route has its file, and the in-process route app (which the fuzz suite calls) knows
 * every route too.
 */
const apiRoot = fileURLToPath(new URL('../src/app/api/', import.meta.url))

async function routeFiles(dir: string): Promise<string[]> {
  const found: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) found.push(...(await routeFiles(path)))
    else if (entry.name === 'route.ts') found.push(path)
  }
  return found
}

/** `METHOD /api/v1/runs/{id}` for each handler a route file exports. */
async function routesOnDisk(): Promise<string[]> {
  const routes: string[] = []
  for (const file of await routeFiles(apiRoot)) {
    const folder = relative(apiRoot, file).split(sep).slice(0, -1)
    const path = `/api/${folder.map((part) => part.replace(/^\[(.+)\]$/, '{$1}')).join('/')}`
    const source = await readFile(file, 'utf8')
    for (const match of source.matchAll(/^export (?:async )?function (GET|POST|PUT|PATCH|DELETE)\b/gm))
      routes.push(`${match[1]} ${path}`)
  }
  return routes.sort()
}

describe('the OpenAPI document', () => {
  test('documents every route file, and every documented route has one', async () => {
    const onDisk = await routesOnDisk()
    const documented = apiOperations.map((operation) => `${operation.method} ${operation.path}`).sort()
    expect(onDisk.length).toBeGreaterThan(15)
    expect(documented).toEqual(onDisk)
    const paths = openApiDocument().paths as Record<string, Record<string, unknown>>
    const inDocument = Object.entries(paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
      .sort()
    expect(inDocument).toEqual(onDisk)
  })

  test('the route app that the fuzz suite calls knows every route', async () => {
    const known = routePatterns.map((route) => route.replace(/:([a-z]+)/g, '{$1}')).sort()
    expect(known).toEqual(await routesOnDisk())
  })

  test('names each path parameter, and describes bodies and answers with JSON Schema', () => {
    const document = openApiDocument()
    expect(document.openapi).toBe('3.1.0')
    for (const operation of apiOperations) {
      const placeholders = [...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1])
      expect(Object.keys(operation.pathParams ?? {}), operation.path).toEqual(placeholders)
      const described = (document.paths as Record<string, Record<string, Record<string, unknown>>>)[
        operation.path
      ]?.[operation.method.toLowerCase()]
      expect(Object.keys(described?.responses as object).length, operation.path).toBeGreaterThan(0)
    }
    const listRuns = (document.paths as Record<string, Record<string, { parameters: { name: string }[] }>>)[
      '/api/v1/runs'
    ]?.get
    expect(listRuns?.parameters.map((parameter) => parameter.name)).toEqual([
      'pipeline',
      'product',
      'status',
      'from',
      'to',
      'limit',
      'cursor',
    ])
    const backfill = (document.paths as Record<string, Record<string, Record<string, unknown>>>)[
      '/api/v1/pipelines/{id}/backfills'
    ]?.post as {
      requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> }
    }
    expect(backfill.requestBody.content['application/json']?.schema.properties.mode).toMatchObject({
      enum: ['all', 'only-failed', 'only-missing'],
      default: 'all',
    })
  })

  test('the reference page lists every route with its parameters, and loads nothing from elsewhere', () => {
    const html = renderToStaticMarkup(createElement(ApiReferencePage))
    for (const operation of apiOperations)
      expect(html, operation.path).toContain(`<code>${operation.method} ${operation.path}</code>`)
    expect(html).toContain('<code>cursor</code>')
    expect(html).not.toMatch(/<script|<link|src="http/)
  })
})
