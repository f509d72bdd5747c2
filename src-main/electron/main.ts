// Electron main process: glue only. The logic lives in plain modules beside this file, tested without Electron.
//
// The core (SQLite, HID, sync) runs here, in the main process, not in a utilityProcess: better-sqlite3's calls are
// synchronous and short (a transfer commit is ~1 ms with its fsync), so a key press goes key → Desk → committed with
// no process hop and no message queue in between; a utilityProcess would add a serialisation round trip to every key
// press and every screen command, a second process to supervise, and a second place where "in flight" can be lost at
// shutdown, to protect a UI thread that these short calls do not block. Long work (sync over the network) is
// asynchronous already.
import { app, BrowserWindow, dialog, globalShortcut, ipcMain, Menu, nativeImage, protocol, safeStorage, session, Tray } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyStateView, Locale, SyncStateView } from '../api/contract';
import { ConfigError, configSources, loadConfig, updateUserConfig } from '../core/config/load';
import { machineConfigPath, resolveDataDir } from '../core/config/paths';
import type { DeskConfig } from '../core/config/schema';
import type { Desk } from '../core/desk';
import { systemClock } from '../core/keys/clock';
import { createDeskLogger } from '../core/logging';
import { openDesk } from '../core/open-desk';
import { APP_USER_MODEL_ID, appLayout, parseShellArgs } from './app-layout';
import { InstallerConfigError, parseInstallerArgs, writeMachineConfig } from './installer-config';
import { createIpcHandler, createSenderCheck, DESK_CALL_CHANNEL, DESK_EVENT_CHANNEL, forwardDeskEvents } from './ipc';
import { registerKeyboardKeys } from './keyboard-keys';
import { focusExistingWindow, installCleanShutdown } from './lifecycle';
import { adoptPlaintextToken, TokenVault, withVaultToken } from './secrets';
import {
  browserWindowOptions,
  createDeskProtocolHandler,
  DESK_SCHEME,
  DESK_SCHEME_PRIVILEGES,
  DESK_URL,
  hardenSession,
  hardenWebContents,
  type HardenableContents,
} from './security';
import { trayMenuTemplate, trayStatus, type TrayState } from './tray';

const installer = parseInstallerArgs(process.argv);
if (installer) runInstallerAction(installer);
else runDesk();

/** Started by the MSI (as SYSTEM) to write UPSTREAM_URL / DESK_ID into the machine config; no window. */
function runInstallerAction(props: NonNullable<typeof installer>): void {
  const file = machineConfigPath();
  try {
    const written = writeMachineConfig(file, props);
    process.stdout.write(`${file}: ${written.length ? `wrote ${written.join(', ')}` : 'nothing to write'}\n`);
    app.exit(0);
  } catch (error) {
    const message = error instanceof InstallerConfigError ? error.message : `${file}: ${(error as Error).message}`;
    process.stderr.write(`${message}\n`);
    app.exit(1);
  }
}

function runDesk(): void {
  const args = parseShellArgs(process.argv);
  const dataDir = resolveDataDir(args.dataDir);
  // Electron's own files (caches, the single-instance lock) go with the desk's data: one folder per desk profile.
  app.setPath('userData', dataDir);
  app.setName('Fenliu');
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
  protocol.registerSchemesAsPrivileged([DESK_SCHEME_PRIVILEGES]);

  if (!app.requestSingleInstanceLock()) {
    app.exit(0); // the running desk was told (second-instance) and comes to the front
    return;
  }
  let window: BrowserWindow | null = null;
  app.on('second-instance', () => focusExistingWindow(window));
  app.on('window-all-closed', () => app.quit());

  app
    .whenReady()
    .then(() => start(dataDir, args.config, (w) => (window = w)))
    .catch((error: unknown) => {
      // A desk that cannot start says why in one sentence; the details are in the log when there is one.
      const message = error instanceof ConfigError ? error.message : (error as Error).message;
      dialog.showErrorBox('分流 Fenliu', `分流无法启动 / Fenliu cannot start:\n${message}`);
      app.exit(error instanceof ConfigError ? 2 : 1);
    });
}

