// Renders the whole screen against a FakeDeskConnection, as main.tsx does against the real transport.
import { render, screen } from '@testing-library/react';
import { App } from '../../../src-renderer/components/App';
import { DeskStoreProvider } from '../../../src-renderer/store/context';
import { createDeskStore, type DeskStore } from '../../../src-renderer/store/desk-store';
import { FakeDeskConnection } from './fake-connection';

export async function renderDesk(connection = new FakeDeskConnection()): Promise<{ connection: FakeDeskConnection; store: DeskStore }> {
  const store = createDeskStore(connection);
  render(
    <DeskStoreProvider store={store}>
      <App />
    </DeskStoreProvider>,
  );
  await screen.findByTestId('note-input');
  return { connection, store };
}
