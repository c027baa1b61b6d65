import { fileURLToPath } from 'node:url'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { compileCatalog, deployCatalog, loadProject } from '@steward/engine'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { LineageView } from '../src/components/lineage-view.tsx'
import { LineagePanel } from '../src/components/product/lineage-panel.tsx'
import { focusOnProduct, type LineageGraph, productNeighbours } from '../src/lib/lineage-graph.ts'
import { getLineage } from '../src/server/queries/get-lineage.ts'
import { deployLineageFixture, failActivityRun } from './support/lineage-fixture.ts'
import { openRouteApp, type RouteApp } from './support/route-app.ts'

const edgesOf = (graph: LineageGraph) =>
  graph.edges.map((edge) => `${edge.from} -${edge.kind}-> ${edge.to}`).sort()
const nodeOf = (graph: LineageGraph, id: string) => graph.nodes.find((node) => node.id === id)

describe.each(testBackends)('lineage on $name', (backend) => {
  let database: TestDatabase
  let app: RouteApp
  beforeAll(async () => {
    database = await backend.open()
    await migrateToLatest(database.db)
    await deployLineageFixture(database.db)
    app = await openRouteApp(database)
  })
  afterAll(async () => {
    await app?.close()
    await database?.dispose()
  })

  test('the graph holds products, their tables and the pipelines between them, every edge pointing downstream', async () => {
    const graph = await getLineage(database.db)
    expect(graph.nodes.map((node) => `${node.kind} ${node.id}`).sort()).toEqual([
      'pipeline pipeline:app-activity.daily',
      'pipeline pipeline:churn.score',
      'pipeline pipeline:signup-funnel.weekly',
      'product product:app-activity-counts',
      'product product:churn-scores',
      'product product:weekly-signup-funnel',
      'table table:analytics.churn_scores',
      'table table:analytics.daily_activity',
      'table table:analytics.signup_funnel',
      'table table:raw.churn_export',
    ])
    expect(edgesOf(graph)).toEqual([
      'pipeline:app-activity.daily -owns-> product:app-activity-counts',
      'pipeline:app-activity.daily -triggers-> pipeline:signup-funnel.weekly',
      'pipeline:app-activity.daily -writes-> table:analytics.daily_activity',
      'pipeline:churn.score -owns-> product:churn-scores',
      'pipeline:churn.score -writes-> table:analytics.churn_scores',
      'pipeline:signup-funnel.weekly -owns-> product:weekly-signup-funnel',
      'pipeline:signup-funnel.weekly -writes-> table:analytics.signup_funnel',
      'table:analytics.churn_scores -publishes-> product:churn-scores',
      'table:analytics.daily_activity -publishes-> product:app-activity-counts',
      'table:analytics.daily_activity -reads-> pipeline:signup-funnel.weekly',
      'table:analytics.signup_funnel -publishes-> product:weekly-signup-funnel',
      'table:raw.churn_export -reads-> pipeline:churn.score',
    ])
    // Nothing ran or was observed yet; a raw source has no product and no page.
    expect(nodeOf(graph, 'pipeline:churn.score')).toMatchObject({ status: 'unknown', lastRun: null })
    expect(nodeOf(graph, 'table:raw.churn_export')).toMatchObject({ productId: null, href: null })
    expect(nodeOf(graph, 'product:weekly-signup-funnel')).toMatchObject({
      status: 'ok',
      upstreamProblem: false,
      href: '/products/weekly-signup-funnel',
    })
    expect(productNeighbours(graph, 'weekly-signup-funnel').upstream.map((n) => n.id)).toEqual([
      'product:app-activity-counts',
    ])
    expect(productNeighbours(graph, 'app-activity-counts').downstream.map((n) => n.id)).toEqual([
      'product:weekly-signup-funnel',
    ])
    expect(productNeighbours(graph, 'churn-scores')).toEqual({ upstream: [], downstream: [] })
  })

  test('a failing upstream run shows on the downstream product, named; an unrelated product stays clear', async () => {
    await failActivityRun(database.db)
    await database.db
      .insertInto('table_observations')
      .values({ table_name: 'analytics.churn_scores', connection: 'warehouse', row_count: 42 })
      .execute()
    const graph = await getLineage(database.db)
    expect(nodeOf(graph, 'pipeline:app-activity.daily')).toMatchObject({
      status: 'failing',
      lastRun: { id: '00000000-0000-4000-8000-0000000000a1', status: 'failed' },
    })
    expect(nodeOf(graph, 'product:app-activity-counts')).toMatchObject({
      status: 'failing',
      upstreamProblem: false,
    })
    expect(nodeOf(graph, 'product:weekly-signup-funnel')).toMatchObject({
      status: 'ok',
      upstreamProblem: true,
      upstreamProblems: [
        {
          id: 'pipeline:app-activity.daily',
          kind: 'pipeline',
          label: 'app-activity.daily',
          status: 'failing',
          productId: 'app-activity-counts',
        },
      ],
    })
    expect(nodeOf(graph, 'pipeline:signup-funnel.weekly')?.upstreamProblem).toBe(true)
    expect(nodeOf(graph, 'product:churn-scores')).toMatchObject({ status: 'ok', upstreamProblem: false })
    expect(nodeOf(graph, 'table:analytics.churn_scores')).toMatchObject({
      status: 'ok',
      observation: { rowCount: 42, error: null },
    })
  })

  test('a table past its freshness promise is stale, and the products reading it show it', async () => {
    await database.db
      .insertInto('incidents')
      .values({
        id: '00000000-0000-4000-8000-0000000000c3',
        rule_key: 'app-activity.daily:freshness',
        rule_kind: 'freshness',
        subject_key: 'table:analytics.daily_activity',
        product_id: 'app-activity-counts',
        pipeline_id: 'app-activity.daily',
        severity: 'error',
        title: 'analytics.daily_activity is stale',
        status: 'open',
        opened_at: new Date(),
        last_fired_at: new Date(),
      })
      .execute()
    const graph = await getLineage(database.db)
    // The activity run failed in the test before; the funnel now names both, nearest first.
    expect(nodeOf(graph, 'table:analytics.daily_activity')?.status).toBe('stale')
    expect(nodeOf(graph, 'product:app-activity-counts')).toMatchObject({
      status: 'failing',
      openIncidents: 1,
    })
    expect(
      nodeOf(graph, 'product:weekly-signup-funnel')?.upstreamProblems.map((p) => [p.id, p.status]),
    ).toEqual([
      ['table:analytics.daily_activity', 'stale'],
      ['pipeline:app-activity.daily', 'failing'],
    ])
  })

  test('GET /api/v1/lineage answers the same graph, narrowed by ?product=, with clear errors', async () => {
    const graph = JSON.parse(JSON.stringify(await getLineage(database.db)))
    const all = await app.call('/api/v1/lineage')
    expect(all.status).toBe(200)
    expect(await all.json()).toEqual(graph)

    const focused = await app.call('/api/v1/lineage?product=weekly-signup-funnel')
    expect(focused.status).toBe(200)
    const body = (await focused.json()) as LineageGraph
    expect(body).toEqual(focusOnProduct(graph, 'weekly-signup-funnel'))
    expect(body.nodes.map((node) => node.id)).toContain('pipeline:app-activity.daily')
    expect(body.nodes.map((node) => node.id)).not.toContain('product:churn-scores')

    const unknown = await app.call('/api/v1/lineage?product=nope')
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({
      error: { code: 'PRODUCT_NOT_FOUND', message: 'no product "nope" is deployed' },
    })
    const twice = await app.call('/api/v1/lineage?product=a&product=b')
    expect(twice.status).toBe(400)
    expect(((await twice.json()) as { error: { code: string } }).error.code).toBe('QUERY_INVALID')
  })

  test('the page and the product panel render the graph, escaped, with links and the trouble upstream', async () => {
    const graph = await getLineage(database.db)
    const html = renderToStaticMarkup(createElement(LineageView, { graph }))
    expect(html).toContain('<svg')
    expect(html).toContain('href="/products/weekly-signup-funnel"')
    expect(html).toContain('href="/pipelines/app-activity.daily"')
    expect(html).toContain('data-lineage-status="failing"')
    expect(html).toContain('data-upstream-problem="true"')
    expect(html).toContain('data-edge-kind="triggers"')
    expect(html).toContain('Weekly signup &lt;funnel&gt;')
    expect(html).not.toContain('<funnel>')
    expect(html).toContain(
      'upstream problem: pipeline app-activity.daily failing (product app-activity-counts)',
    )

    const { upstream, downstream } = productNeighbours(graph, 'weekly-signup-funnel')
    const panel = renderToStaticMarkup(
      createElement(LineagePanel, { productId: 'weekly-signup-funnel', upstream, downstream }),
    )
    expect(panel).toContain('href="/products/app-activity-counts"')
    expect(panel).toContain('No other product reads from this one.')
    expect(panel).toContain('href="/lineage?product=weekly-signup-funnel"')
  })
})

