import { useEffect, useState } from 'react';
import type { ConnectionState, StateInfo } from '../gateway/client';

export function ConnectionBanner({
  state,
  info,
  started,
  onRetry,
}: {
  state: ConnectionState;
  info: StateInfo;
  started: boolean;
  onRetry: () => void;
}) {
  const [now, setNow] = useState(() => Date.now());
  const [deadline, setDeadline] = useState<number | null>(null);

  useEffect(() => {
    setDeadline(state === 'reconnecting' && info.delayMs !== undefined ? Date.now() + info.delayMs : null);
  }, [state, info]);

  useEffect(() => {
    if (deadline === null) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [deadline]);

  if (state === 'ready' || state === 'closed' || state === 'idle') return null;
  if (!started && state !== 'reconnecting') {
    return (
      <div className="connection-banner connecting" role="status">
        Connecting…
      </div>
    );
  }
  const seconds = deadline !== null ? Math.max(0, Math.ceil((deadline - now) / 1000)) : null;
  return (
    <div className="connection-banner" role="status" data-testid="reconnecting">
      <span className="spinner" aria-hidden="true" />
      <span>
        Reconnecting…
        {state === 'reconnecting' && seconds !== null && seconds > 0 ? ` next try in ${seconds}s` : ''}
        {info.attempt && info.attempt > 1 ? ` (attempt ${info.attempt})` : ''}
      </span>
      {state === 'reconnecting' && (
        <button className="btn btn-small" onClick={onRetry}>
          Retry now
        </button>
      )}
    </div>
  );
}
