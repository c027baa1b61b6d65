#!/usr/bin/env node
// The `steward` command. Installed, it runs the compiled JavaScript in dist/; in Steward's own
// repository, where nothing is compiled, it runs the TypeScript source through tsx. Either way,
// user files (steward.config.ts and what it imports) load through tsx (the engine's loader).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// `ps` then shows `steward dev` rather than the node command line.
process.title = ['steward', process.argv[2]].filter(Boolean).join(' ')

const built = new URL('../dist/main.js', import.meta.url)
let main
if (existsSync(fileURLToPath(built))) {
  ;({ main } = await import(built.href))
} else {
  const { register } = await import('tsx/esm/api')
  register()
  ;({ main } = await import('../src/main.ts'))
}
process.exitCode = await main(process.argv)

// Every command closes what it opened; if something still holds the event loop (a leaked
// connection), exit anyway rather than hang after the work is done.
setTimeout(() => {
  if (process.env.STEWARD_DEBUG === '1') process.stderr.write('steward: something kept the process alive\n')
  process.exit()
}, 2_000).unref()
