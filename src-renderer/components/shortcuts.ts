// Every action on the keyboard. One table, shown in Settings and on the buttons, read by useShortcuts.
import { useEffect } from 'react';
import type { TargetCode } from '../../src-main/api/contract';
import type { DeskStore } from '../store/desk-store';
import { markKey } from '../perf';

export const SHORTCUTS = {
  transfer: ['F2', 'Ctrl+Enter'],
  undo: ['Esc', 'Ctrl+Z'],
  keep: ['F3'],
  invalid: ['F4'],
  other: ['Alt+1…4'],
  settings: ['F10'],
} as const;

/** Alt+1…4: the targets a call-taker may pick instead of the classifier's, in this order. */
export const OTHER_TARGETS: Exclude<TargetCode, '110'>[] = ['civic', '119', '120', '122'];

export function undoableToast(store: DeskStore): string | null {
  const toast = store.getState().toast;
  if (toast?.kind !== 'transferred' || toast.transfer.undoUntilMs === null) return null;
  return toast.transfer.undoUntilMs > Date.now() ? toast.transfer.id : null;
}

/** Sends the call to a target the call-taker chose; a red-flagged call to civic goes through the override dialog. */
export function chooseTarget(store: DeskStore, target: Exclude<TargetCode, '110'>): void {
  const state = store.getState();
  if (target === 'civic' && state.desk?.classification.redFlag) state.openDialog('override');
  else void state.transfer({ trigger: 'screen', target });
}

function matchesAccelerator(event: KeyboardEvent, accelerator: string | null): boolean {
  return accelerator !== null && !event.ctrlKey && !event.altKey && !event.metaKey && (event.key === accelerator || event.code === accelerator);
}

export function handleShortcut(store: DeskStore, event: KeyboardEvent): boolean {
  const state = store.getState();
  // Keys typed into an input method (Esc cancels the composition) belong to it.
  if (!state.desk || event.repeat || event.isComposing) return false;
  if (state.dialog !== null) {
    if (event.key === 'Escape') {
      if (state.dialog === 'settings' && state.desk.keys.learning) void state.cancelLearn();
      state.openDialog(null);
      return true;
    }
    return false;
  }
  const transferKey = event.key === 'F2' || (event.key === 'Enter' && (event.ctrlKey || event.metaKey));
  if (transferKey || matchesAccelerator(event, state.desk.keys.keyboardAccelerator)) {
    markKey('shortcut');
    void state.transfer({ trigger: 'keyboard' });
    return true;
  }
  if (event.key === 'Escape' || (event.key.toLowerCase() === 'z' && event.ctrlKey && state.draft === '')) {
    const id = undoableToast(store);
    if (!id) return false;
    void state.undo(id);
    return true;
  }
  if (event.key === 'F3') {
    void state.closeCall('kept');
    return true;
  }
  if (event.key === 'F4') {
    void state.closeCall('invalid');
    return true;
  }
  if (event.key === 'F10') {
    state.openDialog('settings');
    return true;
  }
  if (event.altKey && !event.ctrlKey && /^Digit[1-4]$/.test(event.code)) {
    const target = OTHER_TARGETS[Number(event.code.slice(5)) - 1]!;
    if (target !== state.desk.classification.target) chooseTarget(store, target);
    return true;
  }
  return false;
}

export function useShortcuts(store: DeskStore): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (handleShortcut(store, event)) event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, [store]);
}
