// Preload (sandboxed, context-isolated): gives the page `window.fenliu`, a DeskClient over IPC, and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadClient } from './preload-client';

const client = createPreloadClient(ipcRenderer);

contextBridge.exposeInMainWorld('fenliu', {
  call: (command: Parameters<typeof client.call>[0], args: unknown) => client.call(command, args as never),
  on: (event: Parameters<typeof client.on>[0], listener: (payload: unknown) => void) => client.on(event, listener),
});
