// Keyboard-mode transfer keys (pedals that type F13…): bound with Electron's globalShortcut, so they work whichever
// window has the focus. A global shortcut fires on every OS key repeat; the Desk's key service folds those into
// one press and maps the key to its configured action (or captures it in learn mode).

/** The parts of Electron's globalShortcut used here. */
export interface GlobalShortcutPort {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

export interface RegisteredKeys {
  registered: string[];
  /** Accelerators another program already holds (globalShortcut.register returned false, or threw). */
  failed: string[];
  unregister(): void;
}

/** Binds each accelerator globally; `press` receives the accelerator on every (OS-repeated) key-down. */
export function registerKeyboardKeys(
  shortcut: GlobalShortcutPort,
  accelerators: readonly string[],
  press: (accelerator: string) => void,
): RegisteredKeys {
  const registered: string[] = [];
  const failed: string[] = [];
  for (const accelerator of new Set(accelerators)) {
    let ok = false;
    try {
      ok = shortcut.register(accelerator, () => press(accelerator));
    } catch {
      ok = false;
    }
    (ok ? registered : failed).push(accelerator);
  }
  return {
    registered,
    failed,
    unregister: () => {
      for (const accelerator of registered) shortcut.unregister(accelerator);
    },
  };
}
