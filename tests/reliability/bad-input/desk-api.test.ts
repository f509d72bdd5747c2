// Bad Desk API messages, property-based, through both transports a screen speaks: the WebSocket host (text
// frames, also over a real socket) and the Electron IPC handler (structured-clone values). Whatever arrives:
// an answer with the request's id, a clear error for what is refused, no crash, no hang, and a refused message
// changes nothing — neither the database nor the call on the card.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { DeskResponse } from '../../../src-main/api/contract';
import { deskCommandSchemas } from '../../../src-main/api/contract';
import { Desk } from '../../../src-main/core/desk';
import { deskConfigSchema } from '../../../src-main/core/config/schema';
import { openDatabase, type Db } from '../../../src-main/core/store/database';
import { verifyAudit } from '../../../src-main/core/store/audit';
import { handleDeskMessage, startBrowserDesk, type BrowserDesk } from '../../../src-main/host/browser-desk';
import { createIpcHandler } from '../../../src-main/electron/ipc';
import { fakeRules } from '../../support/desk/fake-rules';
import { tempDir } from '../../support/desk/fixtures';
import { mutationsOf, oddJson, type Json } from '../../support/faults/mutate';

let db: Db;
let desk: Desk;

beforeAll(() => {
  db = openDatabase(join(tempDir('fenliu-api-fuzz-'), 'fenliu.db'));
  desk = new Desk({ db, config: deskConfigSchema.parse({ undoWindowMs: 0 }), rules: fakeRules() });
});
afterAll(async () => {
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(verifyAudit(db).ok).toBe(true);
  await desk.close();
});

/** A valid argument for every command: the seed the mutations start from. */
const VALID_ARGS: Record<keyof typeof deskCommandSchemas, Json> = {
  snapshot: {},
  newCall: { callerNumber: '13800000000' },
  setNote: { note: '报警人称想吃米粉' },
  setCallerNumber: { callerNumber: null },
  transfer: { target: 'civic', trigger: 'screen' },
  undo: {},
  closeCall: { disposition: 'kept' },
  listTransfers: { status: 'queued' },
  acknowledgeReturned: { transferId: 'no-such-transfer' },
  acknowledgeInbox: { id: 'no-such-item' },
  stats: { since: '2026-01-01' },
  learnKey: { action: 'transfer' },
  cancelLearn: {},
  setLocale: { locale: 'en' },
  syncNow: {},
};
const COMMANDS = Object.keys(VALID_ARGS);

/** Requests near the valid ones (one spot changed), plus wholly random values. */
const request: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...COMMANDS).chain((command) => mutationsOf({ id: 7, command, args: VALID_ARGS[command as keyof typeof VALID_ARGS] })) },
  { weight: 1, arbitrary: fc.record({ id: oddJson, command: fc.oneof(fc.constantFrom(...COMMANDS), fc.string()), args: oddJson }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: oddJson },
);

/** What must not change when a message is refused: the rows and the call on the card. */
function fingerprint(): string {
  const counts = db
    .prepare('SELECT (SELECT count(*) FROM transfers) AS t, (SELECT count(*) FROM calls) AS c, (SELECT count(*) FROM outbox) AS o, (SELECT max(seq) FROM audit_log) AS a, (SELECT group_concat(status) FROM transfers) AS s')
    .get();
  return JSON.stringify([counts, desk.snapshot().call]);
}

function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))]);
}

function checkAnswer(response: DeskResponse, sentId: unknown): void {
  expect(typeof response.ok).toBe('boolean');
  const validId = typeof sentId === 'number' && Number.isInteger(sentId) && sentId >= 0;
  expect(response.id).toBe(validId ? sentId : -1);
  if (!response.ok) {
    expect(['bad-request', 'failed']).toContain(response.error.code);
    expect(response.error.message.length).toBeGreaterThan(0);
    expect(response.error.message).not.toMatch(/\n\s+at /); // no stack trace
  }
}

interface Tally {
  refused: number;
  ran: number;
}

