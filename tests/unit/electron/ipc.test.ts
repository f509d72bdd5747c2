// The IPC bridge against a real Desk on a real SQLite file: what the screen sends through `desk:call` reaches the
// database only when it comes from the desk window and parses with the Desk API's schemas.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeskEventMessage, DeskResponse } from '../../../src-main/api/contract';
import { deskConfigSchema } from '../../../src-main/core/config/schema';
import { Desk } from '../../../src-main/core/desk';
import { openDatabase, type Db } from '../../../src-main/core/store/database';
import { createIpcHandler, createSenderCheck, forwardDeskEvents, type IpcSenderEvent } from '../../../src-main/electron/ipc';
import { createPreloadClient, DeskCallError } from '../../../src-main/electron/preload-client';
import { DESK_URL } from '../../../src-main/electron/security';
import { fakeRules } from '../../support/desk/fake-rules';
import { tempDir } from '../../support/desk/fixtures';

let dir: string;
let db: Db;
let desk: Desk;
const windowContents = { id: 1 };
const trusted: IpcSenderEvent = { sender: windowContents, senderFrame: { url: DESK_URL, parent: null } };

beforeEach(() => {
  dir = tempDir('fenliu-ipc-');
  db = openDatabase(join(dir, 'fenliu.db'));
  desk = new Desk({ db, config: deskConfigSchema.parse({ undoWindowMs: 0 }), rules: fakeRules() });
});
afterEach(async () => {
  await desk.close();
  rmSync(dir, { recursive: true, force: true });
});

const transferRows = () => db.prepare('SELECT target, note, trigger FROM transfers').all();

describe('sender check', () => {
  const check = createSenderCheck(() => windowContents);

  it('trusts only the desk window’s top frame showing a fenliu://desk page', () => {
    expect(check(trusted)).toBe(true);
    expect(check({ sender: { id: 2 }, senderFrame: { url: DESK_URL, parent: null } })).toBe(false);
    expect(check({ sender: windowContents, senderFrame: { url: DESK_URL, parent: {} } })).toBe(false);
    expect(check({ sender: windowContents, senderFrame: { url: 'https://evil.example/index.html', parent: null } })).toBe(false);
    expect(check({ sender: windowContents, senderFrame: { url: 'file:///C:/dist-renderer/index.html', parent: null } })).toBe(false);
    expect(check({ sender: windowContents, senderFrame: null })).toBe(false);
  });

  it('trusts nothing once the window is gone', () => {
    expect(createSenderCheck(() => null)(trusted)).toBe(false);
  });
});

