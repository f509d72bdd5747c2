// electron-builder.yml, checked offline: electron-builder's own schema, then the rules IT depends on (per-machine
// MSI that upgrades in place, native modules outside the asar, the rules pack shipped, node-hid not rebuilt), and
// the WiX edit that turns UPSTREAM_URL / DESK_ID into the machine config.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DOMParser } from '@xmldom/xmldom';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_USER_MODEL_ID } from '../../../src-main/electron/app-layout';
import { parseInstallerArgs } from '../../../src-main/electron/installer-config';

const root = resolve(__dirname, '../../..');
const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: object | null): Promise<Record<string, any>>;
  validateConfiguration(config: object, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const picomatch = require('picomatch') as (patterns: string[], options: object) => (path: string) => boolean;
const hook = require(join(root, 'tools/msi-project-created.cjs')) as { addInstallerProperties(wxs: string): string; ACTION_ID: string };

let config: Record<string, any>;
beforeAll(async () => {
  config = await getConfig(root, 'electron-builder.yml', null);
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the schema check does catch a misspelt option (so the test above can fail)', async () => {
    const broken = { ...config, msi: { ...config.msi, perMachin: true } };
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/configuration\.msi/);
  });

  it('builds a per-machine MSI that does not start itself and keeps its upgrade code', () => {
    expect(config.win.target).toEqual([{ target: 'msi', arch: ['x64'] }]);
    expect(config.msi.perMachine).toBe(true);
    expect(config.msi.runAfterFinish).toBe(false);
    expect(config.msi.createStartMenuShortcut).toBe(true);
    // Changing it makes the next MSI install beside the old one instead of upgrading it.
    expect(config.msi.upgradeCode).toBe('6F0C2A5E-3B9D-4C71-9A0E-5D1F2B7C8E41');
    expect(config.appId).toBe(APP_USER_MODEL_ID);
  });

  it('unpacks every native module file from the asar', () => {
    expect(config.asar).toBe(true);
    const match = picomatch(config.asarUnpack as string[], { dot: true });
    const natives = [...walk(join(root, 'node_modules/better-sqlite3')), ...walk(join(root, 'node_modules/node-hid'))]
      .filter((f) => f.endsWith('.node'))
      .map((f) => relative(root, f).split('\\').join('/'));
    expect(natives.length).toBeGreaterThan(1);
    for (const file of natives) expect(match(file), file).toBe(true);
  });

  it('ships the default rules pack where the packaged desk looks for it', () => {
    expect(config.extraResources).toContainEqual({ from: 'assets/rules/default-pack.json', to: 'rules/default-pack.json' });
    expect(existsSync(join(root, 'assets/rules/default-pack.json')), 'assets/rules/default-pack.json (the rules issue) is missing').toBe(true);
  });

  it('packages the built shell that package.json names as main', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist-main/electron/main.cjs');
    expect(config.files[0].filter).toEqual(expect.arrayContaining(['dist-main/**', 'dist-renderer/**']));
  });

  it('rebuilds better-sqlite3 for Electron and leaves node-hid to its N-API prebuilds', async () => {
    expect(config.npmRebuild).toBe(false); // electron-builder's rebuild would take node-hid too
    expect(config.buildDependenciesFromSource).toBe(false);
    const { REBUILD_FOR_ELECTRON } = (await import(pathToFileURL(join(root, 'tools/dist.mjs')).href)) as { REBUILD_FOR_ELECTRON: string[] };
    expect(REBUILD_FOR_ELECTRON).toEqual(['better-sqlite3']);
    for (const platform of ['HID-win32-x64', 'HID_hidraw-linux-x64']) {
      const dir = join(root, 'node_modules/node-hid/prebuilds', platform);
      expect(readdirSync(dir).some((f) => /napi/.test(f) && f.endsWith('.node')), `${platform} N-API prebuild`).toBe(true);
    }
  });

  it('names existing icon files', () => {
    for (const file of [config.win.icon, config.linux.icon]) expect(existsSync(join(root, file)), file).toBe(true);
  });
});

