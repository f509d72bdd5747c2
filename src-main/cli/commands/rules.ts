// `fenliu rules …`: the supervisor's tools for rules packs — what is installed, verify, import (signed, or
// --allow-unsigned), export, rollback, test against labelled notes, and keygen/sign for a county's own packs.
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliContext, Command } from '../command';
import { UsageError } from '../command';
import { databasePath } from '../../core/config/paths';
import { defaultAssetsDir } from '../../core/open-desk';
import { openDatabase, type Db } from '../../core/store/database';
import { compileClassifier } from '../../core/rules/classifier';
import { evaluate, formatEvaluation, LabelledNotesError, parseLabelledNotes } from '../../core/rules/evaluate';
import { PackError, parsePackText } from '../../core/rules/pack';
import { describePack, packSha256, RulesRefused, RulesStore, type RulesInfo } from '../../core/rules/store';
import { generateSigningKey, SignatureError, signPack, verifyPack } from '../../core/rules/signature';

const USAGE =
  'fenliu rules info [--json] | history [--json] | verify PACK [--allow-unsigned] | import PACK [--allow-unsigned] | ' +
  'export FILE | rollback | test NOTES.jsonl [--pack PACK] [--json] | keygen --private-key FILE [--key-id ID] | ' +
  'sign PACK --private-key FILE --key-id ID [--out FILE]';

/** The rules store on the data dir, with the shipped default pack installed on first use. */
export function openRulesStore(ctx: Pick<CliContext, 'dataDir'>): { db: Db; store: RulesStore } {
  const db = openDatabase(databasePath(ctx.dataDir));
  try {
    const store = new RulesStore(db);
    store.ensureDefault(join(defaultAssetsDir(), 'rules'));
    return { db, store };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Problems with a pack, its signature or the notes file are bad input: one line, exit 2. */
async function asUsage<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PackError || error instanceof SignatureError || error instanceof RulesRefused || error instanceof LabelledNotesError) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

function readInput(file: string | undefined, what: string): string {
  if (!file) throw new UsageError(`${what} is required (usage: ${USAGE})`);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function writeAtomically(file: string, text: string, mode?: number): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { encoding: 'utf8', mode });
  renameSync(temp, file);
}

function printInfo(ctx: CliContext, info: RulesInfo, verb: string): void {
  if (ctx.json) {
    ctx.out(JSON.stringify(info));
    return;
  }
  const c = info.counts;
  ctx.out(`${verb}规则包 ${info.packId} ${info.version}（${info.name}）`);
  ctx.out(`签名 ${info.signer ?? (info.source === 'default' ? '随程序安装（默认规则包）' : '未签名')}  来源 ${info.source}  安装于 ${info.installedAt}`);
  ctx.out(`目标 ${c.targets}  类别 ${c.categories}  规则 ${c.rules}  红色警示 ${c.redFlags}  情境规则 ${c.context}`);
  ctx.out(`sha256 ${info.sha256}`);
}

async function withStore<T>(ctx: CliContext, work: (store: RulesStore) => T): Promise<T> {
  const { db, store } = openRulesStore(ctx);
  try {
    return await asUsage(() => work(store));
  } finally {
    db.close();
  }
}

