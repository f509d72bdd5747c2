// Single instance and clean shutdown, as plain functions over the few Electron calls they make.
//
// Nothing in flight can be lost at quit: a transfer is committed (fsynced) inside the synchronous Desk call that the
// key or the IPC message started, before anything else runs in this process. Shutdown then stops new commands,
// awaits desk.close() (hold timers, key reader, sync loop, database close with its WAL checkpoint) and only then
// lets Electron exit.

export interface QuitEvent {
  preventDefault(): void;
}

export interface AppPort {
  on(event: 'before-quit', listener: (event: QuitEvent) => void): unknown;
  exit(code?: number): void;
}

export interface ShutdownLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface CleanShutdown {
  /** True once shutdown began (IPC then refuses new commands). */
  readonly closing: boolean;
  /** Starts shutdown (from the tray's Quit, a signal, the end of the Windows session); resolves when done. */
  shutdown(reason: string): Promise<void>;
}

/**
 * Holds Electron's quit until `close` (desk.close() and the rest) has finished, then exits: 0 when the close went
 * well, 1 when it failed (logged).
 */
export function installCleanShutdown(app: AppPort, close: () => Promise<void>, log: ShutdownLog): CleanShutdown {
  let running: Promise<void> | null = null;
  let closing = false;
  const shutdown = (reason: string): Promise<void> => {
    if (running) return running;
    closing = true;
    log.info({ reason }, 'shutting down');
    running = close().then(
      () => {
        log.info({}, 'desk closed cleanly');
        app.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'desk did not close cleanly');
        app.exit(1);
      },
    );
    return running;
  };
  app.on('before-quit', (event) => {
    // app.exit() does not emit before-quit again; every other quit path is held here until the desk is closed.
    event.preventDefault();
    void shutdown('quit');
  });
  return {
    get closing() {
      return closing;
    },
    shutdown,
  };
}

export interface FocusableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  isVisible(): boolean;
  show(): void;
  focus(): void;
}

/** A second start of the desk brings the running one to the front instead of opening a second database. */
export function focusExistingWindow(window: FocusableWindow | null): boolean {
  if (!window || window.isDestroyed()) return false;
  if (window.isMinimized()) window.restore();
  if (!window.isVisible()) window.show();
  window.focus();
  return true;
}
