// Desk ⇄ ipcMain. Every message is checked twice before the Desk sees it: it must come from the desk window's
// own page (sender check), and it must parse with the Desk API's zod schemas (deskRequestSchema, then the
// command's own argument schema). A refused message gets an answer that says what was wrong; it never throws
// inside Electron's IPC (whose wrapping hides the message).
import type { z } from 'zod';
import {
  deskCommandSchemas,
  deskRequestSchema,
  type DeskCommandName,
  type DeskEventMessage,
  type DeskEventName,
  type DeskResponse,
} from '../api/contract';
import type { Desk } from '../core/desk';
import { isDeskUrl } from './security';

export { DESK_CALL_CHANNEL, DESK_EVENT_CHANNEL } from './preload-client';

/** What the IPC bridge needs of the Desk. */
export type DeskPort = Pick<Desk, 'execute' | 'onAny'>;

/** The parts of Electron's IpcMainInvokeEvent the sender check reads. */
export interface IpcSenderEvent {
  sender: unknown;
  senderFrame: { url: string; parent: unknown } | null;
}

/**
 * A message is trusted when it comes from the desk window's webContents, from its top frame, and that frame shows a
 * fenliu://desk/ page. `currentContents` is read at each message (the window may be re-created).
 */
export function createSenderCheck(currentContents: () => unknown): (event: IpcSenderEvent) => boolean {
  return (event) => {
    const contents = currentContents();
    if (contents === null || contents === undefined || event.sender !== contents) return false;
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null) return false;
    return isDeskUrl(frame.url);
  };
}

export interface IpcLog {
  warn(obj: object, msg: string): void;
}

function describeIssue(where: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return `${where}: invalid`;
  const path = issue.path.length ? `${where}.${issue.path.map(String).join('.')}` : where;
  return `${path}: ${issue.message}`;
}

function requestId(message: unknown): number {
  const id = (message as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : -1;
}

export interface IpcHandlerOptions {
  log?: IpcLog;
  /** True once shutdown began: commands are then refused rather than started against a closing database. */
  isClosing?: () => boolean;
}

/** The `desk:call` handler: (event, message) → DeskResponse. */
export function createIpcHandler(
  desk: DeskPort,
  isTrustedSender: (event: IpcSenderEvent) => boolean,
  options: IpcHandlerOptions = {},
): (event: IpcSenderEvent, message: unknown) => Promise<DeskResponse> {
  const refuse = (id: number, message: string): DeskResponse => ({ id, ok: false, error: { code: 'bad-request', message } });
  return async (event, message) => {
    if (!isTrustedSender(event)) {
      options.log?.warn({ url: event.senderFrame?.url ?? null }, 'IPC message refused: not from the desk window');
      return refuse(requestId(message), 'refused: the message did not come from the desk window');
    }
    const request = deskRequestSchema.safeParse(message);
    if (!request.success) {
      const text = `bad request: ${describeIssue('message', request.error)}`;
      options.log?.warn({ problem: text }, 'IPC message refused');
      return refuse(requestId(message), text);
    }
    const { id, command } = request.data;
    const schema = deskCommandSchemas[command] as z.ZodType;
    const args = schema.safeParse(request.data.args);
    if (!args.success) {
      const text = `bad request: ${command}: ${describeIssue('args', args.error)}`;
      options.log?.warn({ command, problem: text }, 'IPC message refused');
      return refuse(id, text);
    }
    if (options.isClosing?.()) return { id, ok: false, error: { code: 'failed', message: 'the desk is closing' } };
    try {
      const result = await desk.execute(command as DeskCommandName, args.data as never);
      return { id, ok: true, result };
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      options.log?.warn({ command, err: error }, 'desk command failed');
      return { id, ok: false, error: { code: 'failed', message: text } };
    }
  };
}

/** Pushes every Desk event to the page; returns the unsubscribe. */
export function forwardDeskEvents(desk: DeskPort, send: (message: DeskEventMessage) => void): () => void {
  return desk.onAny((event, payload) => send({ event: event as DeskEventName, payload }));
}
