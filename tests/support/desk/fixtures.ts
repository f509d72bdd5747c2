// Helpers for core tests: a temp data dir with a real SQLite file, and a Classification maker.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Classification, TargetCode } from '../../../src-main/api/contract';

export function tempDir(prefix = 'fenliu-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function classification(target: TargetCode, extra: Partial<Classification> = {}): Classification {
  return {
    target,
    targetNumber: { '110': '110', civic: '12345', '119': '119', '120': '120', '122': '122' }[target],
    targetName: target,
    category: target === '110' ? null : `${target}.test`,
    categoryName: null,
    redFlag: false,
    redFlags: [],
    matched: [],
    decidingRule: null,
    rulesVersion: 'test-1',
    ...extra,
  };
}