describe.each(testBackends.filter((b) => b.name === 'postgres'))(
  "the examples' lineage on $name",
  (backend) => {
    let database: TestDatabase
    beforeAll(async () => {
      database = await backend.open()
      await migrateToLatest(database.db)
      const project = await loadProject(
        fileURLToPath(new URL('../../../examples/steward.config.ts', import.meta.url)),
      )
      await deployCatalog(database.db, compileCatalog(project))
    })
    afterAll(async () => {
      await database?.dispose()
    })

    test('the funnel follows app activity, and a failing activity run shows on the funnel product', async () => {
      const before = await getLineage(database.db)
      expect(before.nodes.filter((n) => n.kind !== 'table').map((n) => n.id)).toEqual([
        'product:app-activity-counts',
        'product:churn-scores',
        'product:weekly-signup-funnel',
        'pipeline:app-activity.daily',
        'pipeline:churn.score',
        'pipeline:signup-funnel.weekly',
      ])
      const edges = edgesOf(before)
      expect(edges).toContain('pipeline:app-activity.daily -triggers-> pipeline:signup-funnel.weekly')
      expect(edges).toContain('pipeline:churn.score -owns-> product:churn-scores')
      expect(productNeighbours(before, 'weekly-signup-funnel').upstream.map((n) => n.id)).toEqual([
        'product:app-activity-counts',
      ])
      expect(productNeighbours(before, 'churn-scores')).toEqual({ upstream: [], downstream: [] })

      await database.db
        .insertInto('runs')
        .values({
          id: '00000000-0000-4000-8000-0000000000b2',
          pipeline_id: 'app-activity.daily',
          product_id: 'app-activity-counts',
          pipeline_version: 1,
          status: 'failed',
          trigger: 'schedule',
          params: '{}',
          partition_key: '2026-12-06',
          finished_at: new Date(),
        })
        .execute()
      const after = await getLineage(database.db)
      expect(nodeOf(after, 'product:weekly-signup-funnel')).toMatchObject({
        upstreamProblem: true,
        upstreamProblems: [expect.objectContaining({ id: 'pipeline:app-activity.daily', status: 'failing' })],
      })
      expect(nodeOf(after, 'product:churn-scores')?.upstreamProblem).toBe(false)
    })
  },
)
