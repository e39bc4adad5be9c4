import { describe, expect, it } from 'vitest';
import { COMMANDS, completeWith, hintsFor, parseLine } from '../src/commands';

const names = (text: string) => hintsFor(text).map((h) => h.command.name);

describe('command hints', () => {
  it('shows nothing for ordinary text', () => {
    expect(hintsFor('hello')).toEqual([]);
    expect(hintsFor('')).toEqual([]);
    expect(hintsFor(' /join')).toEqual([]);
  });
  it('lists every command for a lone slash, then narrows as the name is typed', () => {
    expect(names('/')).toEqual(['/join', '/leave', '/send', '/help']);
    expect(names('/s')).toEqual(['/send']);
    expect(names('/J')).toEqual(['/join']);
    expect(names('/x')).toEqual([]);
  });
  it('follows the argument being typed', () => {
    expect(hintsFor('/send ')[0]).toMatchObject({ activeArg: 0, problem: null });
    expect(hintsFor('/send bob')[0]).toMatchObject({ activeArg: 0 });
    expect(hintsFor('/send bob ')[0]).toMatchObject({ activeArg: 1, problem: null });
    expect(hintsFor('/send bob 12.')[0]).toMatchObject({ activeArg: 1, problem: null });
    expect(hintsFor('/leave ')[0]).toMatchObject({ activeArg: -1 });
  });
  it('flags arguments that cannot work', () => {
    expect(hintsFor('/send bob 1.234')[0].problem).toMatch(/2 decimals/);
    expect(hintsFor('/send bob abc')[0].problem).toMatch(/number/);
    expect(hintsFor('/send bob 5 extra')[0].problem).toMatch(/usage/);
    expect(hintsFor('/join Bad_Room')[0].problem).toMatch(/room ids/);
    expect(hintsFor('/join my-room')[0].problem).toBeNull();
  });
  it('completes a command name', () => {
    expect(completeWith(COMMANDS[0])).toBe('/join ');
    expect(completeWith(COMMANDS[1])).toBe('/leave');
  });
});

describe('parseLine', () => {
  it('recognises what a line will do', () => {
    expect(parseLine(' hi ')).toEqual({ kind: 'message', text: 'hi' });
    expect(parseLine('/join Dev-Room')).toEqual({ kind: 'join', room: 'dev-room' });
    expect(parseLine('/leave')).toEqual({ kind: 'leave' });
    expect(parseLine('/send Bob 12.50')).toEqual({ kind: 'send', to: 'bob', amount: '12.50' });
    expect(parseLine('/help')).toEqual({ kind: 'help' });
    expect(parseLine('/dance')).toEqual({ kind: 'other-command', name: '/dance' });
  });
});