async function property(send: (message: Json) => Promise<DeskResponse>, tally: Tally, numRuns: number, seed: number, messages = request): Promise<void> {
  await fc.assert(
    fc.asyncProperty(messages, async (message) => {
      const before = fingerprint();
      const response = await within(2000, send(message));
      checkAnswer(response, (message as { id?: unknown } | null)?.id);
      if (!response.ok && response.error.code === 'bad-request') {
        tally.refused += 1;
        expect(fingerprint(), 'a refused message changed nothing').toBe(before);
      } else tally.ran += 1;
      // Whatever it says it transferred is stored.
      const result = response.ok ? (response.result as { kind?: string; transfer?: { id: string } }) : null;
      if (result?.kind === 'transferred') expect(db.prepare('SELECT 1 FROM transfers WHERE id = ?').get(result.transfer!.id)).toBeDefined();
    }),
    { numRuns, seed },
  );
}

describe('Desk API messages, property-based', () => {
  it('the WebSocket host: any text frame gets an answer; refused ones change nothing', async () => {
    const tally: Tally = { refused: 0, ran: 0 };
    const text = fc.oneof(
      { weight: 8, arbitrary: request.map((m) => JSON.stringify(m)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
      { weight: 1, arbitrary: fc.constantFrom('', '{', 'null', '[]', '{"id":1}', '{"id":1,"command":"transfer","args":{"__proto__":{"target":"civic"}}}') },
    );
    await fc.assert(
      fc.asyncProperty(text, async (frame) => {
        const before = fingerprint();
        const response = await within(2000, handleDeskMessage(desk, frame));
        let sentId: unknown;
        try {
          sentId = (JSON.parse(frame) as { id?: unknown } | null)?.id;
        } catch {
          sentId = undefined;
        }
        checkAnswer(response, sentId);
        if (!response.ok && response.error.code === 'bad-request') {
          tally.refused += 1;
          expect(fingerprint()).toBe(before);
        } else tally.ran += 1;
      }),
      { numRuns: 400, seed: 21 },
    );
    expect(tally.refused).toBeGreaterThan(200);
    expect(tally.ran).toBeGreaterThan(10);
  });

  it('the Electron IPC handler: any structured-clone value gets an answer; refused ones change nothing', async () => {
    const handler = createIpcHandler(desk, () => true);
    const event = { sender: null, senderFrame: null };
    const tally: Tally = { refused: 0, ran: 0 };
    const odd = fc.constantFrom<unknown>(undefined, new Date(0), new Map([['id', 1]]), new Uint8Array([1, 2]), 10n, [[[]]], { id: 1, command: 'snapshot', args: new Map() });
    await property((m) => handler(event, m), tally, 300, 22);
    await property((m) => handler(event, m), tally, 20, 23, odd as fc.Arbitrary<Json>);
    expect(tally.refused).toBeGreaterThan(150);
    expect(tally.ran).toBeGreaterThan(10);
  });

  describe('over a real socket', () => {
    let host: BrowserDesk;
    beforeAll(async () => {
      host = await startBrowserDesk({ desk, staticDir: tempDir('fenliu-static-') });
    });
    afterAll(() => host.close());

    it('a stream of random frames: one answer per frame, in order, and the socket stays open', async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/desk?token=${host.token}`, { origin: `http://127.0.0.1:${host.port}` });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const answers: DeskResponse[] = [];
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString()) as DeskResponse | { event: string };
        if (!('event' in message)) answers.push(message);
      });
      const frames = fc.sample(request.map((m) => JSON.stringify(m)), { numRuns: 150, seed: 24 });
      for (const frame of frames) ws.send(frame);
      await within(10_000, new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (answers.length >= frames.length) {
            clearInterval(check);
            resolve();
          }
        }, 10);
      }));
      expect(answers).toHaveLength(frames.length);
      expect(ws.readyState).toBe(WebSocket.OPEN);
      // Still a working desk afterwards.
      ws.send(JSON.stringify({ id: 99_999, command: 'snapshot', args: {} }));
      await within(2000, new Promise<void>((resolve) => ws.on('message', (d) => JSON.parse(d.toString()).id === 99_999 && resolve())));
      ws.close();
    });
  });
});
