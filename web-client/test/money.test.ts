import { describe, expect, it } from 'vitest';
import { addAmounts, amountProblem, compareAmounts, displayAmount, formatCents, parseCents } from '../src/money';

describe('money', () => {
  it('parses decimal strings into integer cents', () => {
    expect(parseCents('12.50')).toBe(1250);
    expect(parseCents('7')).toBe(700);
    expect(parseCents('0.5')).toBe(50);
    expect(parseCents('0.05')).toBe(5);
    expect(parseCents(' 100.00 ')).toBe(10000);
    expect(parseCents('0.1')! + parseCents('0.2')!).toBe(30); // no float drift
  });
  it('refuses what is not an amount', () => {
    for (const bad of ['', '-1', '+1', '1e3', '1.234', '1,000', 'abc', '.5', '1.', 'NaN', '12345678901234']) {
      expect(parseCents(bad), bad).toBeNull();
    }
  });
  it('formats cents', () => {
    expect(formatCents(1250)).toBe('12.50');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(0)).toBe('0.00');
    expect(formatCents(-5)).toBe('-0.05');
    expect(() => formatCents(1.5)).toThrow();
  });
  it('displays with thousands separators', () => {
    expect(displayAmount('1234567.5')).toBe('1,234,567.50');
    expect(displayAmount('100.00')).toBe('100.00');
    expect(displayAmount('-1000')).toBe('-1,000.00');
    expect(displayAmount(null)).toBe('—');
  });
  it('adds and compares exactly', () => {
    expect(addAmounts('74.50', '25.50')).toBe('100.00');
    expect(addAmounts('0.10', '0.20')).toBe('0.30');
    expect(compareAmounts('10.00', '9.99')).toBeGreaterThan(0);
    expect(compareAmounts('10', '10.00')).toBe(0);
  });
  it('explains bad /send amounts', () => {
    expect(amountProblem('25')).toBeNull();
    expect(amountProblem('0')).toMatch(/more than zero/);
    expect(amountProblem('1.234')).toMatch(/2 decimals/);
    expect(amountProblem('')).toMatch(/required/);
  });
});
