// Entry of the call-taker's screen (Electron window or the browser desk).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { selectDeskConnection } from './api/select-client';
import { createDeskStore } from './store/desk-store';
import { DeskStoreProvider } from './store/context';
import { App } from './components/App';
import './styles/app.css';

const store = createDeskStore(selectDeskConnection());
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <DeskStoreProvider store={store}>
      <App />
    </DeskStoreProvider>
  </StrictMode>,
);
