/** Codes of the failures raised by @steward/queue. */
export type QueueErrorCode = 'REDIS_EVICTION_POLICY'
