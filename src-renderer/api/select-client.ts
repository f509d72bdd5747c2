// Picks the transport: Electron's preload bridge (`window.fenliu`) when present, else the browser desk's
// WebSocket on the page's own origin with the per-start token from the address.
import type { DeskClient } from '../../src-main/api/contract';
import type { DeskConnection } from './connection';
import { connectWebSocketDesk } from './websocket-client';

declare global {
  interface Window {
    /** Exposed by src-main/electron's preload through contextBridge. */
    fenliu?: DeskClient;
  }
}

const TOKEN_KEY = 'fenliu.token';

function bridgeConnection(bridge: DeskClient): DeskConnection {
  return {
    call: (command, args) => bridge.call(command, args),
    on: (event, listener) => bridge.on(event, listener),
    state: () => 'open',
    onConnection: () => () => undefined,
  };
}

/** The token comes in the address once; it is kept for reloads of this tab and taken out of the address bar. */
function takeToken(win: Window): string {
  const params = new URLSearchParams(win.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    win.sessionStorage.setItem(TOKEN_KEY, fromUrl);
    params.delete('token');
    const rest = params.toString();
    win.history.replaceState(null, '', `${win.location.pathname}${rest ? `?${rest}` : ''}${win.location.hash}`);
    return fromUrl;
  }
  return win.sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function selectDeskConnection(win: Window = window): DeskConnection {
  if (win.fenliu) return bridgeConnection(win.fenliu);
  const scheme = win.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = takeToken(win);
  return connectWebSocketDesk(`${scheme}//${win.location.host}/desk?token=${encodeURIComponent(token)}`);
}
