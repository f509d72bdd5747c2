// The upstream sync (issue 5). Wiring, in the composition root:
//   const engine = createSyncEngine({ db, config, log, installRulesPack: (json, etag) => rulesStore.installFromUpstream(json, etag) });
//   desk.attachSync(engine); engine.start();      // desk.close() calls engine.stop()
// With no upstream URL configured the engine reports `configured: false` and never touches the network.
import { SyncEngine, type SyncEngineOptions } from './engine';

export { SyncEngine, MAX_BATCH_BYTES, MAX_BATCH_RECORDS, CREDENTIALS_RETRY_MS } from './engine';
export type { SyncEngineOptions, SyncReport, SyncLog, SyncTimers } from './engine';
export type { Transport, TransportRequest, TransportResponse } from './transport';
export { TransportError, createHttpTransport } from './transport';
export { CREDENTIALS_REFUSED } from './client';

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  return new SyncEngine(options);
}
