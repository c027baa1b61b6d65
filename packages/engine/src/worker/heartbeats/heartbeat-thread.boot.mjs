// A worker thread starts with no TypeScript loader, whatever its process registered: give it
// tsx's, then run the thread's TypeScript body.
import { register } from 'tsx/esm/api'

register()
await import('./heartbeat-thread.ts')
