import { describe, expect, it } from 'vitest';
import { caretAfterDigits, checkNida, formatNida, fullNameProblem, nidaProblem, pinProblem, usernameProblem } from '../src/nida';

const today = new Date(2026, 10, 25);

describe('NIDA formatting', () => {
  it('inserts dashes as digits arrive, never a trailing one', () => {
    expect(formatNida('1985')).toBe('1985');
    expect(formatNida('19850312')).toBe('19850312');
    expect(formatNida('198503121')).toBe('19850312-1');
    expect(formatNida('19850312123456789012')).toBe('19850312-12345-67890-12');
    expect(formatNida('19850312-12345-67890-12')).toBe('19850312-12345-67890-12');
  });
  it('drops non-digits and anything past 20 digits', () => {
    expect(formatNida('1985 03 12 / 12345')).toBe('19850312-12345');
    expect(formatNida('198503121234567890123456')).toBe('19850312-12345-67890-12');
  });
  it('backspace over a dash removes the digit before it on the next keystroke, not stuck', () => {
    // the user deletes the dash of "19850312-1": "198503121" formats back to "19850312-1"
    expect(formatNida('198503121')).toBe('19850312-1');
    expect(formatNida('19850312')).toBe('19850312');
  });
  it('keeps the caret after the same digits', () => {
    expect(caretAfterDigits('19850312-12345', 9)).toBe(10);
    expect(caretAfterDigits('19850312-12345', 8)).toBe(8);
    expect(caretAfterDigits('19850312-12345', 0)).toBe(0);
    expect(caretAfterDigits('1985', 10)).toBe(4);
  });
});

describe('NIDA validation', () => {
  it('accepts a valid ID, dashed or not', () => {
    expect(checkNida('19850312-12345-67890-12', today)).toEqual({ state: 'valid', birth: { year: 1985, month: 3, day: 12 } });
    expect(nidaProblem('19850312123456789012', today)).toBeNull();
  });
  it('reports progress while typing', () => {
    expect(checkNida('', today)).toEqual({ state: 'empty' });
    expect(checkNida('1985', today)).toEqual({ state: 'incomplete', digits: 4, problem: null });
  });
  it('flags a bad date as soon as 8 digits are typed', () => {
    expect(checkNida('19851332', today)).toMatchObject({ state: 'incomplete', problem: expect.stringMatching(/real date/) });
    expect(checkNida('19850230-1', today)).toMatchObject({ problem: expect.stringMatching(/real date/) });
    expect(checkNida('20000229', today)).toMatchObject({ problem: null }); // leap day
    expect(checkNida('19000229', today)).toMatchObject({ problem: expect.stringMatching(/real date/) });
  });
  it('wants a past date after 1900', () => {
    expect(nidaProblem('20261125-12345-67890-12', today)).toMatch(/in the past/);
    expect(nidaProblem('20300101-12345-67890-12', today)).toMatch(/in the past/);
    expect(nidaProblem('18991231-12345-67890-12', today)).toMatch(/after 1900/);
    expect(nidaProblem('20261124-12345-67890-12', today)).toBeNull();
  });
  it('refuses other shapes', () => {
    expect(nidaProblem('1985031-212345-67890-12', today)).toMatch(/20 digits/);
    expect(nidaProblem('19850312-12345-6789a-12', today)).toMatch(/only digits/);
    expect(nidaProblem('19850312-12345', today)).toMatch(/20 digits/);
  });
});

describe('PIN policy', () => {
  it('accepts an ordinary PIN', () => {
    expect(pinProblem('4826', '19850312-12345-67890-12')).toBeNull();
  });
  it('mirrors the server rules', () => {
    expect(pinProblem('48a6')).toMatch(/4 digits/);
    expect(pinProblem('482')).toMatch(/4 digits/);
    expect(pinProblem('7777')).toMatch(/repeated/);
    expect(pinProblem('3456')).toMatch(/sequence/);
    expect(pinProblem('8765')).toMatch(/sequence/);
    expect(pinProblem('1234')).toMatch(/sequence/);
    expect(pinProblem('2580')).toMatch(/common/);
    expect(pinProblem('1985', '19850312-12345-67890-12')).toMatch(/date of birth/);
    expect(pinProblem('0312', '19850312-12345-67890-12')).toMatch(/date of birth/);
    expect(pinProblem('1203', '19850312-12345-67890-12')).toMatch(/date of birth/);
  });
});

describe('usernames and names', () => {
  it('checks usernames', () => {
    expect(usernameProblem('amani_1')).toBeNull();
    expect(usernameProblem('Amani')).toBeNull();
    expect(usernameProblem('am')).toMatch(/3 to 32/);
    expect(usernameProblem('a-b-c')).toMatch(/letters, digits/);
  });
  it('checks full names in any script', () => {
    expect(fullNameProblem('Amani Juma')).toBeNull();
    expect(fullNameProblem("N'Golo Kanté-Diallo")).toBeNull();
    expect(fullNameProblem('Ана Петрова')).toBeNull();
    expect(fullNameProblem('')).toMatch(/required/);
    expect(fullNameProblem('R2D2')).toMatch(/only letters/);
  });
});
