// A small, readable pack for tests of the pack format, the classifier's mechanics and the store.
import type { RulesPack } from '../../../src-main/core/rules/pack';

export function smallPack(overrides: Partial<RulesPack> = {}): RulesPack {
  return {
    format: 'fenliu.rules-pack',
    formatVersion: 1,
    id: 'test-pack',
    version: '1.0.0',
    name: '测试规则包',
    targets: [
      { code: '110', number: '110', name: '公安110' },
      { code: 'civic', number: '12345', name: '政务热线', names: { en: 'Civic hotline' } },
      { code: '119', number: '119', name: '消防' },
      { code: '120', number: '120', name: '急救' },
      { code: '122', number: '122', name: '交警' },
    ],
    categories: [
      { code: 'civic.debt', name: '债务纠纷', names: { 'zh-TW': '債務糾紛', en: 'Debt' } },
      { code: 'civic.consumer', name: '消费维权' },
      { code: 'civic.noise', name: '噪音' },
      { code: '110.theft', name: '盗窃' },
      { code: '110.weapon', name: '持械' },
      { code: '120.medical', name: '急病受伤' },
    ],
    rules: [
      { id: 'debt', category: 'civic.debt', weight: 5, phrases: ['欠钱', '借钱不还', '讨债'] },
      { id: 'consumer', category: 'civic.consumer', weight: 4, phrases: ['退货', '商店'] },
      { id: 'noise', category: 'civic.noise', weight: 3, phrases: ['装修', '吵'] },
      { id: 'theft', category: '110.theft', weight: 3, phrases: ['被偷'] },
    ],
    redFlags: [
      {
        code: 'weapon',
        label: '持械',
        target: '110',
        category: '110.weapon',
        priority: 100,
        phrases: ['菜刀', '棍子'],
        near: [{ a: ['拿着'], b: ['刀'], window: 3 }],
      },
      { code: 'injury', label: '受伤', target: '120', category: '120.medical', priority: 50, phrases: ['受伤', '流血'] },
    ],
    context: [
      { id: 'no-injury', effect: 'cancel', cues: ['没有人', '没'], side: 'before', window: 1, appliesTo: { phrases: ['受伤'] } },
      { id: 'injury-question', effect: 'protect', cues: ['有没有'], side: 'before', window: 2, appliesTo: { redFlags: ['injury'] } },
      {
        id: 'knife-shop',
        effect: 'turn',
        cues: ['买的'],
        side: 'either',
        window: 4,
        appliesTo: { phrases: ['菜刀'] },
        turnTo: { category: 'civic.consumer', weight: 3 },
      },
    ],
    ...overrides,
  };
}
