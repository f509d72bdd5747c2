import { describe, expect, it } from 'vitest';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, updateUserConfig } from '../../../src-main/core/config/load';
import { defaultUserDataDir, machineConfigPath, resolveDataDir } from '../../../src-main/core/config/paths';
import { tempDir } from '../../support/desk/fixtures';

function files(machine: unknown, user: unknown) {
  const dir = tempDir();
  const machineFile = join(dir, 'machine.json');
  const userFile = join(dir, 'user.json');
  if (machine !== undefined) writeFileSync(machineFile, typeof machine === 'string' ? machine : JSON.stringify(machine));
  if (user !== undefined) writeFileSync(userFile, typeof user === 'string' ? user : JSON.stringify(user));
  return { machineFile, userFile, explicit: false };
}

describe('configuration', () => {
  it('uses defaults when no file exists', () => {
    const config = loadConfig(files(undefined, undefined));
    expect(config.undoWindowMs).toBe(5000);
    expect(config.locale).toBe('zh-CN');
  });

  it('layers the user file over the machine file, key by key', () => {
    const config = loadConfig(files(
      { desk: { id: 'nanbu-110-03' }, upstream: { url: 'https://linkage.example/api' }, targets: { civic: { number: '24365', name: '24365' } } },
      { desk: { operatorId: 'op7' }, locale: 'en' },
    ));
    expect(config.desk).toEqual({ id: 'nanbu-110-03', operatorId: 'op7' });
    expect(config.upstream.url).toBe('https://linkage.example/api');
    expect(config.targets.civic?.number).toBe('24365');
    expect(config.locale).toBe('en');
  });

  it('names the file, the field and the problem in one line', () => {
    const src = files({ undoWindowMs: 'five' }, undefined);
    expect(() => loadConfig(src)).toThrow(ConfigError);
    try {
      loadConfig(src);
    } catch (error) {
      const message = (error as Error).message;
      expect(message.startsWith(`${src.machineFile}: undoWindowMs:`)).toBe(true);
      expect(message).not.toContain('\n');
    }
  });

  it('refuses unknown fields (typos) and broken JSON, naming the file', () => {
    const typo = files(undefined, { undoWindowMS: 3000 });
    expect(() => loadConfig(typo)).toThrow(new RegExp(`^${typo.userFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*undoWindowMS`));
    const broken = files('{ "desk": ', undefined);
    expect(() => loadConfig(broken)).toThrow(/machine\.json: not valid JSON/);
  });

  it('requires a --config file to exist', () => {
    const src = { ...files(undefined, undefined), explicit: true };
    expect(() => loadConfig(src)).toThrow(/does not exist/);
  });

  it('writes desk-side settings to the user file only, keeping what was there', () => {
    const src = files({ desk: { id: 'm' } }, { desk: { operatorId: 'op1' } });
    updateUserConfig(src.userFile, { locale: 'zh-TW' });
    expect(JSON.parse(readFileSync(src.userFile, 'utf8'))).toEqual({ desk: { operatorId: 'op1' }, locale: 'zh-TW' });
    expect(JSON.parse(readFileSync(src.machineFile, 'utf8'))).toEqual({ desk: { id: 'm' } });
    expect(() => updateUserConfig(src.userFile, { locale: 'fr' })).toThrow(/locale/);
  });

  it('resolves the data dir: flag, then FENLIU_DATA_DIR, then the per-user app-data folder', () => {
    expect(resolveDataDir('/x', { FENLIU_DATA_DIR: '/y' })).toBe('/x');
    expect(resolveDataDir(undefined, { FENLIU_DATA_DIR: '/y' })).toBe('/y');
    expect(defaultUserDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toMatch(/Roaming.Fenliu$/);
    expect(defaultUserDataDir({ XDG_CONFIG_HOME: '/home/a/.config' }, 'linux')).toBe('/home/a/.config/Fenliu');
    expect(machineConfigPath({ ProgramData: 'C:\\ProgramData' }, 'win32')).toMatch(/ProgramData.Fenliu.config\.json$/);
    expect(machineConfigPath({}, 'linux')).toBe('/etc/fenliu/config.json');
  });
});
