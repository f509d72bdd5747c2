// The DeskClient the preload gives the page as `window.fenliu`. Bundled into the sandboxed preload, so it imports
// nothing at run time (types only): the main process validates every message anyway.
import type { DeskClient, DeskCommandName, DeskEventMessage, DeskEventName, DeskResponse } from '../api/contract';

export const DESK_CALL_CHANNEL = 'desk:call';
export const DESK_EVENT_CHANNEL = 'desk:event';

/** The parts of Electron's ipcRenderer the client uses. */
export interface IpcRendererPort {
  invoke(channel: string, message: unknown): Promise<unknown>;
  on(channel: string, listener: (event: unknown, message: unknown) => void): unknown;
}

/** A refused or failed command, rejected to the page with the main process's message. */
export class DeskCallError extends Error {
  constructor(
    message: string,
    readonly code: 'bad-request' | 'failed',
  ) {
    super(message);
    this.name = 'DeskCallError';
  }
}

export function createPreloadClient(ipc: IpcRendererPort): DeskClient {
  let nextId = 1;
  const listeners = new Map<DeskEventName, Set<(payload: unknown) => void>>();
  ipc.on(DESK_EVENT_CHANNEL, (_event, message) => {
    const { event, payload } = (message ?? {}) as Partial<DeskEventMessage>;
    if (typeof event !== 'string') return;
    for (const listener of listeners.get(event) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        // One screen component's bug must not stop the others from getting the event.
        console.error(`fenliu: a "${event}" listener failed`, error);
      }
    }
  });
  return {
    async call(command: DeskCommandName, args: unknown) {
      const id = nextId;
      nextId += 1;
      const response = (await ipc.invoke(DESK_CALL_CHANNEL, { id, command, args: args ?? {} })) as DeskResponse;
      if (response.ok) return response.result as never;
      throw new DeskCallError(response.error.message, response.error.code);
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      const entry = listener as (payload: unknown) => void;
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
  };
}
