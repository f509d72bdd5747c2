// `fenliu rules test`: measures a classifier on labelled notes (the samples' JSONL format) — red-flag recall
// and precision, target accuracy, a confusion table and every miss — the supervisor's tool for tuning a pack.
import { z } from 'zod';
import type { Classification, TargetCode } from '../../api/classification';

const TARGETS = ['110', 'civic', '119', '120', '122'] as const;

export const labelledNoteSchema = z.strictObject({
  note: z.string(),
  /** Every acceptable target; the first is the expected one in the confusion table. */
  targets: z.array(z.enum(TARGETS)).min(1),
  redFlag: z.boolean(),
});
export type LabelledNote = z.infer<typeof labelledNoteSchema>;

export class LabelledNotesError extends Error {}

/** Parses JSONL text; blank lines are skipped, a bad line is refused with its number. */
export function parseLabelledNotes(text: string, where: string): { line: number; note: LabelledNote }[] {
  const out: { line: number; note: LabelledNote }[] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new LabelledNotesError(`${where}:${i + 1}: not valid JSON (${(error as Error).message})`);
    }
    const parsed = labelledNoteSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.length ? issue.path.map(String).join('.') : '(line)';
      throw new LabelledNotesError(`${where}:${i + 1}: ${field}: ${issue.message}`);
    }
    out.push({ line: i + 1, note: parsed.data });
  });
  return out;
}

export type MissKind = 'red flag missed' | 'false red flag' | 'wrong target';

export interface Miss {
  line: number;
  kinds: MissKind[];
  note: string;
  expected: { targets: TargetCode[]; redFlag: boolean };
  got: Pick<Classification, 'target' | 'category' | 'redFlag' | 'matched' | 'decidingRule'> & { redFlags: string[] };
}

export interface Evaluation {
  notes: number;
  redFlags: { expected: number; raised: number; caught: number; recall: number; precision: number };
  targetAccuracy: number;
  /** confusion[expected first target][classified target] = count */
  confusion: Record<TargetCode, Record<TargetCode, number>>;
  misses: Miss[];
}

export function evaluate(classify: (note: string) => Classification, notes: { line: number; note: LabelledNote }[]): Evaluation {
  const confusion = Object.fromEntries(
    TARGETS.map((e) => [e, Object.fromEntries(TARGETS.map((g) => [g, 0]))]),
  ) as Evaluation['confusion'];
  let expected = 0;
  let raised = 0;
  let caught = 0;
  let targetsRight = 0;
  const misses: Miss[] = [];
  for (const { line, note } of notes) {
    const c = classify(note.note);
    if (note.redFlag) expected += 1;
    if (c.redFlag) raised += 1;
    if (note.redFlag && c.redFlag) caught += 1;
    const targetOk = note.targets.includes(c.target);
    if (targetOk) targetsRight += 1;
    confusion[note.targets[0]!][c.target] += 1;
    const kinds: MissKind[] = [];
    if (note.redFlag && !c.redFlag) kinds.push('red flag missed');
    if (!note.redFlag && c.redFlag) kinds.push('false red flag');
    if (!targetOk) kinds.push('wrong target');
    if (kinds.length > 0) {
      misses.push({
        line,
        kinds,
        note: note.note,
        expected: { targets: note.targets, redFlag: note.redFlag },
        got: {
          target: c.target,
          category: c.category,
          redFlag: c.redFlag,
          redFlags: c.redFlags.map((f) => `${f.code}:${f.phrase}`),
          matched: c.matched,
          decidingRule: c.decidingRule,
        },
      });
    }
  }
  return {
    notes: notes.length,
    redFlags: {
      expected,
      raised,
      caught,
      recall: expected === 0 ? 1 : caught / expected,
      precision: raised === 0 ? 1 : caught / raised,
    },
    targetAccuracy: notes.length === 0 ? 1 : targetsRight / notes.length,
    confusion,
    misses,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The human report of `fenliu rules test`. */
export function formatEvaluation(e: Evaluation): string[] {
  const lines = [
    `笔录 notes ${e.notes}`,
    `红色警示召回率 red-flag recall ${pct(e.redFlags.recall)} (${e.redFlags.caught}/${e.redFlags.expected})  ` +
      `精确率 precision ${pct(e.redFlags.precision)} (${e.redFlags.caught}/${e.redFlags.raised})`,
    `目标准确率 target accuracy ${pct(e.targetAccuracy)}`,
    '',
    `混淆表 confusion（行：标注的首选目标 expected，列：分类结果 classified）`,
    `${'expected'.padEnd(9)}${TARGETS.map((t) => t.padStart(7)).join('')}`,
  ];
  for (const row of TARGETS) {
    const counts = TARGETS.map((col) => e.confusion[row][col]);
    if (counts.every((n) => n === 0)) continue;
    lines.push(`${row.padEnd(9)}${counts.map((n) => String(n).padStart(7)).join('')}`);
  }
  lines.push('', e.misses.length === 0 ? '全部正确 no misses' : `错误 misses ${e.misses.length}:`);
  for (const m of e.misses) {
    lines.push(
      `  第 ${m.line} 行 line ${m.line} [${m.kinds.join(', ')}] ${m.note}`,
      `    expected ${m.expected.targets.join('/')}${m.expected.redFlag ? ' red flag' : ''}; ` +
        `got ${m.got.target}${m.got.category ? ` ${m.got.category}` : ''}` +
        `${m.got.redFlag ? ` red flag ${m.got.redFlags.join(' ')}` : ''}` +
        ` (matched: ${m.got.matched.join(' ') || 'nothing'})`,
    );
  }
  return lines;
}
