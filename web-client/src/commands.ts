/** The chat commands the composer knows about, and the hints it shows while one is typed. */

import { amountProblem } from './money';

export interface Command {
  name: string;
  usage: string;
  description: string;
  /** Argument names, in order. */
  args: string[];
}

export const COMMANDS: readonly Command[] = [
  { name: '/join', usage: '/join <room>', description: 'join a room (created if new)', args: ['room'] },
  { name: '/leave', usage: '/leave', description: 'leave the current room', args: [] },
  { name: '/send', usage: '/send <user> <amount>', description: 'send money to a member of this room', args: ['user', 'amount'] },
  { name: '/help', usage: '/help', description: 'list the commands', args: [] },
];

export interface Hint {
  command: Command;
  /** Index of the argument being typed, or -1 while the command name itself is typed. */
  activeArg: number;
  /** A problem with what was typed so far, if one is already certain. */
  problem: string | null;
}

/**
 * The hints for a composer line: none unless it starts with "/". While the command name is typed,
 * every command it could still become; after the name, the matching command with the argument
 * being typed.
 */
export function hintsFor(text: string): Hint[] {
  if (!text.startsWith('/') || text.includes('\n')) return [];
  const firstSpace = text.search(/\s/);
  if (firstSpace === -1) {
    const typed = text.toLowerCase();
    return COMMANDS.filter((c) => c.name.startsWith(typed)).map((command) => ({ command, activeArg: -1, problem: null }));
  }
  const name = text.slice(0, firstSpace).toLowerCase();
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return [];
  const rest = text.slice(firstSpace + 1);
  const words = rest.split(/\s+/);
  // "/send bob " → words ["bob", ""]: the second argument is being typed.
  const activeArg = Math.min(words.length - 1, Math.max(command.args.length - 1, 0));
  return [{ command, activeArg: command.args.length === 0 ? -1 : activeArg, problem: argumentProblem(command, words) }];
}

function argumentProblem(command: Command, words: string[]): string | null {
  const filled = words.filter((w) => w !== '');
  if (filled.length > command.args.length) return `usage: ${command.usage}`;
  if (command.name === '/join' && filled[0] && !/^[a-z0-9-]{1,40}$/.test(filled[0])) {
    return 'room ids are 1 to 40 of a-z, 0-9 and -';
  }
  if (command.name === '/send' && filled[1]) {
    const stillTyping = words.length === 2 && /^\d*(\.\d{0,2})?$/.test(filled[1]);
    if (!stillTyping) return amountProblem(filled[1]);
  }
  return null;
}

/** The composer text after picking a hint: the command name and a space when it takes arguments. */
export function completeWith(command: Command): string {
  return command.args.length > 0 ? `${command.name} ` : command.name;
}

export type ParsedLine =
  | { kind: 'message'; text: string }
  | { kind: 'join'; room: string }
  | { kind: 'leave' }
  | { kind: 'send'; to: string; amount: string }
  | { kind: 'help' }
  | { kind: 'other-command'; name: string };

/** What a line will do once sent (the server decides; this is for local bookkeeping). */
export function parseLine(raw: string): ParsedLine {
  const text = raw.trim();
  if (!text.startsWith('/')) return { kind: 'message', text };
  const words = text.split(/\s+/);
  const name = words[0].toLowerCase();
  if (name === '/join' && words.length === 2) return { kind: 'join', room: words[1].toLowerCase() };
  if (name === '/leave' && words.length === 1) return { kind: 'leave' };
  if (name === '/send' && words.length === 3) return { kind: 'send', to: words[1].toLowerCase(), amount: words[2] };
  if (name === '/help' && words.length === 1) return { kind: 'help' };
  return { kind: 'other-command', name };
}
