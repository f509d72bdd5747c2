// A tiny stand-in classifier for tests of the Desk's own logic (undo, dedupe, overrides, storage). The real
// classifier has its own tests; integration tests go through it.
import type { RulesProvider } from '../../../src-main/core/desk';
import type { Classification } from '../../../src-main/api/contract';
import { classification } from './fixtures';

export function fakeRules(): RulesProvider {
  return {
    classify(note: string): Classification {
      if (note.includes('刀')) {
        return classification('110', { redFlag: true, redFlags: [{ code: 'weapon', label: '持械', phrase: '刀' }], category: '110.weapon' });
      }
      if (note.includes('着火')) return classification('119', { redFlag: true, redFlags: [{ code: 'fire', label: '火情', phrase: '着火' }] });
      if (note.includes('米粉') || note.includes('欠钱')) return classification('civic', { matched: ['米粉'] });
      return classification('110');
    },
    info: () => ({ version: 'test-1', signer: null, installedAt: '2026-01-01T00:00:00+08:00', counts: { targets: 5, categories: 1, rules: 1, redFlags: 1 } }),
    targets: () => [
      { code: '110', number: '110', name: '公安110' },
      { code: 'civic', number: '24365', name: '24365市民服务平台' },
      { code: '119', number: '119', name: '消防119' },
      { code: '120', number: '120', name: '急救120' },
      { code: '122', number: '122', name: '交警122' },
    ],
  };
}
