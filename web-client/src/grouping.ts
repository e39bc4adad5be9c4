/**
 * Turns a room's timeline into what the chat shows: consecutive messages of one author, each
 * within 5 minutes of the previous one, share one header; anything else (joins, leaves, transfer
 * notices, local notices) is a line of its own and ends the group.
 */

export const GROUP_WINDOW_MS = 5 * 60 * 1000;

export interface MessageItem {
  kind: 'message';
  key: string;
  author: string;
  text: string;
  at: string;
  seq?: number;
  pending?: boolean;
}

export interface SystemItem {
  kind: 'system';
  key: string;
  at?: string;
  seq?: number;
}

export type GroupableItem = MessageItem | SystemItem;

export interface MessageGroup<M extends MessageItem = MessageItem> {
  kind: 'group';
  key: string;
  author: string;
  at: string;
  messages: M[];
}

export type Block<T extends GroupableItem> = MessageGroup<Extract<T, MessageItem>> | Exclude<T, MessageItem>;

function time(at: string): number {
  const t = Date.parse(at);
  return Number.isNaN(t) ? 0 : t;
}

export function groupTimeline<T extends GroupableItem>(items: readonly T[], windowMs = GROUP_WINDOW_MS): Block<T>[] {
  const blocks: Block<T>[] = [];
  let current: MessageGroup<Extract<T, MessageItem>> | null = null;
  for (const item of items) {
    if (item.kind !== 'message') {
      current = null;
      blocks.push(item as Exclude<T, MessageItem>);
      continue;
    }
    const message = item as Extract<T, MessageItem>;
    const previous: MessageItem | undefined = current?.messages[current.messages.length - 1];
    const gap = previous ? time(message.at) - time(previous.at) : Infinity;
    if (current && previous && current.author === message.author && gap >= 0 && gap <= windowMs) {
      current.messages.push(message);
    } else {
      current = { kind: 'group', key: `g-${message.key}`, author: message.author, at: message.at, messages: [message] };
      blocks.push(current);
    }
  }
  return blocks;
}
