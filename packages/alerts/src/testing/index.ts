export { signSlackBody } from '../slack/verify-signature.ts'
export { seedPipeline, seedProduct, seedRun, seedRuns } from './seed.ts'
export { type SlackRequest, SlackServer, type Trouble } from './slack-server.ts'
export { waitUntil } from './wait-until.ts'
