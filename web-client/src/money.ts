/**
 * Money is never a float here. The server sends decimal strings with two fraction digits
 * ("12.50"); when arithmetic or comparison is needed they become integer cents.
 */

const AMOUNT = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

/** "12.50" → 1250, "7" → 700, "0.5" → 50; null for anything else (signs, exponents, 3 decimals...). */
export function parseCents(text: string): number | null {
  const m = AMOUNT.exec(text.trim());
  if (!m) return null;
  const whole = Number(m[1]);
  const fraction = Number((m[2] ?? '').padEnd(2, '0'));
  const cents = whole * 100 + fraction;
  return Number.isSafeInteger(cents) ? cents : null;
}

/** 1250 → "12.50", -5 → "-0.05". */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not a whole number of cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const fraction = String(abs % 100).padStart(2, '0');
  return `${sign}${whole}.${fraction}`;
}

/** "1234567.5" → "1,234,567.50": for display; the input must be a valid amount string. */
export function displayAmount(text: string | null | undefined): string {
  if (text == null) return '—';
  const negative = text.trim().startsWith('-');
  const cents = parseCents(negative ? text.trim().slice(1) : text);
  if (cents === null) return text;
  const [whole, fraction] = formatCents(cents).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}.${fraction}`;
}

/** Why an amount typed for /send would be refused, or null when it looks fine. */
export function amountProblem(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return 'amount is required';
  const cents = parseCents(trimmed);
  if (cents === null) return 'amount must be a number with at most 2 decimals, like 12.50';
  if (cents === 0) return 'amount must be more than zero';
  return null;
}

/** a + b on decimal strings, exactly. */
export function addAmounts(a: string, b: string): string {
  const x = parseCents(a);
  const y = parseCents(b);
  if (x === null || y === null) throw new RangeError('not an amount');
  return formatCents(x + y);
}

/** Compares two amount strings: negative, zero or positive. */
export function compareAmounts(a: string, b: string): number {
  const x = parseCents(a);
  const y = parseCents(b);
  if (x === null || y === null) throw new RangeError('not an amount');
  return x - y;
}
