import { existsSync } from 'node:fs'
import { cp, mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { readExternalAliases, writeExternalAliases } from '@steward/cli'

/** The settings of apps/web/next.config.ts the server reads at run time (Next's own types would
 * bring its global declarations into the scripts' program). */
interface RuntimeConfig {
  serverExternalPackages?: string[]
  poweredByHeader?: boolean
  typedRoutes?: boolean
}

/** Parts of `.next` only a build or `next dev` uses. */
const buildOnly = new Set([
  'cache',
  'dev',
  'trace',
  'trace-build',
  'diagnostics',
  'types',
  'lock',
  'node_modules',
  'turbopack',
])

/**
 * The web UI inside the `steward` package (its `ui/` folder): Next's production output, built by
 * `ensureWebBuild`, and the config `next start` reads. The workspace packages the UI uses are
 * compiled into that output, and the UI reads the catalog from SQL, never a project's code: one
 * build serves every team. Resolves the libraries the server loads at run time, which become the
 * command's dependencies: Next and React, and the external packages (everything else is compiled
 * into the output).
 */
export async function stageUi(webDir: string, uiDir: string, version: string): Promise<Set<string>> {
  const distDir = join(webDir, '.next')
  if (!existsSync(join(distDir, 'BUILD_ID'))) throw new Error(`${distDir} holds no production build`)
  await mkdir(join(uiDir, '.next'), { recursive: true })
  for (const entry of await readdir(distDir)) {
    if (buildOnly.has(entry)) continue
    await cp(join(distDir, entry), join(uiDir, '.next', entry), { recursive: true })
  }
  // The build's links to its external packages do not survive `npm pack`: their names do.
  const aliases = readExternalAliases(distDir)
  await writeExternalAliases(join(uiDir, '.next'), aliases)
  if (existsSync(join(webDir, 'public')))
    await cp(join(webDir, 'public'), join(uiDir, 'public'), { recursive: true })
  const config = (
    (await import(pathToFileURL(join(webDir, 'next.config.ts')).href)) as { default: RuntimeConfig }
  ).default
  const runtime = {
    serverExternalPackages: config.serverExternalPackages,
    poweredByHeader: config.poweredByHeader,
    typedRoutes: config.typedRoutes,
  }
  await writeFile(
    join(uiDir, 'next.config.mjs'),
    `// What \`next start\` reads at run time; the UI was built in Steward's repository.\nexport default ${JSON.stringify(runtime, null, 2)}\n`,
  )
  await writeFile(
    join(uiDir, 'package.json'),
    `${JSON.stringify({ name: '@steward/web', version, private: true, type: 'module' }, null, 2)}\n`,
  )
  return new Set(['next', 'react', 'react-dom', ...Object.values(aliases)])
}
