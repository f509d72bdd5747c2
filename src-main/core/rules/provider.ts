// The rules as the Desk sees them (RulesProvider): the active pack compiled once, re-compiled when a pack is
// imported or rolled back through this provider, and the county's targets from the configuration.
import type { DeskConfig } from '../config/schema';
import type { RulesProvider } from '../desk';
import type { Db } from '../store/database';
import type { RulesInfoView } from '../../api/contract';
import { compileClassifier, type CompiledClassifier } from './classifier';
import { warmUpNormalizer } from './normalize';
import { RulesStore, RulesRefused, type RulesInfo } from './store';

/** Compiles the active pack with the county's target numbers and names; null when none is installed. */
export function loadActiveClassifier(db: Db, config: Pick<DeskConfig, 'targets' | 'locale'>): CompiledClassifier | null {
  const active = new RulesStore(db).active();
  if (!active) return null;
  return compileClassifier(active.pack, { targetOverrides: config.targets, locale: config.locale });
}

export interface RulesService extends RulesProvider {
  readonly store: RulesStore;
  /** Imports a pack and makes it live at once; see RulesStore.import for what is refused. */
  importPack(packJson: string | unknown, options: { allowUnsigned?: boolean; source: string; actor?: string | null }): RulesInfo;
  rollback(actor?: string | null): RulesInfo;
}

export function toRulesInfoView(info: RulesInfo): RulesInfoView {
  return { version: info.version, signer: info.signer, installedAt: info.installedAt, counts: {
    targets: info.counts.targets,
    categories: info.counts.categories,
    rules: info.counts.rules,
    redFlags: info.counts.redFlags,
  } };
}

/** `rulesDir` holds default-pack.json, installed on first start. */
export function createRulesProvider(db: Db, config: DeskConfig, rulesDir: string): RulesService {
  warmUpNormalizer();
  const store = new RulesStore(db);
  let info = store.ensureDefault(rulesDir);
  let current = config;
  let compiled = loadActiveClassifier(db, current);
  if (!compiled) throw new RulesRefused('no rules pack is installed');
  const listeners: (() => void)[] = [];
  const changed = (next: RulesInfo): RulesInfo => {
    info = next;
    compiled = loadActiveClassifier(db, current) ?? compiled;
    for (const listener of listeners) listener();
    return next;
  };
  return {
    store,
    classify: (note) => compiled!.classify(note),
    info: () => toRulesInfoView(info),
    targets: () => compiled!.targets,
    onChange: (listener) => {
      listeners.push(listener);
    },
    importPack: (packJson, options) =>
      changed(store.import(packJson, { ...options, trustedKeys: config.rules.trustedKeys })),
    rollback: (actor = null) => changed(store.rollback(actor)),
    setLocale: (locale) => {
      // Target, category and red-flag names are compiled in the display language.
      current = { ...current, locale };
      changed(info);
    },
  };
}
