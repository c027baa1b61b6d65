#!/usr/bin/env node
// The `steward` command. tsx is registered for the whole process so the CLI runs from its
// TypeScript source with no build step, and so user files (steward.config.ts) load the same way.
import { register } from 'tsx/esm/api'

// `ps` then shows `steward dev` rather than the node command line.
process.title = ['steward', process.argv[2]].filter(Boolean).join(' ')
register()

const { main } = await import('../src/main.ts')
process.exitCode = await main(process.argv)

// Every command closes what it opened; if something still holds the event loop (a leaked
// connection), exit anyway rather than hang after the work is done.
setTimeout(() => {
  if (process.env.STEWARD_DEBUG === '1') process.stderr.write('steward: something kept the process alive\n')
  process.exit()
}, 2_000).unref()
