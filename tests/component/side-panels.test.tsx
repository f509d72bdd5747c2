// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FakeDeskConnection, makeSnapshot, makeTransfer } from '../support/browser/fake-connection';
import { renderDesk } from '../support/browser/render-desk';

afterEach(cleanup);

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

describe("today's transfers", () => {
  const transfers = [
    makeTransfer({ id: 'new-resolved', transferredAt: hoursAgo(0.1), status: 'resolved', undoUntilMs: null, comment: '已修复' }),
    makeTransfer({ id: 'old-returned', transferredAt: hoursAgo(3), status: 'returned', undoUntilMs: null, needsAttention: true, comment: '涉及人身安全，退回110' }),
    makeTransfer({ id: 'mid-overdue', transferredAt: hoursAgo(2), status: 'accepted', undoUntilMs: null, overdue: true, dueAt: hoursAgo(1) }),
    makeTransfer({ id: 'newest-queued', transferredAt: hoursAgo(0.05), status: 'queued', undoUntilMs: null }),
  ];

  it('puts returned and overdue ones first, highlighted, with the unit’s comment', async () => {
    await renderDesk(new FakeDeskConnection(makeSnapshot({ transfers })));
    const rows = within(screen.getByTestId('transfer-list')).getAllByTestId('transfer-row');
    expect(rows.map((r) => r.dataset.transferId)).toEqual(['old-returned', 'mid-overdue', 'newest-queued', 'new-resolved']);
    expect(rows[0]!.className).toContain('attention');
    expect(rows[0]!.textContent).toContain('已退回110');
    expect(rows[0]!.textContent).toContain('承办单位：涉及人身安全，退回110');
    expect(rows[1]!.textContent).toContain('超期');
    expect(rows[2]!.className).not.toContain('attention');
  });

  it('acknowledges a returned transfer', async () => {
    const connection = new FakeDeskConnection(makeSnapshot({ transfers }));
    connection.handlers.acknowledgeReturned = ({ transferId }) => {
      const acknowledged = { ...transfers[1]!, id: transferId, needsAttention: false };
      connection.emit('transferChanged', acknowledged);
      return acknowledged;
    };
    await renderDesk(connection);
    await userEvent.click(screen.getByTestId('ack-returned'));
    expect(connection.callsOf('acknowledgeReturned')).toEqual([{ transferId: 'old-returned' }]);
    await waitFor(() => expect(screen.queryByTestId('ack-returned')).toBeNull());
  });

  it('shows a status update from upstream as it arrives', async () => {
    const queued = makeTransfer({ id: 't1', status: 'queued', undoUntilMs: null });
    const connection = new FakeDeskConnection(makeSnapshot({ transfers: [queued] }));
    await renderDesk(connection);
    expect(screen.getByTestId('transfer-status').textContent).toBe('待上传');
    act(() => connection.emit('transferChanged', { ...queued, status: 'accepted', statusBy: '县住建局' }));
    expect(screen.getByTestId('transfer-status').textContent).toBe('已受理');
  });
});

describe('the inbox', () => {
  it('shows what the civic platform passed to police until it is acknowledged', async () => {
    const item = { id: 'in-1', from: '24365', receivedAt: hoursAgo(0.2), callerNumber: '13700000000', summary: '来电人称邻居扬言要杀人', category: '110.threat' };
    const connection = new FakeDeskConnection(makeSnapshot({ inbox: [item] }));
    connection.handlers.acknowledgeInbox = () => [];
    await renderDesk(connection);
    const inbox = screen.getByTestId('inbox');
    expect(inbox.textContent).toContain('来电人称邻居扬言要杀人');
    expect(inbox.textContent).toContain('来自 24365');
    await userEvent.click(within(inbox).getByTestId('ack-inbox'));
    expect(connection.callsOf('acknowledgeInbox')).toEqual([{ id: 'in-1' }]);
    await waitFor(() => expect(within(inbox).queryByTestId('inbox-item')).toBeNull());
  });
});

describe('shift statistics', () => {
  it('shows the figures and bars in proportion to the transfers per target', async () => {
    const stats = {
      ...makeSnapshot().stats,
      calls: 40,
      dispositions: { transferred: 20, kept: 15, invalid: 4, open: 1 },
      transfersByTarget: { civic: 16, '119': 1, '120': 2, '122': 1 },
      nonPoliceShare: 20 / 39,
      overrides: 1,
      returned: 2,
      dispatchesSaved: 18,
    };
    await renderDesk(new FakeDeskConnection(makeSnapshot({ stats })));
    const panel = screen.getByTestId('stats-panel');
    expect(panel.textContent).toContain('40');
    expect(panel.textContent).toContain('18');
    expect(screen.getByTestId('stats-share').textContent).toBe('51%');
    const bars = [...panel.querySelectorAll('rect.bar')].map((r) => Number(r.getAttribute('width')));
    expect(bars).toHaveLength(4);
    expect(bars[0]).toBeGreaterThan(bars[2]!);
    expect(bars[2]).toBeCloseTo(bars[1]! * 2);
  });
});
