export { type SlackRequest, SlackServer, type Trouble } from './slack-server.ts'
export { signSlackBody } from '../slack/verify-signature.ts'
