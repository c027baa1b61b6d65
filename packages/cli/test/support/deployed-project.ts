import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrateToLatest } from '@steward/db'
import { type TestBackend, type TestDatabase, testBackends } from '@steward/db/testing'
import {
  type CreateProjectOptions,
  compileCatalog,
  createProject,
  deployCatalog,
  type Project,
} from '@steward/engine'

/**
 * A database of its own on `backend` (default: the first test backend), migrated, with a project
 * of these definitions deployed to it, as `steward deploy` leaves it; the project is what a
 * worker runs. The caller disposes of `t`.
 */
export async function deployTestProject(
  definitions: CreateProjectOptions,
  backend?: TestBackend['name'],
): Promise<{ t: TestDatabase; project: Project }> {
  const chosen = backend === undefined ? testBackends[0] : testBackends.find((b) => b.name === backend)
  if (!chosen) throw new Error(backend ? `no ${backend} test backend` : 'no test database')
  const t = await chosen.open()
  await migrateToLatest(t.db)
  const project = await createProject(definitions)
  await deployCatalog(t.db, compileCatalog(project))
  return { t, project }
}

export interface TempStewardHome {
  path: string
  /** Puts the previous STEWARD_HOME back and deletes the folder. */
  restore(): Promise<void>
}

/**
 * A fresh folder as STEWARD_HOME, for code that finds its files there through the environment
 * (the examples' steps, the embedded DuckDB), until `restore`.
 */
export async function useTempStewardHome(): Promise<TempStewardHome> {
  const path = await mkdtemp(join(tmpdir(), 'steward-home-'))
  const previous = process.env.STEWARD_HOME
  process.env.STEWARD_HOME = path
  return {
    path,
    async restore() {
      if (previous === undefined) delete process.env.STEWARD_HOME
      else process.env.STEWARD_HOME = previous
      await rm(path, { recursive: true, force: true })
    },
  }
}
