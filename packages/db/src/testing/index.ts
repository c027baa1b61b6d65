export { freePort } from './free-port.ts'
export { type TestBackend, type TestDatabase, testBackends, testPostgresUrl } from './test-databases.ts'
