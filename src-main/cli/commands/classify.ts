// `fenliu classify`: what the desk would suggest for a note — target, category, red flags with the phrase that
// raised each, matched terms, the deciding rule and the rules version. `--stdin` classifies one note per line.
import { createInterface } from 'node:readline';
import type { Classification } from '../../api/classification';
import type { CliContext, Command } from '../command';
import { UsageError } from '../command';
import { compileClassifier } from '../../core/rules/classifier';
import { openRulesStore } from './rules';

function describe(c: Classification): string {
  const parts = [`${c.target} ${c.targetName}（${c.targetNumber}）`];
  parts.push(c.category ? `类别 ${c.category} ${c.categoryName ?? ''}`.trim() : '类别 无');
  if (c.redFlag) parts.push(`红色警示 ${c.redFlags.map((f) => `${f.code} ${f.label}「${f.phrase}」`).join('、')}`);
  parts.push(`命中 ${c.matched.length ? c.matched.join('、') : '无'}`);
  parts.push(`依据 ${c.decidingRule ?? '无'}`);
  parts.push(`规则 ${c.rulesVersion}`);
  return parts.join('｜');
}

function loadClassifier(ctx: CliContext) {
  const { db, store } = openRulesStore(ctx);
  try {
    return compileClassifier(store.active()!.pack, { targetOverrides: ctx.config.targets, locale: ctx.config.locale });
  } finally {
    db.close();
  }
}

export const command: Command = {
  name: 'classify',
  summary: 'classify a note with the active rules (target, category, red flags, matched terms); --stdin: one note per line',
  usage: 'fenliu classify [--json] TEXT | fenliu classify --stdin [--json]',
  options: { stdin: { type: 'boolean', default: false } },
  async run(ctx) {
    const fromStdin = ctx.values.stdin === true;
    if (fromStdin && ctx.positionals.length > 0) throw new UsageError('give TEXT or --stdin, not both');
    if (!fromStdin && ctx.positionals.length === 0) throw new UsageError(`TEXT is required (usage: ${this.usage})`);
    const classifier = loadClassifier(ctx);
    const print = (c: Classification) => ctx.out(ctx.json ? JSON.stringify(c) : describe(c));
    if (!fromStdin) {
      print(classifier.classify(ctx.positionals.join(' ')));
      return 0;
    }
    // One result per input line, same order; an empty line is classified too so that lines stay aligned.
    const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) print(classifier.classify(line));
    return 0;
  },
};
