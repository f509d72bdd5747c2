import { useSnapshot, useT } from '../store/context';
import { CallActions } from './CallActions';
import { CallerNumber } from './CallerNumber';
import { CallTimer } from './CallTimer';
import { ClassificationPanel } from './ClassificationPanel';
import { NoteInput } from './NoteInput';
import { RedFlagBanner } from './RedFlagBanner';
import { TransferTarget } from './TransferTarget';
import { TransferToast } from './TransferToast';

/** The call in front of the call-taker: who, what they said, what the Desk makes of it, and the key's target. */
export function CallCard() {
  const t = useT();
  const call = useSnapshot('call');
  return (
    <section className="call-card" aria-label={t('call.title')} data-call-id={call.id}>
      <header className="call-header">
        <h1>{t('call.title')}</h1>
        <CallTimer startedAt={call.startedAt} label={t('call.timer')} />
        <CallerNumber />
      </header>
      <RedFlagBanner />
      <NoteInput />
      <ClassificationPanel />
      <TransferTarget />
      <CallActions />
      <TransferToast />
    </section>
  );
}