describe('MSI installer properties (msiProjectCreated)', () => {
  // The project electron-builder generates: its own template rendered the way MsiTarget renders it.
  function generatedProject(): string {
    const ejs = require('ejs') as { compile(t: string): (o: object) => string };
    const template = readFileSync(require.resolve('app-builder-lib/templates/msi/template.xml'), 'utf8')
      .replace(/{{/g, '<%')
      .replace(/}}/g, '%>')
      .replace(/\${([^}]+)}/g, '<%=$1%>');
    return ejs.compile(template)({
      productName: 'Fenliu', upgradeCode: config.msi.upgradeCode, version: '0.1.0.0', manufacturer: 'Fenliu', compressionLevel: 'high',
      iconPath: null, iconId: 'FenliuIcon.exe', isRunAfterFinish: false, isAssisted: false, isPerMachine: true, menuCategory: null,
      programFilesId: 'ProgramFiles64Folder', installationDirectoryWixName: 'Fenliu', isCreateDesktopShortcut: false, isCreateStartMenuShortcut: true,
      dirs: '',
      files: '<Component><File Name="Fenliu.exe" Source="$(var.appDir)\\Fenliu.exe" ReadOnly="yes" KeyPath="yes" Id="mainExecutable"/></Component>',
    });
  }

  function parse(xml: string): Document {
    const errors: string[] = [];
    const doc = new DOMParser({ errorHandler: { error: (msg: string) => void errors.push(msg), fatalError: (msg: string) => void errors.push(msg) } }).parseFromString(xml, 'text/xml');
    expect(errors).toEqual([]);
    return doc as unknown as Document;
  }

  it('adds secure public properties and a deferred, elevated action run after the files are installed', () => {
    const doc = parse(hook.addInstallerProperties(generatedProject()));
    const props = Array.from(doc.getElementsByTagName('Property')).filter((p) => ['UPSTREAM_URL', 'DESK_ID'].includes(p.getAttribute('Id')!));
    expect(props.map((p) => [p.getAttribute('Id'), p.getAttribute('Secure')])).toEqual([['UPSTREAM_URL', 'yes'], ['DESK_ID', 'yes']]);
    const action = Array.from(doc.getElementsByTagName('CustomAction')).find((a) => a.getAttribute('Id') === hook.ACTION_ID)!;
    expect(action.getAttribute('FileKey')).toBe('mainExecutable');
    expect(action.getAttribute('Execute')).toBe('deferred');
    expect(action.getAttribute('Impersonate')).toBe('no');
    expect(action.getAttribute('Return')).toBe('check');
    const custom = Array.from(doc.getElementsByTagName('Custom')).find((c) => c.getAttribute('Action') === hook.ACTION_ID)!;
    expect(custom.getAttribute('After')).toBe('InstallFiles');
    expect(custom.textContent).toBe('NOT (REMOVE~="ALL") AND (UPSTREAM_URL OR DESK_ID)');
    expect((custom.parentNode as Element).tagName).toBe('InstallExecuteSequence');
  });

  it('passes the properties so that the desk reads them back', () => {
    const doc = parse(hook.addInstallerProperties(generatedProject()));
    const command = Array.from(doc.getElementsByTagName('CustomAction')).find((a) => a.getAttribute('Id') === hook.ACTION_ID)!.getAttribute('ExeCommand')!;
    // What Windows Installer formats it to, split the way a Windows command line is split (quotes group).
    const formatted = command.replace('[UPSTREAM_URL]', 'https://linkage.county.example/api').replace('[DESK_ID]', 'desk 07');
    const argv = ['Fenliu.exe', ...Array.from(formatted.matchAll(/"([^"]*)"|(\S+)/g), (m) => m[1] ?? m[2]!)];
    expect(parseInstallerArgs(argv)).toEqual({ upstreamUrl: 'https://linkage.county.example/api', deskId: 'desk 07' });
  });

  it('is idempotent and refuses a project without the main executable', () => {
    const once = hook.addInstallerProperties(generatedProject());
    expect(hook.addInstallerProperties(once)).toBe(once);
    expect(() => hook.addInstallerProperties('<Wix><Product></Product></Wix>')).toThrow(/mainExecutable/);
  });

  it('is the hook electron-builder.yml names', () => {
    expect(config.msiProjectCreated).toBe('./tools/msi-project-created.cjs');
  });
});
