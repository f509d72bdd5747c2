// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FakeDeskConnection, RED_FLAG_KNIFE, makeSnapshot, makeTransfer } from '../support/browser/fake-connection';
import { renderDesk } from '../support/browser/render-desk';

afterEach(cleanup);

function redFlaggedDesk(): FakeDeskConnection {
  const connection = new FakeDeskConnection(
    makeSnapshot({ classification: RED_FLAG_KNIFE, call: { id: 'call-1', startedAt: new Date().toISOString(), callerNumber: null, note: '报警人称欠钱的人拿着刀在门口' } }),
  );
  connection.handlers.transfer = (args) => {
    const transfer = makeTransfer({ redFlag: true, override: { reason: args.overrideReason ?? '', by: 'op-7' }, trigger: 'screen' });
    connection.emit('transferCommitted', { kind: 'transferred', transfer, classification: RED_FLAG_KNIFE });
    return { kind: 'transferred', transfer, classification: RED_FLAG_KNIFE };
  };
  return connection;
}

describe('a red-flagged call', () => {
  it('shows an unmistakable banner with the phrase that raised it, and the key keeps the call with 110', async () => {
    await renderDesk(redFlaggedDesk());
    const banner = screen.getByTestId('red-flag-banner');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toContain('红色警示：不得转市民服务平台');
    expect(banner.textContent).toContain('持械');
    expect(banner.textContent).toContain('“拿着刀”');
    expect(screen.getByTestId('transfer-target').textContent).toContain('留在110处理');
  });

  it('goes to civic only after two steps and a written reason, which is sent with the transfer', async () => {
    const { connection } = await renderDesk(redFlaggedDesk());
    await userEvent.click(screen.getByTestId('override-button'));
    const dialog = screen.getByTestId('override-dialog');
    expect(dialog.textContent).toContain('持械“拿着刀”');
    const confirm = screen.getByTestId('override-confirm') as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await userEvent.type(screen.getByTestId('override-reason'), '刀');
    expect(confirm.disabled).toBe(true);
    expect(connection.callsOf('transfer')).toEqual([]);
    await userEvent.type(screen.getByTestId('override-reason'), '已收起，对方已离开，只剩欠款纠纷');
    await userEvent.click(confirm);
    expect(connection.callsOf('transfer')).toEqual([{ trigger: 'screen', target: 'civic', overrideReason: '刀已收起，对方已离开，只剩欠款纠纷' }]);
    await waitFor(() => expect(screen.queryByTestId('override-dialog')).toBeNull());
    expect(screen.getByTestId('transfer-toast').textContent).toContain('已转至 24365市民服务平台');
  });

  it('sends the chosen civic target (button or Alt+1) into the override dialog instead of transferring', async () => {
    const { connection } = await renderDesk(redFlaggedDesk());
    await userEvent.click(screen.getByTestId('choose-civic'));
    expect(screen.getByTestId('override-dialog')).toBeTruthy();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByTestId('override-dialog')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('note-input')));
    await userEvent.keyboard('{Alt>}1{/Alt}');
    expect(screen.getByTestId('override-dialog')).toBeTruthy();
    expect(connection.callsOf('transfer')).toEqual([]);
  });

  it('shows the Desk’s refusal when a transfer to civic is refused', async () => {
    const connection = redFlaggedDesk();
    connection.handlers.transfer = () => ({ kind: 'refused', reason: 'red-flag', message: '红色警示（持械）：不能转市民服务平台，除非写明理由', classification: RED_FLAG_KNIFE });
    await renderDesk(connection);
    await userEvent.click(screen.getByTestId('override-button'));
    await userEvent.type(screen.getByTestId('override-reason'), '测试理由');
    await userEvent.click(screen.getByTestId('override-confirm'));
    const toast = await screen.findByTestId('transfer-toast');
    expect(toast.dataset.kind).toBe('refused');
    expect(toast.textContent).toContain('不能转市民服务平台');
    expect(screen.getByTestId('override-dialog')).toBeTruthy();
  });
});
