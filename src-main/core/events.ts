import { EventEmitter } from 'node:events';

type AnyListener<Events> = (event: keyof Events & string, payload: unknown) => void;

/** A node EventEmitter with typed event names and payloads, plus `onAny` for transports (IPC, WebSocket). */
export class TypedEmitter<Events extends object> {
  private readonly emitter = new EventEmitter().setMaxListeners(100);
  private readonly anyListeners = new Set<AnyListener<Events>>();

  on<E extends keyof Events & string>(event: E, listener: (payload: Events[E]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  onAny(listener: AnyListener<Events>): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  protected emit<E extends keyof Events & string>(event: E, payload: Events[E]): void {
    this.emitter.emit(event, payload);
    for (const listener of this.anyListeners) listener(event, payload);
  }
}
