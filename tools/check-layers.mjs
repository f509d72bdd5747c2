#!/usr/bin/env node
// Layering rule, checked rather than hoped for (VS Code style). Arrows allowed:
//   cli → host, core, api        electron → core, api        host → core, api
//   core → core, api             api → api (+ zod)            src-renderer → src-renderer, api (types only)
// Core never imports electron/react; the renderer never imports Node-only code.
import ts from 'typescript';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const NODE_ONLY_PACKAGES = new Set(['better-sqlite3', 'node-hid', 'ws', 'undici', 'pino', 'yazl', 'opencc-js', 'electron', 'tsx']);
const UI_PACKAGES = new Set(['react', 'react-dom', 'zustand', 'electron']);
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Layer of a repo-relative path, or null for files outside the checked layers. */
export function layerOf(rel) {
  const p = rel.split(sep).join('/');
  if (p.startsWith('src-renderer/')) return 'renderer';
  const m = /^src-main\/(core|api|cli|host|electron)\//.exec(p);
  return m ? m[1] : null;
}

const ALLOWED_LAYERS = {
  core: ['core', 'api'],
  api: ['api'],
  cli: ['cli', 'host', 'core', 'api'],
  host: ['host', 'core', 'api'],
  electron: ['electron', 'core', 'api'],
  renderer: ['renderer', 'api'],
};

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function importsOf(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(node) ? Boolean(node.importClause?.isTypeOnly) : node.isTypeOnly;
      // `import { type A, type B }` is type-only too.
      const named = ts.isImportDeclaration(node) ? node.importClause?.namedBindings : undefined;
      const allNamedTypes = Boolean(named && ts.isNamedImports(named) && !node.importClause?.name && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly));
      found.push({ spec: node.moduleSpecifier.text, typeOnly: typeOnly || allNamedTypes, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) {
        found.push({ spec: node.arguments[0].text, typeOnly: false, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ spec: node.argument.literal.text, typeOnly: true, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Returns the violations (one line each) of the files under root's layers. */
export function checkLayers(root) {
  const violations = [];
  for (const file of listSources(root)) {
    const rel = relative(root, file);
    const layer = layerOf(rel);
    if (!layer) continue;
    for (const { spec, typeOnly, line } of importsOf(file, readFileSync(file, 'utf8'))) {
      const where = `${rel.split(sep).join('/')}:${line}`;
      if (spec.startsWith('.')) {
        const target = relative(root, resolve(dirname(file), spec));
        const targetLayer = layerOf(target);
        if (!targetLayer) {
          violations.push(`${where}: ${layer} imports "${spec}", outside the layered source folders`);
        } else if (!ALLOWED_LAYERS[layer].includes(targetLayer)) {
          violations.push(`${where}: ${layer} may not import ${targetLayer} ("${spec}")`);
        } else if (layer === 'renderer' && targetLayer === 'api' && !typeOnly) {
          violations.push(`${where}: the renderer may import the Desk API's types only (use \`import type\`: "${spec}")`);
        }
        continue;
      }
      const pkg = packageName(spec);
      if ((layer === 'core' || layer === 'api') && UI_PACKAGES.has(pkg)) {
        violations.push(`${where}: ${layer} may not import ${pkg} (the core is plain Node)`);
      }
      if (layer === 'api' && pkg !== 'zod') violations.push(`${where}: the API contract may import only zod ("${spec}")`);
      if (layer === 'renderer' && (BUILTINS.has(spec) || BUILTINS.has(pkg) || NODE_ONLY_PACKAGES.has(pkg))) {
        violations.push(`${where}: the renderer may not import Node-only code ("${spec}")`);
      }
      if ((layer === 'host' || layer === 'cli') && pkg === 'electron') {
        violations.push(`${where}: ${layer} may not import electron`);
      }
    }
  }
  return violations;
}

function listSources(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.') || name.startsWith('dist')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listSources(full));
    else if (/\.(ts|tsx|mts|cts|js|mjs|jsx)$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const violations = checkLayers(root);
  for (const v of violations) console.error(v);
  if (violations.length) {
    console.error(`layering: ${violations.length} violation(s)`);
    process.exit(1);
  }
  console.log('layering: ok');
}
