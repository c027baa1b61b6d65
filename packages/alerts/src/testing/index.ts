export { signSlackBody } from '../slack/verify-signature.ts'
export {
  HttpStandIn,
  type RecordedRequest,
  type ScriptedAnswer,
  startPagerDutyStandIn,
} from './http-stand-in.ts'
export { seedPipeline, seedProduct, seedRun, seedRuns } from './seed.ts'
export { type SlackRequest, SlackServer, type Trouble } from './slack-server.ts'
export { type ReceivedMail, SmtpStandIn } from './smtp-stand-in.ts'
export { waitUntil } from './wait-until.ts'
