// What the desk accepts from the upstream (shared/upstream-api.md). Envelopes are checked strictly; list items
// one by one, so a single odd update cannot wedge the cursor on its page forever.
import { z } from 'zod';
import { parseRfc3339 } from '../store/time';

const timestamp = z.string().max(64).refine((s) => Number.isFinite(parseRfc3339(s)), 'not an RFC 3339 timestamp with an offset');
const id = z.string().min(1).max(128);
const cursor = z.string().max(1024);

export const pushResultSchema = z.object({
  id,
  status: z.enum(['created', 'duplicate', 'invalid']),
  error: z.string().max(4000).optional(),
});
export const pushResponseSchema = z.object({ results: z.array(pushResultSchema).max(10_000) });
export type PushResult = z.infer<typeof pushResultSchema>;

export const statusUpdateSchema = z.object({
  transferId: id,
  status: z.enum(['received', 'accepted', 'resolved', 'returned']),
  at: timestamp,
  by: z.string().max(200).nullish(),
  dueAt: timestamp.nullish(),
  comment: z.string().max(4000).nullish(),
});
export type StatusUpdate = z.infer<typeof statusUpdateSchema>;

/** Pages: the envelope is strict, the items are checked one by one by the caller. */
export const updatesPageSchema = z.object({ updates: z.array(z.unknown()).max(10_000), next: cursor });
export const inboxPageSchema = z.object({ items: z.array(z.unknown()).max(10_000), next: cursor });

export const inboxItemSchema = z.object({
  id,
  from: z.string().min(1).max(64),
  receivedAt: timestamp,
  callerNumber: z.string().max(64).nullish(),
  summary: z.string().max(8000),
  category: z.string().max(128).nullish(),
});
export type UpstreamInboxItem = z.infer<typeof inboxItemSchema>;

export const healthSchema = z.object({ ok: z.literal(true) });

/** `path: message` of the first issue, for an error that names what was wrong. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.length ? issue.path.map(String).join('.') : '(body)';
  return `${path}: ${issue.message}`;
}