describe('desk:call handler', () => {
  it('a transfer sent by the screen is committed to the database', async () => {
    const handle = createIpcHandler(desk, () => true);
    await handle(trusted, { id: 1, command: 'setNote', args: { note: '隔壁装修太吵，米粉店噪音' } });
    const response = await handle(trusted, { id: 2, command: 'transfer', args: {} });
    expect(response).toMatchObject({ id: 2, ok: true, result: { kind: 'transferred', transfer: { target: 'civic', trigger: 'screen' } } });
    expect(transferRows()).toEqual([{ target: 'civic', note: '隔壁装修太吵，米粉店噪音', trigger: 'screen' }]);
  });

  it('refuses a message from another sender without running the command', async () => {
    const execute = vi.spyOn(desk, 'execute');
    const handle = createIpcHandler(desk, createSenderCheck(() => windowContents));
    const response = await handle({ sender: { id: 9 }, senderFrame: { url: DESK_URL, parent: null } }, { id: 5, command: 'transfer', args: {} });
    expect(response).toEqual({ id: 5, ok: false, error: { code: 'bad-request', message: 'refused: the message did not come from the desk window' } });
    expect(execute).not.toHaveBeenCalled();
    expect(transferRows()).toEqual([]);
  });

  it.each([
    ['not an object', 'transfer', /bad request: message: /],
    ['a missing id', { command: 'snapshot', args: {} }, /bad request: message\.id: /],
    ['a negative id', { id: -1, command: 'snapshot', args: {} }, /bad request: message\.id: /],
    ['an unknown command', { id: 1, command: 'dropTable', args: {} }, /bad request: message\.command: /],
    ['an extra field', { id: 1, command: 'snapshot', args: {}, admin: true }, /bad request: message: .*admin/],
    ['a bad target', { id: 1, command: 'transfer', args: { target: 'fire' } }, /bad request: transfer: args\.target: /],
    ['a one-letter override reason', { id: 1, command: 'transfer', args: { overrideReason: 'x' } }, /bad request: transfer: args\.overrideReason: an override needs a written reason/],
    ['an unknown argument', { id: 1, command: 'setNote', args: { note: 'a', sql: 'drop' } }, /bad request: setNote: args: .*sql/],
    ['a note too long', { id: 1, command: 'setNote', args: { note: 'x'.repeat(4001) } }, /bad request: setNote: args\.note: a note is at most 4000 characters/],
  ])('refuses %s with a message naming what is wrong', async (_what, message, pattern) => {
    const execute = vi.spyOn(desk, 'execute');
    const warn = vi.fn();
    const response = await createIpcHandler(desk, () => true, { log: { warn } })(trusted, message);
    expect(response.ok).toBe(false);
    expect((response as DeskResponse & { ok: false }).error.code).toBe('bad-request');
    expect((response as DeskResponse & { ok: false }).error.message).toMatch(pattern);
    expect(execute).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalled();
  });

  it('answers a failing command with its message instead of throwing into Electron', async () => {
    const response = await createIpcHandler(desk, () => true)(trusted, { id: 3, command: 'acknowledgeReturned', args: { transferId: 'nope' } });
    expect(response).toEqual({ id: 3, ok: false, error: { code: 'failed', message: 'no transfer nope' } });
  });

  it('refuses new commands once shutdown began', async () => {
    const response = await createIpcHandler(desk, () => true, { isClosing: () => true })(trusted, { id: 4, command: 'transfer', args: {} });
    expect(response).toEqual({ id: 4, ok: false, error: { code: 'failed', message: 'the desk is closing' } });
  });
});

describe('events to the page', () => {
  it('forwards Desk events as desk:event messages until unsubscribed', async () => {
    const sent: DeskEventMessage[] = [];
    const stop = forwardDeskEvents(desk, (m) => sent.push(m));
    desk.setNote({ note: '米粉' });
    desk.transfer({ trigger: 'screen' });
    await new Promise((resolve) => setImmediate(resolve)); // the list refresh follows the press
    expect(sent.map((m) => m.event)).toEqual(expect.arrayContaining(['classification', 'transferCommitted', 'transfers']));
    stop();
    const count = sent.length;
    desk.setNote({ note: 'again' });
    expect(sent.length).toBe(count);
  });
});

describe('window.fenliu (preload client) over the handler', () => {
  function wire() {
    const handle = createIpcHandler(desk, createSenderCheck(() => windowContents));
    let eventListener: ((event: unknown, message: unknown) => void) | undefined;
    const client = createPreloadClient({
      invoke: (_channel, message) => handle(trusted, message),
      on: (_channel, listener) => (eventListener = listener),
    });
    forwardDeskEvents(desk, (m) => eventListener?.({}, m));
    return client;
  }

  it('transfers through call() and hears transferCommitted through on()', async () => {
    const client = wire();
    const committed: string[] = [];
    const off = client.on('transferCommitted', (p) => committed.push(p.transfer.id));
    await client.call('setNote', { note: '欠钱不还' });
    const result = await client.call('transfer', { trigger: 'keyboard' });
    expect(result.kind).toBe('transferred');
    expect(committed).toHaveLength(1);
    expect(transferRows()).toEqual([{ target: 'civic', note: '欠钱不还', trigger: 'keyboard' }]);
    off();
    await client.call('setNote', { note: '米粉' });
    await client.call('transfer', {});
    expect(committed).toHaveLength(1);
  });

  it('rejects with the main process’s message when a command is refused', async () => {
    const client = wire();
    await expect(client.call('transfer', { target: 'fire' as never })).rejects.toThrow(DeskCallError);
    await expect(client.call('transfer', { target: 'fire' as never })).rejects.toThrow(/args\.target/);
  });
});
