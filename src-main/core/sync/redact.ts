// Secrets (the desk token, certificate passphrases) must never reach a log line, lastError or CLI output.
// Messages are built from error codes rather than raw error text where possible; this is the second guard for
// text that does come from elsewhere (a server's error string, a Node error message).
export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: ReadonlyArray<string | undefined | null>) {
    // Longest first, so a secret that contains another is replaced whole.
    this.secrets = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4).sort((a, b) => b.length - a.length);
  }

  text(value: string): string {
    let out = value;
    for (const secret of this.secrets) out = out.split(secret).join('[redacted]');
    return out;
  }
}
