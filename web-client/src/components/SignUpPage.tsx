import { useLayoutEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { api, ApiError, type Session } from '../api';
import {
  caretAfterDigits,
  checkNida,
  describeBirth,
  formatNida,
  fullNameProblem,
  NIDA_DIGITS,
  nidaProblem,
  pinProblem,
  usernameProblem,
} from '../nida';
import { navigate } from '../router';
import { AuthFrame, Field } from './Field';

type FieldName = 'username' | 'fullName' | 'nationalId' | 'pin' | 'pin2';
type Errors = Partial<Record<FieldName | 'form', string>>;

const STEPS = ['Username', 'Identity', 'PIN'] as const;
const STEP_OF: Record<FieldName, number> = { username: 0, fullName: 1, nationalId: 1, pin: 2, pin2: 2 };

const cap = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s);

export function SignUpPage({ onLoggedIn }: { onLoggedIn: (s: Session) => void }) {
  const [step, setStep] = useState(0);
  const [username, setUsername] = useState('');
  const [fullName, setFullName] = useState('');
  const [nationalId, setNationalId] = useState('');
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [kycDown, setKycDown] = useState(false);
  const nidRef = useRef<HTMLInputElement>(null);
  const caret = useRef<number | null>(null);

  useLayoutEffect(() => {
    if (caret.current !== null && nidRef.current && document.activeElement === nidRef.current) {
      nidRef.current.setSelectionRange(caret.current, caret.current);
    }
    caret.current = null;
  }, [nationalId]);

  function onNationalId(e: ChangeEvent<HTMLInputElement>) {
    const raw = e.target.value;
    const at = e.target.selectionStart ?? raw.length;
    const digitsBefore = raw.slice(0, at).replace(/\D/g, '').length;
    const formatted = formatNida(raw);
    caret.current = caretAfterDigits(formatted, digitsBefore);
    setNationalId(formatted);
    setErrors((x) => ({ ...x, nationalId: undefined }));
  }

  function validate(upTo: number): Errors {
    const found: Errors = {};
    const problem = (field: FieldName, p: string | null, label: string) => {
      if (p && STEP_OF[field] <= upTo) found[field] = `${label} ${p}.`;
    };
    problem('username', usernameProblem(username), 'Username');
    problem('fullName', fullNameProblem(fullName), 'Full name');
    problem('nationalId', nidaProblem(nationalId), 'National ID');
    problem('pin', pinProblem(pin, nationalId), 'PIN');
    if (upTo >= 2 && !found.pin && pin !== pin2) found.pin2 = 'The two PINs differ.';
    return found;
  }

  function next(e: FormEvent) {
    e.preventDefault();
    const found = validate(step);
    setErrors(found);
    const first = firstStep(found);
    if (first !== null) {
      setStep(first);
      return;
    }
    if (step < 2) setStep(step + 1);
    else void submit();
  }

  async function submit() {
    setBusy(true);
    setKycDown(false);
    setErrors({});
    const name = username.trim().toLowerCase();
    try {
      await api.signUp({ username: name, fullName: fullName.trim(), nationalId, pin });
      onLoggedIn(await api.logIn(name, pin));
    } catch (err) {
      if (!(err instanceof ApiError)) {
        setErrors({ form: 'Something went wrong. Try again.' });
      } else if (err.status === 503) {
        setKycDown(true);
      } else if (err.status === 400 || err.status === 409) {
        const found: Errors = {};
        for (const { field, message } of err.errors) {
          const label = { username: 'Username', fullName: 'Full name', nationalId: 'National ID', pin: 'PIN' }[field];
          if (label) found[field as FieldName] = err.status === 409 ? `That username is taken (${message}).` : `${label} ${message}.`;
          else found.form = cap(message);
        }
        setErrors(found);
        setStep(firstStep(found) ?? step);
      } else if (err.status === 0) {
        setErrors({ form: err.errors[0].message });
      } else {
        setErrors({ form: `Sign-up failed (${err.status}): ${err.message}` });
      }
    } finally {
      setBusy(false);
    }
  }

  const nid = checkNida(nationalId);
  const nidHint =
    nid.state === 'valid' ? (
      <span className="ok">✓ Valid NIDA number · born {describeBirth(nid.birth)}</span>
    ) : nid.state === 'incomplete' ? (
      `${nid.digits}/${NIDA_DIGITS} digits · YYYYMMDD-NNNNN-NNNNN-NN, starting with your date of birth`
    ) : (
      'YYYYMMDD-NNNNN-NNNNN-NN, starting with your date of birth'
    );
  const liveNidError =
    nid.state === 'invalid' ? `National ID ${nid.problem}.` : nid.state === 'incomplete' && nid.problem ? `National ID ${nid.problem}.` : null;
  const livePinError = pin.length === 4 ? pinProblem(pin, nationalId) : null;

  return (
    <AuthFrame title="Create your account" subtitle="Three short steps. Your name and ID are kept by our identity service only.">
      <ol className="steps" aria-label="Sign-up steps">
        {STEPS.map((label, i) => (
          <li key={label} className={i === step ? 'current' : i < step ? 'done' : ''} aria-current={i === step ? 'step' : undefined}>
            <span className="step-number">{i < step ? '✓' : i + 1}</span> {label}
          </li>
        ))}
      </ol>
      <form onSubmit={next} noValidate>
        {step === 0 && (
          <Field
            label="Username"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus
            value={username}
            maxLength={32}
            onChange={(e) => {
              setUsername(e.target.value);
              setErrors((x) => ({ ...x, username: undefined }));
            }}
            hint="3 to 32 letters, digits or _"
            error={errors.username}
          />
        )}
        {step === 1 && (
          <>
            <Field
              label="Full name"
              name="fullName"
              autoComplete="name"
              autoFocus
              value={fullName}
              maxLength={100}
              onChange={(e) => {
                setFullName(e.target.value);
                setErrors((x) => ({ ...x, fullName: undefined }));
              }}
              hint="As on your national ID"
              error={errors.fullName}
            />
            <Field
              label="National ID (NIDA)"
              name="nationalId"
              inputMode="numeric"
              autoComplete="off"
              placeholder="19850312-12345-67890-12"
              value={nationalId}
              inputRef={nidRef}
              onChange={onNationalId}
              hint={nidHint}
              error={errors.nationalId ?? liveNidError}
            />
          </>
        )}
        {step === 2 && (
          <>
            <Field
              label="Choose a 4-digit PIN"
              name="pin"
              type="password"
              inputMode="numeric"
              autoComplete="new-password"
              autoFocus
              maxLength={4}
              value={pin}
              onChange={(e) => {
                setPin(e.target.value.replace(/\D/g, '').slice(0, 4));
                setErrors((x) => ({ ...x, pin: undefined }));
              }}
              hint="You will use it to log in and to confirm payments. Avoid 1234, repeated digits and your birth date."
              error={errors.pin ?? (livePinError ? `PIN ${livePinError}.` : null)}
            />
            <Field
              label="Repeat the PIN"
              name="pin2"
              type="password"
              inputMode="numeric"
              autoComplete="new-password"
              maxLength={4}
              value={pin2}
              onChange={(e) => {
                setPin2(e.target.value.replace(/\D/g, '').slice(0, 4));
                setErrors((x) => ({ ...x, pin2: undefined }));
              }}
              error={errors.pin2}
            />
          </>
        )}
        {kycDown && (
          <div className="banner banner-error" role="alert">
            <p>Identity verification is unavailable right now. Your username is held for you; retry in a moment.</p>
            <button type="button" className="btn btn-secondary" onClick={() => void submit()} disabled={busy}>
              Retry
            </button>
          </div>
        )}
        {errors.form && (
          <p className="banner banner-error" role="alert">
            {errors.form}
          </p>
        )}
        <div className="form-actions">
          {step > 0 && (
            <button type="button" className="btn btn-secondary" onClick={() => setStep(step - 1)} disabled={busy}>
              Back
            </button>
          )}
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {step < 2 ? 'Next' : busy ? 'Creating account…' : 'Create account'}
          </button>
        </div>
      </form>
      <p className="auth-switch">
        Already have an account?{' '}
        <a
          href="/login"
          onClick={(e) => {
            e.preventDefault();
            navigate('/login');
          }}
        >
          Log in
        </a>
      </p>
    </AuthFrame>
  );
}

function firstStep(errors: Errors): number | null {
  const steps = (Object.keys(errors) as (FieldName | 'form')[])
    .filter((k) => k !== 'form' && errors[k])
    .map((k) => STEP_OF[k as FieldName]);
  return steps.length ? Math.min(...steps) : null;
}
