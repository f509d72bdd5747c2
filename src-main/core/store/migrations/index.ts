import type { Migration } from './types';
import { migration as m0001 } from './0001-desk';
import { migration as m0002 } from './0002-rules';

export type { Migration } from './types';

/** In version order; each runs in its own transaction. Never edit a released migration: add a new one. */
export const MIGRATIONS: readonly Migration[] = [m0001, m0002];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
