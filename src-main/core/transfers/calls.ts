import type { Db } from '../store/database';

export interface CallRow {
  id: string;
  started_at: string;
  caller_number: string | null;
  note: string;
  classification: string | null;
  disposition: 'transferred' | 'kept' | 'invalid' | null;
  disposition_at: string | null;
}

export class CallRepository {
  constructor(private readonly db: Db) {}

  byId(id: string): CallRow | undefined {
    return this.db.prepare('SELECT * FROM calls WHERE id = ?').get(id) as CallRow | undefined;
  }

  /** Writes the call as the desk knows it now; the disposition is set separately. */
  upsert(call: Pick<CallRow, 'id' | 'started_at' | 'caller_number' | 'note' | 'classification'>): void {
    this.db
      .prepare(
        `INSERT INTO calls (id, started_at, caller_number, note, classification)
         VALUES (@id, @started_at, @caller_number, @note, @classification)
         ON CONFLICT(id) DO UPDATE SET caller_number = excluded.caller_number, note = excluded.note,
           classification = excluded.classification`,
      )
      .run(call);
  }

  setDisposition(id: string, disposition: CallRow['disposition'], at: string | null): void {
    this.db.prepare('UPDATE calls SET disposition = ?, disposition_at = ? WHERE id = ?').run(disposition, at, id);
  }
}