async function start(dataDir: string, configFlag: string | undefined, setWindow: (w: BrowserWindow | null) => void): Promise<void> {
  const sources = configSources(dataDir, configFlag);
  const vault = new TokenVault(dataDir, safeStorage);
  const loaded = loadConfig(sources);
  // The log file stays open until the process exits (writes are synchronous): shutdown's last lines reach it.
  const { logger } = createDeskLogger({
    dataDir,
    level: loaded.logging.level,
    ...(app.isPackaged ? {} : { echo: process.stderr }),
  });
  logger.info({ version: app.getVersion(), electron: process.versions.electron, dataDir, machineConfig: sources.machineFile }, 'desk starting');
  const adopted = adoptPlaintextToken(sources.userFile, vault);
  if (adopted === 'moved') logger.info({ file: vault.file }, 'upstream token moved from the config file into the encrypted store');
  if (adopted === 'no-key-store') logger.warn({ file: sources.userFile }, 'no OS key store: the upstream token stays in the config file');
  // Re-read after adoption so the configuration reflects the files as they now are.
  const config: DeskConfig = withVaultToken(adopted === 'moved' ? loadConfig(sources) : loaded, vault);

  const layout = appLayout({ appPath: app.getAppPath(), mainDir: __dirname, resourcesPath: process.resourcesPath, packaged: app.isPackaged });
  if (!existsSync(join(layout.rendererDir, 'index.html'))) {
    throw new Error(`${join(layout.rendererDir, 'index.html')} is missing (npm run build:renderer)`);
  }
  // The core runs here in the main process: it reads the transfer key and syncs in the background.
  const desk: Desk = await openDesk({
    dataDir,
    config,
    configFile: sources.userFile,
    assetsDir: layout.assetsDir,
    log: logger,
    services: { keys: {}, sync: true },
  });

  const refused = (what: string, url: string) => logger.warn({ what, url }, 'refused by the desk window policy');
  let window: BrowserWindow | null = null;
  let tray: Tray | null = null;
  let stopEvents: () => void = () => undefined;
  const bindKeys = () => {
    const bound = registerKeyboardKeys(globalShortcut, desk.keyboardAccelerators(), (accelerator) => void desk.pressKeyboardKey(accelerator));
    if (bound.failed.length) logger.warn({ accelerators: bound.failed }, 'keyboard transfer key taken by another program');
    return bound;
  };
  let keys = bindKeys();
  // Learn mode can change which keys are bound.
  desk.onKeyboardBindings(() => {
    keys.unregister();
    keys = bindKeys();
  });

  const shutdown = installCleanShutdown(
    app,
    async () => {
      keys.unregister();
      stopEvents();
      await desk.close();
      tray?.destroy();
    },
    logger,
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown.shutdown(signal));

  protocol.handle(DESK_SCHEME, createDeskProtocolHandler(layout.rendererDir));
  hardenSession(session.defaultSession, refused);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents as unknown as HardenableContents, refused));

  window = new BrowserWindow(
    browserWindowOptions(layout.preload, {
      alwaysOnTop: config.ui.alwaysOnTop,
      devTools: !app.isPackaged,
      icon: join(layout.iconsDir, 'fenliu.png'),
    }),
  );
  setWindow(window);
  const checkSender = createSenderCheck(() => (window && !window.isDestroyed() ? window.webContents : null));
  ipcMain.handle(DESK_CALL_CHANNEL, createIpcHandler(desk, checkSender, { log: logger, isClosing: () => shutdown.closing }));
  stopEvents = forwardDeskEvents(desk, (message) => {
    if (window && !window.isDestroyed()) window.webContents.send(DESK_EVENT_CHANNEL, message);
  });
  window.once('ready-to-show', () => window?.show());
  // Windows ends the session without before-quit: close the desk here too.
  window.on('session-end', () => void shutdown.shutdown('session-end'));
  window.on('closed', () => {
    window = null;
    setWindow(null);
  });
  await window.loadURL(DESK_URL);

  if (app.isPackaged && process.platform !== 'linux') app.setLoginItemSettings({ openAtLogin: config.ui.startAtLogin });

  // Tray: sync and key state at a glance, and the way back to the window.
  const snapshot = desk.snapshot();
  let sync: SyncStateView = snapshot.sync;
  let keyState: KeyStateView = snapshot.keys;
  let locale: Locale = snapshot.locale;
  let alwaysOnTop = config.ui.alwaysOnTop;
  const icons = new Map<TrayState, Electron.NativeImage>(
    (['ok', 'offline', 'attention'] as const).map((s) => [s, nativeImage.createFromPath(join(layout.iconsDir, `tray-${s}.png`))]),
  );
  tray = new Tray(icons.get('ok')!);
  const refreshTray = () => {
    if (!tray || tray.isDestroyed()) return;
    const status = trayStatus(sync, keyState, locale, keys.failed);
    tray.setImage(icons.get(status.state)!);
    tray.setToolTip(status.tooltip);
    tray.setContextMenu(
      Menu.buildFromTemplate(
        trayMenuTemplate(locale, alwaysOnTop, {
          show: () => focusExistingWindow(window),
          toggleOnTop: (checked) => {
            alwaysOnTop = checked;
            window?.setAlwaysOnTop(checked);
            updateUserConfig(sources.userFile, { ui: { alwaysOnTop: checked } });
            refreshTray();
          },
          quit: () => app.quit(),
        }),
      ),
    );
  };
  tray.on('click', () => focusExistingWindow(window));
  desk.on('sync', (s) => ((sync = s), refreshTray()));
  desk.on('keys', (k) => ((keyState = k), refreshTray()));
  desk.on('locale', (l) => ((locale = l), refreshTray()));
  refreshTray();
  logger.info({ keyboardKeys: keys.registered }, 'desk ready');
}