export const command: Command = {
  name: 'rules',
  summary: 'rules packs: info, history, verify, import, export, rollback, test on labelled notes, keygen, sign',
  usage: USAGE,
  options: {
    'allow-unsigned': { type: 'boolean', default: false },
    pack: { type: 'string' },
    'private-key': { type: 'string' },
    'key-id': { type: 'string' },
    out: { type: 'string' },
  },
  async run(ctx) {
    const [sub, arg] = ctx.positionals;
    const allowUnsigned = ctx.values['allow-unsigned'] === true;
    const trustedKeys = ctx.config.rules.trustedKeys;
    switch (sub) {
      case 'info':
        return withStore(ctx, (store) => {
          printInfo(ctx, store.info()!, '当前');
          return 0;
        });
      case 'history':
        return withStore(ctx, (store) => {
          const rows = store.history();
          if (ctx.json) for (const row of rows) ctx.out(JSON.stringify(row));
          for (const row of ctx.json ? [] : rows) {
            const state = row.active ? '当前' : row.rolledBackAt ? `已回滚 ${row.rolledBackAt}` : '历史';
            ctx.out(`#${row.rowId} ${row.packId} ${row.version} ${state} 签名 ${row.signer ?? '无'} 来源 ${row.source} 安装于 ${row.installedAt}`);
          }
          return 0;
        });
      case 'verify': {
        const text = readInput(arg, 'PACK');
        return asUsage(() => {
          const pack = parsePackText(text, arg!);
          const { signer } = verifyPack(pack, trustedKeys, { allowUnsigned });
          compileClassifier(pack);
          const info = describePack(pack, { signer, sha256: packSha256(pack), installed_at: '-', source: arg! });
          if (ctx.json) ctx.out(JSON.stringify({ ok: true, ...info }));
          else {
            ctx.out(`${arg}: 有效${signer ? `，签名者 ${signer}` : '（未签名，仅在 --allow-unsigned 下可导入）'}`);
            ctx.out(`规则包 ${info.packId} ${info.version}  目标 ${info.counts.targets}  类别 ${info.counts.categories}  规则 ${info.counts.rules}  红色警示 ${info.counts.redFlags}  情境规则 ${info.counts.context}`);
          }
          return 0;
        });
      }
      case 'import': {
        const text = readInput(arg, 'PACK');
        return withStore(ctx, (store) => {
          printInfo(ctx, store.import(text, { trustedKeys, allowUnsigned, source: `cli:${arg}` }), '已导入并启用');
          return 0;
        });
      }
      case 'export': {
        if (!arg) throw new UsageError(`FILE is required (usage: ${USAGE})`);
        return withStore(ctx, (store) => {
          printInfo(ctx, store.export(arg), `已导出到 ${arg}：`);
          return 0;
        });
      }
      case 'rollback':
        return withStore(ctx, (store) => {
          printInfo(ctx, store.rollback(), '已回滚，当前');
          return 0;
        });
      case 'test': {
        const notesText = readInput(arg, 'NOTES.jsonl');
        const packFile = ctx.values.pack as string | undefined;
        return asUsage(async () => {
          const notes = parseLabelledNotes(notesText, arg!);
          let pack;
          if (packFile) pack = parsePackText(readInput(packFile, '--pack'), packFile);
          else pack = await withStore(ctx, (store) => store.active()!.pack);
          const classifier = compileClassifier(pack, { targetOverrides: ctx.config.targets });
          const result = evaluate(classifier.classify, notes);
          if (ctx.json) ctx.out(JSON.stringify({ rulesVersion: classifier.version, ...result }));
          else for (const line of [`规则 ${pack.id} ${classifier.version}`, ...formatEvaluation(result)]) ctx.out(line);
          return 0;
        });
      }
      case 'keygen': {
        const file = ctx.values['private-key'] as string | undefined;
        if (!file) throw new UsageError('--private-key FILE is required: where the new private key is written');
        if (existsSync(file)) throw new UsageError(`${file}: already exists; a signing key is never overwritten`);
        const keyId = (ctx.values['key-id'] as string | undefined) ?? 'county';
        const key = generateSigningKey();
        writeFileSync(file, key.privateKeyPem, { encoding: 'utf8', mode: 0o600, flag: 'wx' });
        chmodSync(file, 0o600);
        const trusted = { id: keyId, publicKey: key.publicKeyBase64 };
        if (ctx.json) ctx.out(JSON.stringify({ privateKeyFile: file, trustedKey: trusted }));
        else {
          ctx.out(`私钥已写入 ${file}（请妥善保管，切勿提交或分发）`);
          ctx.out('把下面的公钥加入各坐席配置 rules.trustedKeys：');
          ctx.out(JSON.stringify(trusted));
        }
        return 0;
      }
      case 'sign': {
        const text = readInput(arg, 'PACK');
        const keyFile = ctx.values['private-key'] as string | undefined;
        const keyId = ctx.values['key-id'] as string | undefined;
        if (!keyFile || !keyId) throw new UsageError('--private-key FILE and --key-id ID are required');
        const keyPem = readInput(keyFile, '--private-key');
        return asUsage(() => {
          parsePackText(text, arg!); // refuse to sign something that is not a valid pack
          const raw = JSON.parse(text.replace(/^\uFEFF/, '')) as object;
          const signed = signPack(raw, keyPem, keyId);
          const out = (ctx.values.out as string | undefined) ?? arg!;
          writeAtomically(out, `${JSON.stringify(signed, null, 2)}\n`);
          if (ctx.json) ctx.out(JSON.stringify({ file: out, keyId }));
          else ctx.out(`已用密钥 ${keyId} 签名：${out}`);
          return 0;
        });
      }
      default:
        throw new UsageError(sub ? `unknown sub-command "${sub}" (usage: ${USAGE})` : `usage: ${USAGE}`);
    }
  },
};
