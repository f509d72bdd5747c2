// A stand-in for the `electron` module, for running the real bundled main process (dist-main/electron/main.cjs) in
// plain Node where Electron's binary cannot be installed. Loaded with `node --require`. It records what the shell
// asks of Electron (window options, IPC handlers, protocol, shortcuts, tray), then plays the part of the desk
// window: it calls the shell's own IPC handler as the window would, presses the keyboard key, quits, and prints
// one line `FAKE_ELECTRON_RESULT {json}` on exit.
'use strict';
const Module = require('node:module');
const { EventEmitter } = require('node:events');

const record = { windows: [], ipcHandlers: {}, protocols: {}, privileged: [], shortcuts: {}, tooltips: [], sent: [], errors: [], sessionHardened: {}, steps: {} };
const appEvents = new EventEmitter();
let exited = false;

function finish(code) {
  if (exited) return;
  exited = true;
  process.stdout.write(`FAKE_ELECTRON_RESULT ${JSON.stringify(record)}\n`);
  process.exit(code);
}

const app = {
  isPackaged: false,
  getVersion: () => '0.0.0-test',
  getAppPath: () => process.env.FAKE_APP_PATH,
  setPath: (name, value) => (record.paths = { ...record.paths, [name]: value }),
  setName: () => undefined,
  setAppUserModelId: () => undefined,
  setLoginItemSettings: (s) => (record.loginItem = s),
  requestSingleInstanceLock: () => true,
  on: (event, listener) => appEvents.on(event, listener),
  whenReady: () => new Promise((r) => setImmediate(r)),
  quit: () => {
    let prevented = false;
    appEvents.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) finish(0);
  },
  exit: (code = 0) => finish(code),
};

class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    record.windows.push(options);
    this.destroyed = false;
    this.webContents = Object.assign(new EventEmitter(), {
      send: (channel, message) => record.sent.push({ channel, event: message.event }),
      setWindowOpenHandler: (h) => (this.windowOpenHandler = h),
    });
    appEvents.emit('web-contents-created', {}, this.webContents);
    BrowserWindow.current = this;
  }
  async loadURL(url) {
    record.loadedUrl = url;
    setImmediate(() => this.emit('ready-to-show'));
  }
  show() {}
  focus() {}
  isDestroyed() { return this.destroyed; }
  isMinimized() { return false; }
  isVisible() { return true; }
  restore() {}
  setAlwaysOnTop() {}
}

class Tray {
  constructor() { Tray.current = this; }
  setImage(image) { record.trayImage = image.path; }
  setToolTip(text) { record.tooltips.push(text); }
  setContextMenu() {}
  on() {}
  destroy() { this.destroyed = true; }
  isDestroyed() { return Boolean(this.destroyed); }
}

const electron = {
  app,
  BrowserWindow,
  Tray,
  dialog: { showErrorBox: (title, message) => record.errors.push(message) },
  globalShortcut: { register: (a, cb) => ((record.shortcuts[a] = cb), true), unregister: (a) => delete record.shortcuts[a] },
  ipcMain: { handle: (channel, handler) => (record.ipcHandlers[channel] = handler) },
  Menu: { buildFromTemplate: (t) => t },
  nativeImage: { createFromPath: (path) => ({ path }) },
  protocol: { registerSchemesAsPrivileged: (list) => record.privileged.push(...list), handle: (scheme, h) => (record.protocols[scheme] = h) },
  safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h) => (record.sessionHardened.permissionRequest = h),
      setPermissionCheckHandler: (h) => (record.sessionHardened.permissionCheck = h),
      webRequest: { onBeforeRequest: (filter) => (record.sessionHardened.blocked = filter.urls) },
    },
  },
};

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? __filename : resolveFilename.call(this, request, ...rest);
};
module.exports = electron;

// The desk window's part, once the shell is up (it creates the tray last).
async function play() {
  const win = BrowserWindow.current;
  const call = record.ipcHandlers['desk:call'];
  const trusted = { sender: win.webContents, senderFrame: { url: 'fenliu://desk/index.html', parent: null } };
  const page = await record.protocols.fenliu(new Request('fenliu://desk/index.html'));
  record.steps.page = { status: page.status, csp: page.headers.get('content-security-policy'), body: await page.text() };
  record.steps.permissionGranted = await new Promise((r) => record.sessionHardened.permissionRequest({}, 'media', r));
  await call(trusted, { id: 1, command: 'setNote', args: { note: process.env.FAKE_NOTE_SCREEN } });
  record.steps.screenTransfer = await call(trusted, { id: 2, command: 'transfer', args: { target: 'civic' } });
  record.steps.badMessage = await call(trusted, { id: 3, command: 'transfer', args: { target: 'fire' } });
  record.steps.untrusted = await call({ sender: {}, senderFrame: { url: 'https://evil.example/', parent: null } }, { id: 4, command: 'snapshot', args: {} });
  await call(trusted, { id: 5, command: 'setNote', args: { note: process.env.FAKE_NOTE_KEY } });
  record.steps.shortcutsBound = Object.keys(record.shortcuts);
  record.shortcuts.F13();
  record.steps.afterKey = await call(trusted, { id: 6, command: 'listTransfers', args: {} });
  app.quit();
}

const started = Date.now();
const wait = setInterval(() => {
  if (Tray.current && record.tooltips.length > 0 && record.ipcHandlers['desk:call']) {
    clearInterval(wait);
    play().catch((error) => {
      record.errors.push(String(error && error.stack || error));
      finish(70);
    });
  } else if (Date.now() - started > 20000 || record.errors.length) {
    clearInterval(wait);
    record.errors.push('the shell did not come up');
    finish(71);
  }
}, 20);
wait.unref();
