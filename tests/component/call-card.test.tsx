// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, act } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CIVIC_NOODLES, FakeDeskConnection, makeClassification } from '../support/browser/fake-connection';
import { renderDesk } from '../support/browser/render-desk';

afterEach(cleanup);

function classifyingDesk(): FakeDeskConnection {
  const connection = new FakeDeskConnection();
  connection.handlers.setNote = ({ note }) => {
    const c = note.includes('米粉') ? CIVIC_NOODLES : makeClassification();
    connection.emit('classification', c);
    return c;
  };
  return connection;
}

describe('the current call card', () => {
  it('sends every change of the note and shows the live classification and the key target', async () => {
    const { connection } = await renderDesk(classifyingDesk());
    const note = screen.getByTestId('note-input');
    await userEvent.type(note, '送米粉');
    expect(connection.callsOf('setNote').map((a) => a.note)).toEqual(['送', '送米', '送米粉']);
    const classification = screen.getByTestId('classification');
    expect(classification).toHaveProperty('dataset.target', 'civic');
    expect(classification.textContent).toContain('24365市民服务平台');
    expect(classification.textContent).toContain('个人事务求助');
    expect(classification.textContent).toContain('米粉');
    expect(screen.getByTestId('transfer-target').textContent).toContain('转至 24365市民服务平台 24365');
  });

  it('says the key keeps a call with 110 when nothing matched', async () => {
    await renderDesk(classifyingDesk());
    await userEvent.type(screen.getByTestId('note-input'), '有人打架');
    expect(screen.getByTestId('transfer-target').textContent).toContain('留在110处理（不转接）');
    expect(screen.getByTestId('classification').textContent).toContain('未匹配任何规则');
  });

  it('keeps the note field focused, and empties and refocuses it when the Desk starts the next call', async () => {
    const { connection } = await renderDesk(classifyingDesk());
    const note = screen.getByTestId('note-input') as HTMLTextAreaElement;
    expect(document.activeElement).toBe(note);
    await userEvent.type(note, '送米粉');
    screen.getByTestId('settings-button').focus();
    act(() => connection.emit('call', { id: 'call-2', startedAt: new Date().toISOString(), callerNumber: null, note: '' }));
    expect(note.value).toBe('');
    await waitFor(() => expect(document.activeElement).toBe(note));
  });

  it('puts the note of an undone call back in the field', async () => {
    const { connection } = await renderDesk(classifyingDesk());
    act(() => connection.emit('call', { id: 'call-0', startedAt: new Date().toISOString(), callerNumber: '13900000000', note: '报警人称想吃米粉' }));
    expect((screen.getByTestId('note-input') as HTMLTextAreaElement).value).toBe('报警人称想吃米粉');
    expect((screen.getByTestId('caller-number') as HTMLInputElement).value).toBe('13900000000');
  });

  it('does not touch the note being typed when the same call changes (caller number)', async () => {
    const { connection } = await renderDesk(classifyingDesk());
    await userEvent.type(screen.getByTestId('note-input'), '送米粉');
    act(() => connection.emit('call', { id: 'call-1', startedAt: new Date().toISOString(), callerNumber: '110', note: '送' }));
    expect((screen.getByTestId('note-input') as HTMLTextAreaElement).value).toBe('送米粉');
  });

  it('sends the caller number when the field is left', async () => {
    const { connection } = await renderDesk(classifyingDesk());
    connection.handlers.setCallerNumber = ({ callerNumber }) => ({ id: 'call-1', startedAt: new Date().toISOString(), callerNumber, note: '' });
    await userEvent.type(screen.getByTestId('caller-number'), ' 13800000000 ');
    await userEvent.click(screen.getByTestId('note-input'));
    expect(connection.callsOf('setCallerNumber')).toEqual([{ callerNumber: '13800000000' }]);
  });

  it('while an input method composes, sends the note only once the text is committed', async () => {
    const { connection } = await renderDesk(classifyingDesk());
    const note = screen.getByTestId('note-input');
    fireEvent.compositionStart(note);
    fireEvent.change(note, { target: { value: 'mifen' } });
    fireEvent.compositionEnd(note, { target: { value: '米粉' } });
    await waitFor(() => expect(connection.callsOf('setNote').map((a) => a.note)).toEqual(['米粉']));
  });

  it('closes the call as kept (F3) or invalid (F4) and says so', async () => {
    const { connection } = await renderDesk(classifyingDesk());
    connection.handlers.closeCall = ({ disposition }) => ({
      call: { id: 'call-2', startedAt: new Date().toISOString(), callerNumber: null, note: '' },
      closed: { id: 'call-1', disposition },
    });
    await userEvent.keyboard('{F3}');
    expect(await screen.findByTestId('transfer-toast')).toHaveProperty('textContent', '已结束：留本台处理');
    await userEvent.click(screen.getByTestId('close-invalid'));
    await waitFor(() => expect(screen.getByTestId('transfer-toast').textContent).toBe('已结束：无效来电'));
    expect(connection.callsOf('closeCall')).toEqual([{ disposition: 'kept' }, { disposition: 'invalid' }]);
  });
});
