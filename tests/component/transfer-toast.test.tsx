// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CIVIC_NOODLES, FakeDeskConnection, makeSnapshot, makeTransfer } from '../support/browser/fake-connection';
import { renderDesk } from '../support/browser/render-desk';

afterEach(cleanup);

/** A Desk whose transfer commits (event first, as the real Desk emits it before answering). */
function civicDesk(transfer = makeTransfer()): FakeDeskConnection {
  const connection = new FakeDeskConnection(makeSnapshot({ classification: CIVIC_NOODLES }));
  connection.handlers.setNote = () => CIVIC_NOODLES;
  connection.handlers.transfer = () => {
    connection.emit('transferCommitted', { kind: 'transferred', transfer, classification: CIVIC_NOODLES });
    return { kind: 'transferred', transfer, classification: CIVIC_NOODLES };
  };
  connection.handlers.undo = ({ transferId }) => ({ kind: 'undone', transfer: { ...transfer, id: transferId ?? transfer.id, status: 'cancelled', undoUntilMs: null } });
  return connection;
}

describe('the transfer toast', () => {
  it('F2 transfers (keyboard trigger); the toast names the target and counts down the undo window', async () => {
    const { connection } = await renderDesk(civicDesk());
    await userEvent.keyboard('{F2}');
    expect(connection.callsOf('transfer')).toEqual([{ trigger: 'keyboard', target: undefined, overrideReason: undefined }]);
    const toast = await screen.findByTestId('transfer-toast');
    expect(toast.textContent).toContain('已转至 24365市民服务平台 24365');
    expect(screen.getByTestId('toast-countdown').textContent).toMatch(/^[45] 秒内可撤销$/);
    expect(screen.getByTestId('undo-button')).toBeTruthy();
  });

  it('Ctrl+Enter and the on-screen button transfer too', async () => {
    const { connection } = await renderDesk(civicDesk());
    await userEvent.keyboard('{Control>}{Enter}{/Control}');
    await userEvent.click(screen.getByTestId('transfer-button'));
    expect(connection.callsOf('transfer').map((a) => a.trigger)).toEqual(['keyboard', 'screen']);
  });

  it('flushes a note the Desk has not heard yet before transferring', async () => {
    const { connection, store } = await renderDesk(civicDesk());
    act(() => store.getState().typeNote('送米粉', { composing: true }));
    await userEvent.keyboard('{F2}');
    expect(connection.calls.map((c) => c.command).slice(-2)).toEqual(['setNote', 'transfer']);
    expect(connection.callsOf('setNote').at(-1)).toEqual({ note: '送米粉' });
  });

  it('the undo button undoes that transfer and says the call is back', async () => {
    const { connection } = await renderDesk(civicDesk());
    await userEvent.keyboard('{F2}');
    await userEvent.click(await screen.findByTestId('undo-button'));
    expect(connection.callsOf('undo')).toEqual([{ transferId: 'tr-1' }]);
    await waitFor(() => expect(screen.getByTestId('transfer-toast').textContent).toContain('已撤销转接（24365市民服务平台）'));
  });

  it('Esc undoes while the window is open; Ctrl+Z only when the note field is empty', async () => {
    const { connection } = await renderDesk(civicDesk());
    await userEvent.keyboard('{F2}');
    await screen.findByTestId('undo-button');
    await userEvent.type(screen.getByTestId('note-input'), '下一个');
    await userEvent.keyboard('{Control>}z{/Control}');
    expect(connection.callsOf('undo')).toEqual([]);
    await userEvent.keyboard('{Escape}');
    expect(connection.callsOf('undo')).toEqual([{ transferId: 'tr-1' }]);
  });

  it('after the undo window the toast says the transfer stands and offers no undo', async () => {
    const transfer = makeTransfer({ undoUntilMs: Date.now() - 1, status: 'queued' });
    const { connection } = await renderDesk(civicDesk(transfer));
    act(() => connection.emit('transferCommitted', { kind: 'transferred', transfer, classification: CIVIC_NOODLES }));
    expect(screen.getByTestId('toast-countdown').textContent).toBe('已生效，不能再撤销');
    expect(screen.queryByTestId('undo-button')).toBeNull();
    await userEvent.keyboard('{Escape}');
    expect(connection.callsOf('undo')).toEqual([]);
  });

  it('a device key press shows the toast through the transferCommitted event alone', async () => {
    const { connection } = await renderDesk(civicDesk());
    act(() => {
      connection.emit('keyAction', { action: 'transfer', deviceId: 'pedal-1', at: Date.now() });
      connection.emit('transferCommitted', { kind: 'transferred', transfer: makeTransfer({ id: 'tr-9' }), classification: CIVIC_NOODLES });
    });
    expect(screen.getByTestId('transfer-toast').textContent).toContain('已转至 24365市民服务平台');
    expect(connection.callsOf('transfer')).toEqual([]);
  });

  it('an undo from the device key turns the toast into "undone"', async () => {
    const transfer = makeTransfer();
    const { connection } = await renderDesk(civicDesk(transfer));
    act(() => connection.emit('transferCommitted', { kind: 'transferred', transfer, classification: CIVIC_NOODLES }));
    act(() => connection.emit('transferChanged', { ...transfer, status: 'cancelled', undoUntilMs: null }));
    expect(screen.getByTestId('transfer-toast').dataset.kind).toBe('undone');
  });

  it('a police call says plainly that it stays with 110 when the button is pressed', async () => {
    const connection = new FakeDeskConnection();
    connection.handlers.transfer = () => ({ kind: 'police', classification: connection.snapshot.classification });
    await renderDesk(connection);
    await userEvent.click(screen.getByTestId('transfer-button'));
    const toast = await screen.findByTestId('transfer-toast');
    expect(toast.textContent).toContain('警情：此来电留在110处理，未转接');
    expect(toast.getAttribute('role')).toBe('alert');
  });

  it('a device key press on a police call (no transfer event follows) says it stays with 110', async () => {
    const connection = new FakeDeskConnection();
    await renderDesk(connection);
    expect(screen.queryByTestId('transfer-toast')).toBeNull();
    act(() => connection.emit('keyAction', { action: 'transfer', deviceId: 'pedal-1', at: Date.now() }));
    expect(screen.getByTestId('transfer-toast').dataset.kind).toBe('police');
  });

  it('a storage refusal is shown, not a transfer', async () => {
    const connection = civicDesk();
    connection.handlers.transfer = () => ({ kind: 'refused', reason: 'storage', message: '本地存储失败，转接未完成：磁盘已满（SQLITE_FULL）', classification: CIVIC_NOODLES });
    await renderDesk(connection);
    await userEvent.keyboard('{F2}');
    const toast = await screen.findByTestId('transfer-toast');
    expect(toast.dataset.kind).toBe('refused');
    expect(toast.textContent).toContain('磁盘已满');
  });
});
