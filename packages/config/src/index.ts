export { stewardPaths } from './paths.ts'
export {
  defaultEmailFrom,
  defaultPagerdutyUrl,
  minWebhookSecretLength,
  parseReceiverSettings,
  type ReceiverSettings,
} from './receivers.ts'
export { defaultRetention, minUsageEventsDays, type RetentionSettings } from './retention.ts'
export {
  defaultHeartbeatTimeoutMs,
  defaultLostStepRetryDelayMs,
  defaultPort,
  defaultQueuePrefix,
  defaultRedisUrl,
  type Environment,
  minSessionSecretLength,
  minUsageSaltLength,
  parseRedisUrl,
  type QueueKind,
  queueKinds,
  readProductionSettings,
  readSettings,
  type Settings,
  type SettingsErrorCode,
} from './settings.ts'
