import { useEffect, useRef } from 'react';
import { useDesk, useT } from '../store/context';

/** The note field: focused whenever nothing else needs the keyboard, every change sent to the Desk. */
export function NoteInput() {
  const t = useT();
  const draft = useDesk((s) => s.draft);
  const typeNote = useDesk((s) => s.typeNote);
  const focusTick = useDesk((s) => s.focusTick);
  const dialogOpen = useDesk((s) => s.dialog !== null);
  const ref = useRef<HTMLTextAreaElement>(null);
  const composing = useRef(false);

  useEffect(() => {
    if (!dialogOpen) ref.current?.focus();
  }, [focusTick, dialogOpen]);

  return (
    <label className="note">
      <span className="label">{t('call.note')}</span>
      <textarea
        ref={ref}
        data-testid="note-input"
        value={draft}
        maxLength={4000}
        rows={4}
        spellCheck={false}
        placeholder={t('call.notePlaceholder')}
        onChange={(e) => typeNote(e.target.value, { composing: composing.current })}
        onCompositionStart={() => {
          composing.current = true;
        }}
        onCompositionEnd={(e) => {
          composing.current = false;
          typeNote(e.currentTarget.value);
        }}
      />
    </label>
  );
}
