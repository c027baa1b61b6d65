import path from 'node:path'
import type { NextConfig } from 'next'

// Node 20 loads this file as CommonJS (SWC turns `import.meta.dirname` into `__dirname`); Node ≥ 22
// imports it as ESM, where `import.meta.dirname` is native. Either way: the folder of this file.
const repoRoot = path.resolve(import.meta.dirname, '../..')

const nextConfig: NextConfig = {
  // The monorepo root, so a stray lockfile in a parent folder cannot move Turbopack's root and
  // the workspace packages under packages/* stay inside it.
  turbopack: { root: repoRoot },
  // Workspace packages export TypeScript source (`exports` → src/index.ts) and import each other
  // with `.ts` extensions; Next compiles them as part of the app.
  transpilePackages: ['@steward/config', '@steward/db', '@steward/pipelines', '@steward/usage'],
  // Loaded with Node's own `require` at run time: pg's optional native binding, PGlite's WASM and
  // data files beside its module, and ioredis's lazily required internals do not survive bundling.
  // Each is also a direct dependency of this package, so the build refers to it by its own name
  // (not a hashed alias linked into .next/node_modules) and the packed UI resolves it when installed.
  serverExternalPackages: ['pg', '@electric-sql/pglite', '@electric-sql/pglite-socket', 'ioredis', 'bullmq'],
  poweredByHeader: false,
  // `npm test` typechecks every workspace (tsc); the build only compiles, which halves its time.
  typescript: { ignoreBuildErrors: true },
  // The floating dev-mode badge covers the page in `steward dev`; build errors still show in the overlay.
  devIndicators: false,
  typedRoutes: true,
}

export default nextConfig
