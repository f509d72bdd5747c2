// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FakeDeskConnection, makeSnapshot } from '../support/browser/fake-connection';
import { renderDesk } from '../support/browser/render-desk';

afterEach(cleanup);

describe('the status bar', () => {
  it('shows sync offline with the queue and the error, then online again', async () => {
    const connection = new FakeDeskConnection();
    await renderDesk(connection);
    const sync = connection.snapshot.sync;
    act(() => connection.emit('sync', { ...sync, online: false, queued: 3, lastError: 'connect ECONNREFUSED' }));
    const status = screen.getByTestId('sync-status');
    expect(status.textContent).toContain('离线');
    expect(status.textContent).toContain('待上传 3');
    expect(status.textContent).toContain('connect ECONNREFUSED');
    act(() => connection.emit('sync', { ...sync, online: true, queued: 0 }));
    expect(status.textContent).toContain('在线');
    expect(status.textContent).toContain('上次同步');
    expect(status.textContent).not.toContain('待上传');
  });

  it('says when upstream refuses the credentials, and when no upstream is configured', async () => {
    const connection = new FakeDeskConnection();
    await renderDesk(connection);
    act(() => connection.emit('sync', { ...connection.snapshot.sync, credentialsRefused: true, lastError: 'HTTP 401' }));
    expect(screen.getByTestId('sync-status').textContent).toContain('上级平台拒绝本台凭据');
    act(() => connection.emit('sync', { ...connection.snapshot.sync, configured: false, online: false, lastSuccessAt: null }));
    expect(screen.getByTestId('sync-status').textContent).toContain('未配置上级平台');
  });

  it('shows the transfer key connected, then missing when its cable is pulled; and the rules version', async () => {
    const connection = new FakeDeskConnection();
    await renderDesk(connection);
    const key = screen.getByTestId('key-status');
    expect(key.textContent).toContain('Infinity IN-USB-2 已连接');
    const keys = connection.snapshot.keys;
    act(() => connection.emit('keys', { ...keys, devices: keys.devices.map((d) => ({ ...d, state: 'missing' as const })) }));
    expect(key.textContent).toContain('Infinity IN-USB-2 未连接');
    expect(key.className).toContain('tone-bad');
    expect(screen.getByTestId('rules-version').textContent).toContain('2026.1');
  });

  it('shows a storage problem in red and plain words', async () => {
    const connection = new FakeDeskConnection();
    await renderDesk(connection);
    expect(screen.queryByTestId('storage-alert')).toBeNull();
    act(() => connection.emit('storage', { ok: false, problem: '磁盘已满（SQLITE_FULL）', notice: null }));
    const alert = screen.getByTestId('storage-alert');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toContain('磁盘已满（SQLITE_FULL）');
    expect(alert.textContent).toContain('新的转接会被拒绝');
  });

  it('tells the call-taker to inform IT when the database was found damaged at start', async () => {
    const connection = new FakeDeskConnection();
    await renderDesk(connection);
    expect(screen.queryByTestId('storage-notice')).toBeNull();
    act(() => connection.emit('storage', { ok: true, problem: null, notice: '数据库已损坏，已移到 fenliu-damaged-1.db。' }));
    expect(screen.queryByTestId('storage-alert')).toBeNull();
    expect(screen.getByTestId('storage-notice').textContent).toContain('请告知IT');
  });

  it('says when the connection to the desk is lost, and a key press then fails visibly', async () => {
    const connection = new FakeDeskConnection();
    await renderDesk(connection);
    act(() => connection.setConnection('closed'));
    expect(screen.getByTestId('connection-status').textContent).toContain('连接已断开');
    await userEvent.keyboard('{F2}');
    const toast = await screen.findByTestId('transfer-toast');
    expect(toast.dataset.kind).toBe('failed');
    expect(toast.textContent).toContain('连接已断开');
  });

  it('reloads the whole state when the connection comes back', async () => {
    const connection = new FakeDeskConnection();
    await renderDesk(connection);
    act(() => connection.setConnection('closed'));
    connection.snapshot = makeSnapshot({ rules: { ...connection.snapshot.rules, version: '2026.2' } });
    act(() => connection.setConnection('open'));
    await waitFor(() => expect(screen.getByTestId('rules-version').textContent).toContain('2026.2'));
    expect(screen.queryByTestId('connection-status')).toBeNull();
  });
});

describe('settings', () => {
  it('F10 opens them; learning a key shows the prompt; Esc cancels learning and closes', async () => {
    const connection = new FakeDeskConnection();
    const learning = { ...connection.snapshot.keys, learning: { action: 'transfer' } };
    connection.handlers.learnKey = () => learning;
    connection.handlers.cancelLearn = () => ({ ...learning, learning: null });
    await renderDesk(connection);
    await userEvent.keyboard('{F10}');
    expect(screen.getByTestId('settings-dialog').textContent).toContain('Infinity IN-USB-2');
    await userEvent.click(screen.getByTestId('learn-transfer'));
    expect(connection.callsOf('learnKey')).toEqual([{ action: 'transfer' }]);
    await waitFor(() => expect(screen.getByTestId('key-status').textContent).toContain('学习中：请按下要设为“转接”的键'));
    await userEvent.keyboard('{Escape}');
    expect(connection.callsOf('cancelLearn')).toHaveLength(1);
    expect(screen.queryByTestId('settings-dialog')).toBeNull();
  });

  it('switches the language through the Desk, and the whole screen follows', async () => {
    const connection = new FakeDeskConnection();
    connection.handlers.setLocale = ({ locale }) => {
      connection.emit('locale', locale);
      return locale;
    };
    await renderDesk(connection);
    await userEvent.click(screen.getByTestId('settings-button'));
    await userEvent.click(screen.getByTestId('locale-en'));
    expect(connection.callsOf('setLocale')).toEqual([{ locale: 'en' }]);
    expect(screen.getByText('Current call')).toBeTruthy();
    expect(document.documentElement.lang).toBe('en');
    await userEvent.click(screen.getByTestId('locale-zh-TW'));
    expect(screen.getByText('目前來電')).toBeTruthy();
  });

  it('asks the Desk to sync now', async () => {
    const connection = new FakeDeskConnection();
    connection.handlers.syncNow = () => ({ ...connection.snapshot.sync, queued: 0 });
    await renderDesk(connection);
    await userEvent.keyboard('{F10}');
    await userEvent.click(screen.getByTestId('sync-now'));
    expect(connection.callsOf('syncNow')).toHaveLength(1);
  });
});

describe('a lost connection while typing', () => {
  it('keeps what is typed, and gives it to the Desk once the connection is back', async () => {
    const connection = new FakeDeskConnection();
    connection.handlers.setNote = () => connection.snapshot.classification;
    await renderDesk(connection);
    act(() => connection.setConnection('closed'));
    await userEvent.type(screen.getByTestId('note-input'), '米粉');
    expect(screen.queryByTestId('transfer-toast')).toBeNull();
    act(() => connection.setConnection('open'));
    await waitFor(() => expect(connection.callsOf('setNote')).toEqual([{ note: '米粉' }]));
    expect((screen.getByTestId('note-input') as HTMLTextAreaElement).value).toBe('米粉');
  });
});
