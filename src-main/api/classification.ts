// What the classifier says about a note. Shared by core, adapters and the renderer (types only, no Node).
export type TargetCode = '110' | 'civic' | '119' | '120' | '122';

export interface RedFlagHit {
  /** Red-flag rule code, e.g. "weapon", "violence", "self-harm". */
  code: string;
  /** Human label (Simplified Chinese) of the red flag. */
  label: string;
  /** The phrase of the note (normalized form) that raised it. */
  phrase: string;
}

export interface Classification {
  target: TargetCode;
  targetNumber: string;
  targetName: string;
  /** `<target>.<name>`, e.g. "civic.noise"; null when nothing matched (target then defaults to 110). */
  category: string | null;
  categoryName: string | null;
  redFlag: boolean;
  redFlags: RedFlagHit[];
  /** Terms of the note that matched phrase rules (normalized form), in note order, no duplicates. */
  matched: string[];
  /** Id of the rule that decided the target (red-flag rule id, or the winning phrase rule id), null if none. */
  decidingRule: string | null;
  rulesVersion: string;
}
