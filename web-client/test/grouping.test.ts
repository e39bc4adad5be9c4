import { describe, expect, it } from 'vitest';
import { groupTimeline, type GroupableItem } from '../src/grouping';

const t0 = Date.parse('2026-01-01T10:00:00Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
const msg = (key: string, author: string, minutes: number): GroupableItem => ({ kind: 'message', key, author, text: key, at: at(minutes) });
const sys = (key: string, minutes: number): GroupableItem => ({ kind: 'system', key, at: at(minutes) });

function shape(items: GroupableItem[]) {
  return groupTimeline(items).map((b) => (b.kind === 'group' ? `${b.author}:${b.messages.map((m) => m.key).join(',')}` : `sys:${b.key}`));
}

describe('grouping', () => {
  it('groups consecutive messages of one author within 5 minutes', () => {
    expect(shape([msg('a1', 'amani', 0), msg('a2', 'amani', 1), msg('a3', 'amani', 6)])).toEqual(['amani:a1,a2,a3']);
  });
  it('measures the 5 minutes from the previous message', () => {
    expect(shape([msg('a1', 'amani', 0), msg('a2', 'amani', 5), msg('a3', 'amani', 10.01)])).toEqual(['amani:a1,a2', 'amani:a3']);
  });
  it('starts a new group for another author', () => {
    expect(shape([msg('a1', 'amani', 0), msg('b1', 'baraka', 1), msg('a2', 'amani', 2)])).toEqual(['amani:a1', 'baraka:b1', 'amani:a2']);
  });
  it('lets system lines break groups', () => {
    expect(shape([msg('a1', 'amani', 0), sys('join', 1), msg('a2', 'amani', 2)])).toEqual(['amani:a1', 'sys:join', 'amani:a2']);
  });
  it('does not group a message older than the previous one', () => {
    expect(shape([msg('a1', 'amani', 3), msg('a2', 'amani', 1)])).toEqual(['amani:a1', 'amani:a2']);
  });
  it('keeps the group header at its first message', () => {
    const [block] = groupTimeline([msg('a1', 'amani', 0), msg('a2', 'amani', 2)]);
    expect(block).toMatchObject({ kind: 'group', at: at(0), key: 'g-a1' });
  });
  it('handles an empty timeline', () => {
    expect(groupTimeline([])).toEqual([]);
  });
});
