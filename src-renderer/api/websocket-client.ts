// The Desk API over the browser desk's WebSocket (src-main/host). Requests carry an id and are answered in order;
// events are pushed. A lost connection is retried with backoff; calls made while it is down fail at once rather
// than fire later (a transfer must never go out long after the key was pressed).
import type {
  DeskCommandArgs,
  DeskCommandName,
  DeskCommandResults,
  DeskEventName,
  DeskEvents,
} from '../../src-main/api/contract';
import { DeskCallError, type ConnectionState, type DeskConnection } from './connection';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export interface WebSocketDeskOptions {
  /** Injected in tests; the browser's WebSocket otherwise. */
  WebSocketImpl?: typeof WebSocket;
  retryMinMs?: number;
  retryMaxMs?: number;
}

export function connectWebSocketDesk(url: string, options: WebSocketDeskOptions = {}): DeskConnection & { close(): void } {
  const Impl = options.WebSocketImpl ?? WebSocket;
  const retryMin = options.retryMinMs ?? 300;
  const retryMax = options.retryMaxMs ?? 5000;
  const pending = new Map<number, Pending>();
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let nextId = 1;
  let retryMs = retryMin;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  const setState = (next: ConnectionState) => {
    if (state === next) return;
    state = next;
    for (const listener of connectionListeners) listener(next);
  };

  const failPending = (message: string) => {
    for (const p of pending.values()) p.reject(new DeskCallError('disconnected', message));
    pending.clear();
  };

  const onMessage = (data: unknown) => {
    if (typeof data !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const m = message as Record<string, unknown>;
    if (typeof m.event === 'string') {
      for (const listener of eventListeners.get(m.event) ?? []) {
        try {
          listener(m.payload);
        } catch (error) {
          // One component's bug must not keep the event from the others.
          console.error(`fenliu: a "${m.event}" listener failed`, error);
        }
      }
      return;
    }
    if (typeof m.id !== 'number') return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok === true) p.resolve(m.result);
    else {
      const error = (m.error ?? {}) as { code?: string; message?: string };
      p.reject(new DeskCallError(error.code === 'bad-request' ? 'bad-request' : 'failed', error.message ?? 'the desk gave no reason'));
    }
  };

  const open = () => {
    if (stopped) return;
    setState('connecting');
    const ws = new Impl(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = retryMin;
      setState('open');
    };
    ws.onmessage = (event) => onMessage(event.data);
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      failPending('与分流台的连接已断开');
      setState('closed');
      if (stopped) return;
      retryTimer = setTimeout(open, retryMs);
      retryMs = Math.min(retryMax, retryMs * 2);
    };
    // An error is always followed by close, which does the bookkeeping.
    ws.onerror = () => undefined;
  };

  open();

  return {
    state: () => state,
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    call<N extends DeskCommandName>(command: N, args: DeskCommandArgs<N>): Promise<DeskCommandResults[N]> {
      const ws = socket;
      if (!ws || state !== 'open') return Promise.reject(new DeskCallError('disconnected', '与分流台的连接已断开'));
      const id = nextId++;
      return new Promise<DeskCommandResults[N]>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ id, command, args }));
      });
    },
    on<E extends DeskEventName>(event: E, listener: (payload: DeskEvents[E]) => void): () => void {
      const set = eventListeners.get(event) ?? new Set();
      eventListeners.set(event, set);
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
    close() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      socket?.close();
      socket = null;
      failPending('closed');
    },
  };
}
