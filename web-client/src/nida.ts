/**
 * Client-side mirrors of the server's identity rules (platform NationalId, FullName, app PinPolicy,
 * Username), for live feedback while typing. The server stays the judge.
 */

const GROUPS = [8, 5, 5, 2];
export const NIDA_DIGITS = 20;

/** The digits of whatever was typed, at most 20. */
export function nidaDigits(raw: string): string {
  return raw.replace(/\D/g, '').slice(0, NIDA_DIGITS);
}

/**
 * Formats typed input as YYYYMMDD-NNNNN-NNNNN-NN, inserting the dashes as the digits arrive.
 * A dash appears only once the next group has a digit, so backspace never gets stuck on one.
 */
export function formatNida(raw: string): string {
  const digits = nidaDigits(raw);
  const parts: string[] = [];
  let at = 0;
  for (const size of GROUPS) {
    if (at >= digits.length) break;
    parts.push(digits.slice(at, at + size));
    at += size;
  }
  return parts.join('-');
}

/** Where the caret goes in the formatted text so that it stays after the same number of digits. */
export function caretAfterDigits(formatted: string, digitsBefore: number): number {
  if (digitsBefore <= 0) return 0;
  let seen = 0;
  for (let i = 0; i < formatted.length; i++) {
    if (/\d/.test(formatted[i])) seen++;
    if (seen === digitsBefore) return i + 1;
  }
  return formatted.length;
}

export interface BirthDate {
  year: number;
  month: number;
  day: number;
}

/** The date the first 8 digits spell, if they spell a real one. */
export function birthDate(digits: string): BirthDate | null {
  if (!/^\d{8}/.test(digits)) return null;
  const year = Number(digits.slice(0, 4));
  const month = Number(digits.slice(4, 6));
  const day = Number(digits.slice(6, 8));
  if (month < 1 || month > 12 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  return { year, month, day };
}

function isoDate(d: BirthDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

function todayIso(today: Date): string {
  return isoDate({ year: today.getFullYear(), month: today.getMonth() + 1, day: today.getDate() });
}

export type NidaCheck =
  | { state: 'empty' }
  | { state: 'incomplete'; digits: number; problem: string | null }
  | { state: 'invalid'; problem: string }
  | { state: 'valid'; birth: BirthDate };

/**
 * Live validation of a national ID as typed. While incomplete, a problem is reported as soon as
 * the date part is known to be wrong; complete input gets the server's own verdicts.
 */
export function checkNida(raw: string, today: Date = new Date()): NidaCheck {
  const trimmed = raw.trim();
  if (trimmed === '') return { state: 'empty' };
  if (/[^\d-]/.test(trimmed)) return { state: 'invalid', problem: 'may contain only digits and dashes' };
  const digits = nidaDigits(trimmed);
  const dateProblem = digits.length >= 8 ? birthProblem(digits, today) : null;
  if (digits.length < NIDA_DIGITS) {
    return { state: 'incomplete', digits: digits.length, problem: dateProblem };
  }
  if (!/^\d{8}-\d{5}-\d{5}-\d{2}$/.test(trimmed) && !/^\d{20}$/.test(trimmed)) {
    return { state: 'invalid', problem: 'must be 20 digits, written YYYYMMDD-NNNNN-NNNNN-NN' };
  }
  if (dateProblem) return { state: 'invalid', problem: dateProblem };
  return { state: 'valid', birth: birthDate(digits)! };
}

function birthProblem(digits: string, today: Date): string | null {
  const birth = birthDate(digits);
  if (!birth) return 'must start with a real date of birth (YYYYMMDD)';
  const iso = isoDate(birth);
  if (iso >= todayIso(today)) return 'must start with a date of birth in the past';
  if (iso < '1900-01-01') return 'must start with a date of birth after 1900';
  return null;
}

/** The server's message for an ID, or null when valid. */
export function nidaProblem(raw: string, today: Date = new Date()): string | null {
  const check = checkNida(raw, today);
  switch (check.state) {
    case 'empty':
      return 'is required';
    case 'incomplete':
      return check.problem ?? 'must be 20 digits, written YYYYMMDD-NNNNN-NNNNN-NN';
    case 'invalid':
      return check.problem;
    case 'valid':
      return null;
  }
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];

export function describeBirth(b: BirthDate): string {
  return `${b.day} ${MONTHS[b.month - 1]} ${b.year}`;
}

const COMMON_PINS = new Set([
  '1234', '1111', '0000', '1212', '7777', '1004', '2000', '4444', '2222', '6969',
  '9999', '3333', '5555', '6666', '1122', '1313', '8888', '4321', '2001', '1010',
  '2580', '0852', '1230', '0987', '5683', '1357', '2468', '1990', '1991', '1992',
  '1985', '1986', '1987', '1988', '1989', '1980', '1999', '2002', '2003', '2004',
  '2005', '2006', '2007', '2008', '2009', '2010', '2011', '2012', '2020', '2021',
  '2022', '2023', '2024', '2025', '0101', '0202', '0303', '0404', '0505', '0606',
  '0707', '0808', '0909', '1100', '1123', '1200', '1221', '1231', '1414', '1515',
  '1616', '1717', '1818', '1919', '2112', '2121', '2323', '3434', '4545', '5656',
  '6789', '7890', '0123', '3210', '5432', '6543', '7654', '8765', '9876', '0001',
  '1000', '0007', '1023', '1029', '2014', '1369', '1470', '0258', '9630', '8520',
]);

/** Why a PIN may not be chosen (mirrors the server's PinPolicy), or null when it may. */
export function pinProblem(pin: string, nationalId?: string | null): string | null {
  if (!/^\d{4}$/.test(pin)) return 'must be exactly 4 digits';
  if (new Set(pin).size === 1) return 'must not be one digit repeated';
  const step = pin.charCodeAt(1) - pin.charCodeAt(0);
  if (Math.abs(step) === 1 && [2, 3].every((i) => pin.charCodeAt(i) - pin.charCodeAt(i - 1) === step)) {
    return 'must not be a straight sequence of digits';
  }
  if (nationalId) {
    const digits = nidaDigits(nationalId);
    if (digits.length >= 8) {
      const yyyy = digits.slice(0, 4);
      const mm = digits.slice(4, 6);
      const dd = digits.slice(6, 8);
      if ([yyyy, mm + dd, dd + mm].includes(pin)) return 'must not be part of your date of birth';
    }
  }
  if (COMMON_PINS.has(pin)) return 'is one of the most common PINs; choose another';
  return null;
}

/** Why a username would be refused, or null. Usernames are case-insensitive (stored lower case). */
export function usernameProblem(raw: string): string | null {
  const name = raw.trim().toLowerCase();
  if (name === '') return 'is required';
  if (name.length < 3 || name.length > 32) return 'must be 3 to 32 characters';
  if (!/^[a-z0-9_]+$/.test(name)) return 'may contain only letters, digits and _';
  return null;
}

/** Why a full name would be refused, or null (letters of any script, spaces, ' and -). */
export function fullNameProblem(raw: string): string | null {
  const name = raw.trim().replace(/\s+/g, ' ').normalize('NFC');
  if (name === '') return 'is required';
  if ([...name].length > 100) return 'must be at most 100 characters';
  if (!/^[\p{L}\p{M}]+(?:[ '’-]+[\p{L}\p{M}]+)*$/u.test(name)) {
    return 'may contain only letters, spaces, apostrophes and hyphens';
  }
  return null;
}
