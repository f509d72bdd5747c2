// SQL only with bound parameters: every prepare/exec/pragma call on a better-sqlite3 database in src-main gets SQL
// whose every part is a constant written in the source. A value from outside (a note, an id, a status) can only
// reach SQLite as a bound parameter. The few places where SQLite cannot bind (PRAGMA values, identifiers) are listed
// below with the reason; anything else fails this test with file:line.
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../..');
const SQL_METHODS = new Set(['prepare', 'exec', 'pragma']);

/** file → the exact text of an interpolated expression allowed there, and why. */
const DOCUMENTED_EXCEPTIONS: { file: string; expression: string; why: string }[] = [
  { file: 'src-main/core/store/database.ts', expression: 'Math.trunc(migration.version)', why: 'PRAGMA user_version takes no parameter; an integer from our own migration list' },
  { file: 'src-main/core/transfers/recover.ts', expression: 'table', why: 'a table name (identifiers cannot be bound) from the fixed TABLES list' },
  { file: 'src-main/core/sync/engine.ts', expression: 'Math.trunc(previous)', why: 'PRAGMA synchronous takes no parameter; restores the integer it read from PRAGMA synchronous' },
  { file: 'src-main/cli/commands/doctor.ts', expression: `name.replace(/"/g, '""')`, why: 'a table name read from sqlite_master, quoted as an SQL identifier, for row counts' },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

interface Finding {
  where: string;
  text: string;
}

function scan(files: string[]): { calls: number; findings: Finding[]; exceptionsUsed: Set<string> } {
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const findings: Finding[] = [];
  const exceptionsUsed = new Set<string>();
  let calls = 0;

  for (const sf of program.getSourceFiles()) {
    if (!files.includes(sf.fileName)) continue;
    const file = relative(ROOT, sf.fileName);
    const where = (node: ts.Node) => `${file}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;

    const isDatabase = (expr: ts.Expression): boolean => {
      const type = checker.getTypeAtLocation(expr);
      const name = checker.typeToString(type);
      return /\bDatabase\b|\bDb\b/.test(name) || (type.getSymbol()?.getName() ?? '') === 'Database';
    };

    /** Whether the SQL text `expr` is built from constants only; `offending` gets the first part that is not. */
    let offending = '';
    const constant = (expr: ts.Expression, seen = new Set<ts.Node>()): boolean => {
      if (seen.has(expr)) return true;
      seen.add(expr);
      if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return true;
      if (ts.isParenthesizedExpression(expr)) return constant(expr.expression, seen);
      if (ts.isConditionalExpression(expr)) return constant(expr.whenTrue, seen) && constant(expr.whenFalse, seen);
      if (ts.isTemplateExpression(expr)) {
        let ok = true;
        for (const span of expr.templateSpans) {
          const text = span.expression.getText(sf);
          const exception = DOCUMENTED_EXCEPTIONS.find((e) => e.file === file && e.expression === text);
          if (exception) {
            exceptionsUsed.add(`${exception.file}: ${exception.expression}`);
            continue;
          }
          if (!constant(span.expression, seen)) ok = false;
        }
        return ok;
      }
      if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.PlusToken) {
        return constant(expr.left, seen) && constant(expr.right, seen);
      }
      if (ts.isIdentifier(expr)) {
        const symbol = checker.getSymbolAtLocation(expr);
        const decl = symbol?.valueDeclaration;
        if (decl && ts.isVariableDeclaration(decl) && decl.initializer && (ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const) !== 0) {
          return constant(decl.initializer, seen);
        }
        if (decl && ts.isParameter(decl)) return parameterAlwaysConstant(decl, seen);
      }
      offending ||= `${where(expr)} ${expr.getText(sf).slice(0, 80)}`;
      return false;
    };

    /** A helper's SQL parameter (e.g. `one(sql)` in stats.ts): every call in this file must pass a constant. */
    const parameterAlwaysConstant = (param: ts.ParameterDeclaration, seen: Set<ts.Node>): boolean => {
      const fn = param.parent;
      const index = fn.parameters.indexOf(param);
      const holder = fn.parent;
      if (!holder || !ts.isVariableDeclaration(holder) || !ts.isIdentifier(holder.name)) return false;
      const fnSymbol = checker.getSymbolAtLocation(holder.name);
      let ok = true;
      let callers = 0;
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && checker.getSymbolAtLocation(node.expression) === fnSymbol) {
          callers += 1;
          const arg = node.arguments[index];
          if (!arg || !constant(arg, seen)) ok = false;
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
      return ok && callers > 0;
    };

    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        SQL_METHODS.has(node.expression.name.text) &&
        isDatabase(node.expression.expression)
      ) {
        calls += 1;
        const sql = node.arguments[0];
        offending = '';
        if (sql && !constant(sql)) findings.push({ where: where(node), text: `${node.getText(sf).slice(0, 120)} (not constant: ${offending || sql.getText(sf).slice(0, 80)})` });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { calls, findings, exceptionsUsed };
}

describe('SQL only with bound parameters', () => {
  it('every prepare/exec/pragma in src-main gets constant SQL, apart from the documented PRAGMA/identifier exceptions', () => {
    const { calls, findings, exceptionsUsed } = scan(sourceFiles(join(ROOT, 'src-main')));
    // The scan did find the database calls (a broken type lookup would find none and prove nothing).
    expect(calls).toBeGreaterThan(50);
    expect(findings, findings.map((f) => `${f.where}: ${f.text}`).join('\n')).toEqual([]);
    // Every documented exception is still needed; a stale one would hide a future change at that spot.
    expect([...exceptionsUsed].sort()).toEqual(DOCUMENTED_EXCEPTIONS.map((e) => `${e.file}: ${e.expression}`).sort());
  }, 60_000);

  it('the same scan catches a value built into SQL, and leaves RegExp.exec and bound parameters alone', () => {
    // Under node_modules/.cache so that 'better-sqlite3' resolves as it does for src-main.
    const dir = join(ROOT, 'node_modules', '.cache', 'fenliu-reliability');
    mkdirSync(dir, { recursive: true });
    const fixture = join(dir, `sql-fixture-${process.pid}.ts`);
    writeFileSync(
      fixture,
      [
        "import Database from 'better-sqlite3';",
        "const db = new Database(':memory:');",
        'export function bad(id: string, status: string): void {',
        "  db.prepare(`SELECT * FROM transfers WHERE id = '${id}'`).get();",
        "  db.exec('DELETE FROM outbox WHERE transfer_id = ' + id);",
        '  const sql = `UPDATE transfers SET status = ${status}`; // reported where it is used, below',
        '  db.prepare(sql).run();',
        '}',
        'export function good(id: string, open: boolean): void {',
        "  db.prepare('SELECT * FROM transfers WHERE id = ?').get(id);",
        "  db.prepare(`SELECT * FROM transfers ${open ? 'WHERE acknowledged_at IS NULL' : ''}`).all();",
        '  /^[0-9a-f-]+$/.exec(id);',
        '}',
      ].join('\n'),
    );
    try {
      const { calls, findings } = scan([fixture]);
      expect(calls).toBe(5);
      expect(findings.map((f) => Number(f.where.split(':').at(-1)))).toEqual([4, 5, 7]);
    } finally {
      rmSync(fixture, { force: true });
    }
  }, 60_000);
});
