import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { transferFailureText, type TransferDialog as Transfer } from '../chat/store';
import { displayAmount, parseCents } from '../money';

interface Props {
  transfer: Transfer;
  balance: string | null;
  onConfirm: (pin: string) => boolean;
  onClose: () => void;
}

function useSecondsLeft(expiresAt: string): number | null {
  const deadline = Date.parse(expiresAt);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (Number.isNaN(deadline)) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [deadline]);
  return Number.isNaN(deadline) ? null : Math.max(0, Math.round((deadline - now) / 1000));
}

export function TransferDialog({ transfer, balance, onConfirm, onClose }: Props) {
  const [pin, setPin] = useState('');
  const titleId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const pinRef = useRef<HTMLInputElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef<Element | null>(null);
  const secondsLeft = useSecondsLeft(transfer.expiresAt);
  const { phase, error } = transfer;
  const asking = phase === 'pin' || phase === 'confirming';

  useEffect(() => {
    returnFocus.current = document.activeElement;
    return () => {
      if (returnFocus.current instanceof HTMLElement) returnFocus.current.focus();
    };
  }, []);

  // A wrong PIN clears the field for the next try.
  useEffect(() => {
    if (error) setPin('');
  }, [error]);

  useEffect(() => {
    if (phase === 'pin') pinRef.current?.focus();
    else if (phase === 'done' || phase === 'failed') closeRef.current?.focus();
  }, [phase, error]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (/^\d{4}$/.test(pin) && phase === 'pin') onConfirm(pin);
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
      return;
    }
    if (e.key !== 'Tab' || !dialogRef.current) return;
    // Keep the focus inside the dialog.
    const focusable = [...dialogRef.current.querySelectorAll<HTMLElement>('input, button:not([disabled])')];
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  }

  const amountCents = parseCents(transfer.amount);
  const balanceCents = balance ? parseCents(balance) : null;
  const moreThanBalance = amountCents !== null && balanceCents !== null && amountCents > balanceCents;

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        ref={dialogRef}
        onKeyDown={onKeyDown}
        data-testid="transfer-dialog"
        data-phase={phase}
      >
        {phase === 'done' && transfer.receipt ? (
          <>
            <div className="modal-icon success" aria-hidden="true">
              ✓
            </div>
            <h2 id={titleId}>Money sent</h2>
            <dl className="receipt-table" data-testid="dialog-receipt">
              <div>
                <dt>To</dt>
                <dd>{transfer.receipt.to}</dd>
              </div>
              <div>
                <dt>Amount</dt>
                <dd className="amount">{displayAmount(transfer.receipt.amount)}</dd>
              </div>
              <div>
                <dt>Your new balance</dt>
                <dd>{displayAmount(transfer.receipt.balance)}</dd>
              </div>
              <div>
                <dt>Reference</dt>
                <dd className="mono">{transfer.receipt.transfer_id}</dd>
              </div>
            </dl>
            <div className="modal-actions">
              <button ref={closeRef} className="btn btn-primary" onClick={onClose}>
                Done
              </button>
            </div>
          </>
        ) : (
          <form onSubmit={submit} noValidate>
            <h2 id={titleId}>Confirm payment</h2>
            <p className="transfer-summary">
              Send <strong className="amount">{displayAmount(transfer.amount)}</strong> to <strong>{transfer.to}</strong>
              <span className="muted"> in #{transfer.room}</span>
            </p>
            {moreThanBalance && asking && <p className="banner banner-warning">This is more than your balance ({displayAmount(balance)}).</p>}
            {asking && (
              <div className={`field pin-field${error ? ' field-invalid' : ''}`}>
                <label htmlFor={`${titleId}-pin`}>Your 4-digit PIN</label>
                <input
                  id={`${titleId}-pin`}
                  ref={pinRef}
                  type="password"
                  inputMode="numeric"
                  autoComplete="off"
                  maxLength={4}
                  value={pin}
                  disabled={phase === 'confirming'}
                  onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 4))}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? `${titleId}-error` : undefined}
                  data-testid="pin-input"
                />
              </div>
            )}
            {error && (
              <p className={`banner banner-error reason-${error.reason}`} id={`${titleId}-error`} role="alert" data-testid="transfer-error">
                {transferFailureText(error)}
              </p>
            )}
            {asking && secondsLeft !== null && (
              <p className="muted small">{secondsLeft > 0 ? `Waiting for your PIN: ${secondsLeft}s left.` : 'The confirmation window has passed.'}</p>
            )}
            <div className="modal-actions">
              {asking ? (
                <>
                  <button type="button" className="btn btn-secondary" onClick={onClose}>
                    Cancel
                  </button>
                  <button type="submit" className="btn btn-primary" disabled={pin.length !== 4 || phase === 'confirming'}>
                    {phase === 'confirming' ? 'Sending…' : `Send ${displayAmount(transfer.amount)}`}
                  </button>
                </>
              ) : (
                <button ref={closeRef} type="button" className="btn btn-primary" onClick={onClose}>
                  Close
                </button>
              )}
            </div>
          </form>
        )}
      </div>
    </div>
  );
}
