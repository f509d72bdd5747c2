import { useEffect, useRef, type ReactNode } from 'react';

/** A modal panel; Esc is handled by the shortcuts (one place), focus goes to the first field. */
export function Dialog({ title, testId, children, onClose }: { title: string; testId: string; children: ReactNode; onClose(): void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('textarea, input, select, button:not(.dialog-close)')?.focus();
  }, []);
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-label={title} data-testid={testId} ref={ref}>
        <header className="dialog-header">
          <h2>{title}</h2>
          <button type="button" className="btn btn-small dialog-close" onClick={onClose} aria-label="×">
            ×
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}
