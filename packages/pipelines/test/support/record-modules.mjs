// Loaded with `node --import`: records every module URL the process resolves (ESM resolution,
// through a hook on the loader thread) to the file named by STEWARD_RECORD_MODULES.
import { register } from 'node:module'

register('./record-modules-hooks.mjs', import.meta.url, {
  data: { out: process.env.STEWARD_RECORD_MODULES },
})
