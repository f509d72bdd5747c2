// What the screen needs from its transport: the Desk API client plus whether it is connected right now.
import type { DeskClient } from '../../src-main/api/contract';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface DeskConnection extends DeskClient {
  state(): ConnectionState;
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

/** A command the Desk refused or that failed; `code` is the wire error code. */
export class DeskCallError extends Error {
  constructor(
    readonly code: 'bad-request' | 'failed' | 'disconnected',
    message: string,
  ) {
    super(message);
    this.name = 'DeskCallError';
  }
}
