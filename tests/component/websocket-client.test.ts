import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectWebSocketDesk } from '../../src-renderer/api/websocket-client';
import { DeskCallError } from '../../src-renderer/api/connection';

/** Just enough of the browser's WebSocket to drive the client: the test plays the server. */
class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  sent: { id: number; command: string; args: unknown }[] = [];
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.onclose?.();
  }
  open() {
    this.onopen?.();
  }
  reply(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

afterEach(() => {
  FakeSocket.all = [];
  vi.useRealTimers();
});

function connect() {
  const client = connectWebSocketDesk('ws://127.0.0.1:1/desk?token=t', { WebSocketImpl: FakeSocket as unknown as typeof WebSocket, retryMinMs: 100, retryMaxMs: 400 });
  const socket = FakeSocket.all.at(-1)!;
  return { client, socket };
}

describe('the WebSocket Desk client', () => {
  it('matches answers to requests by id, whatever their order', async () => {
    const { client, socket } = connect();
    socket.open();
    const a = client.call('setNote', { note: 'a' });
    const b = client.call('stats', {});
    expect(socket.sent.map((m) => m.command)).toEqual(['setNote', 'stats']);
    socket.reply({ id: socket.sent[1]!.id, ok: true, result: { calls: 2 } });
    socket.reply({ id: socket.sent[0]!.id, ok: true, result: { target: 'civic' } });
    await expect(a).resolves.toEqual({ target: 'civic' });
    await expect(b).resolves.toEqual({ calls: 2 });
    client.close();
  });

  it('rejects with the Desk’s error code and message', async () => {
    const { client, socket } = connect();
    socket.open();
    const call = client.call('transfer', { target: 'civic', overrideReason: 'x' });
    socket.reply({ id: socket.sent[0]!.id, ok: false, error: { code: 'bad-request', message: 'transfer: args.overrideReason: an override needs a written reason' } });
    await expect(call).rejects.toMatchObject({ code: 'bad-request', message: expect.stringContaining('overrideReason') });
    client.close();
  });

  it('delivers pushed events to their listeners and ignores garbage', () => {
    const { client, socket } = connect();
    socket.open();
    const seen: unknown[] = [];
    client.on('sync', (s) => seen.push(s));
    socket.onmessage?.({ data: 'not json' });
    socket.reply({ event: 'sync', payload: { online: true } });
    socket.reply({ event: 'stats', payload: {} });
    expect(seen).toEqual([{ online: true }]);
    client.close();
  });

  it('fails calls at once while disconnected, fails the ones in flight, and reconnects with backoff', async () => {
    vi.useFakeTimers();
    const { client, socket } = connect();
    const states: string[] = [];
    client.onConnection((s) => states.push(s));
    await expect(client.call('snapshot', {})).rejects.toBeInstanceOf(DeskCallError);
    socket.open();
    const inFlight = client.call('snapshot', {});
    socket.close();
    await expect(inFlight).rejects.toMatchObject({ code: 'disconnected' });
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.close();
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(3);
    FakeSocket.all[2]!.open();
    expect(states).toEqual(['open', 'closed', 'connecting', 'closed', 'connecting', 'open']);
    client.close();
  });
});
