import { useEffect, useState } from 'react';
import { useDesk, useSnapshot, useT } from '../store/context';

/** The caller's number; typed in when the phone system does not pass it. Sent when the field is left. */
export function CallerNumber() {
  const t = useT();
  const call = useSnapshot('call');
  const setCallerNumber = useDesk((s) => s.setCallerNumber);
  const [value, setValue] = useState(call.callerNumber ?? '');
  useEffect(() => setValue(call.callerNumber ?? ''), [call.id, call.callerNumber]);
  return (
    <label className="caller-number">
      <span className="label">{t('call.caller')}</span>
      <input
        data-testid="caller-number"
        value={value}
        maxLength={32}
        inputMode="tel"
        placeholder={t('call.callerPlaceholder')}
        onChange={(e) => setValue(e.target.value)}
        onBlur={() => {
          if (value.trim() !== (call.callerNumber ?? '')) setCallerNumber(value);
        }}
      />
    </label>
  );
}
