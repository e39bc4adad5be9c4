import { useState, type FormEvent } from 'react';
import { api, ApiError, type Session } from '../api';
import { navigate } from '../router';
import { AuthFrame, Field } from './Field';

export function LoginPage({ onLoggedIn, flash }: { onLoggedIn: (s: Session) => void; flash: string | null }) {
  const [username, setUsername] = useState('');
  const [pin, setPin] = useState('');
  const [errors, setErrors] = useState<{ username?: string; pin?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const name = username.trim().toLowerCase();
    const next: typeof errors = {};
    if (!name) next.username = 'Enter your username.';
    if (!/^\d{4}$/.test(pin)) next.pin = 'Your PIN is 4 digits.';
    setErrors(next);
    if (next.username || next.pin) return;
    setBusy(true);
    try {
      const session = await api.logIn(name, pin);
      onLoggedIn(session);
    } catch (err) {
      setPin('');
      if (err instanceof ApiError) {
        if (err.status === 423) {
          setErrors({ form: `Account locked: ${err.forField('pin') ?? err.errors[0]?.message ?? 'too many wrong PINs'}.` });
        } else if (err.status === 401) {
          setErrors({ pin: 'Username or PIN is wrong.' });
        } else if (err.status === 400) {
          setErrors({ username: err.forField('username'), pin: err.forField('pin'), form: err.forField('body') });
        } else {
          setErrors({ form: err.status === 0 ? err.errors[0].message : `The server could not log you in (${err.status}). Try again.` });
        }
      } else {
        setErrors({ form: 'Something went wrong. Try again.' });
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame title="Log in" subtitle="Chat, and send money without leaving the conversation.">
      {flash && (
        <p className="banner banner-info" role="status">
          {flash}
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <Field
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          autoFocus
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          error={errors.username}
        />
        <Field
          label="PIN"
          name="pin"
          type="password"
          inputMode="numeric"
          autoComplete="current-password"
          maxLength={4}
          value={pin}
          onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 4))}
          error={errors.pin}
        />
        {errors.form && (
          <p className="banner banner-error" role="alert">
            {errors.form}
          </p>
        )}
        <button className="btn btn-primary btn-block" type="submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p className="auth-switch">
        New here?{' '}
        <a
          href="/signup"
          onClick={(e) => {
            e.preventDefault();
            navigate('/signup');
          }}
        >
          Create an account
        </a>
      </p>
    </AuthFrame>
  );
}
