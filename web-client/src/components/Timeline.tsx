import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { timelineOf, type EventEntry, type NoticeEntry, type PendingEntry, type RoomState, type TimelineEntry } from '../chat/store';
import { groupTimeline, type MessageGroup } from '../grouping';
import { displayAmount } from '../money';
import { Avatar } from './Avatar';
import { Icon, type IconName } from './Icon';

function shortTime(at: string): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '';
  const today = new Date();
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === today.toDateString() ? time : `${d.toLocaleDateString()} ${time}`;
}

function fullTime(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : d.toLocaleString();
}

interface TimelineProps {
  room: RoomState;
  me: string;
  onLoadOlder: () => void;
}

export function Timeline({ room, me, onLoadOlder }: TimelineProps) {
  const items = useMemo(() => timelineOf(room), [room]);
  const blocks = useMemo(() => groupTimeline<TimelineEntry>(items), [items]);
  const ref = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<{ firstSeq: number | undefined; height: number; top: number } | null>(null);
  const firstSeq = room.entries[0]?.seq;
  const pendingCount = useRef(room.pending.length);

  function remember() {
    const el = ref.current;
    if (el) anchor.current = { firstSeq, height: el.scrollHeight, top: el.scrollTop };
  }

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const before = anchor.current;
    // A line this user just sent: show it, wherever the reader was.
    if (room.pending.length > pendingCount.current) atBottom.current = true;
    pendingCount.current = room.pending.length;
    if (before && before.firstSeq !== undefined && firstSeq !== undefined && firstSeq < before.firstSeq && !atBottom.current) {
      // Older history was put above: keep what the reader was looking at in place.
      el.scrollTop = el.scrollHeight - before.height + before.top;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
    remember();
  });

  // Too little history to scroll? Fetch more until there is (or there is no more).
  useEffect(() => {
    const el = ref.current;
    if (el && room.loaded && room.hasOlder && !room.loadingOlder && el.scrollHeight <= el.clientHeight + 10) onLoadOlder();
  }, [room.loaded, room.hasOlder, room.loadingOlder, items, onLoadOlder]);

  function onScroll() {
    const el = ref.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    remember();
    if (el.scrollTop < 120 && room.hasOlder && !room.loadingOlder) onLoadOlder();
  }

  return (
    <div className="timeline" ref={ref} onScroll={onScroll} role="log" aria-label={`Messages in #${room.id}`} data-testid="timeline" tabIndex={0}>
      <div className="timeline-top">
        {room.loading || room.loadingOlder ? (
          <span className="muted">Loading messages…</span>
        ) : room.hasOlder ? (
          <button className="btn btn-small btn-ghost" onClick={onLoadOlder}>
            Load older messages
          </button>
        ) : room.loaded ? (
          <div className="room-start">
            <div className="room-start-icon" aria-hidden="true">
              #
            </div>
            <h3>Welcome to #{room.id}</h3>
            <p className="muted">This is the beginning of the room. Type /help for the commands.</p>
          </div>
        ) : null}
        {room.historyError && (
          <p className="notice notice-error" role="alert">
            {room.historyError}
          </p>
        )}
      </div>
      {blocks.map((block) =>
        block.kind === 'group' ? (
          <Group key={block.key} group={block as MessageGroup<Extract<TimelineEntry, { kind: 'message' }>>} me={me} />
        ) : block.type === 'notice' ? (
          <Notice key={block.key} entry={block} me={me} />
        ) : (
          <SystemLine key={block.key} entry={block} me={me} />
        ),
      )}
    </div>
  );
}

function Group({ group, me }: { group: MessageGroup<Extract<TimelineEntry, { kind: 'message' }>>; me: string }) {
  return (
    <article className={`msg-group${group.author === me ? ' mine' : ''}`} data-author={group.author}>
      <Avatar name={group.author} />
      <div className="msg-body">
        <header className="msg-header">
          <span className="msg-author">{group.author}</span>
          <time className="msg-time" dateTime={group.at} title={fullTime(group.at)}>
            {shortTime(group.at)}
          </time>
        </header>
        {group.messages.map((m) => {
          const pending = 'pending' in m ? (m as PendingEntry) : null;
          return (
            <p
              key={m.key}
              className={`msg-text${pending ? ' pending' : ''}${pending?.failed ? ' failed' : ''}`}
              title={fullTime(m.at)}
              data-seq={'seq' in m ? m.seq : undefined}
            >
              {m.text}
              {pending && <span className="sr-only"> (sending)</span>}
            </p>
          );
        })}
      </div>
    </article>
  );
}

function SystemLine({ entry, me }: { entry: EventEntry; me: string }) {
  const who = (name?: string) => (name === me ? 'You' : (name ?? 'someone'));
  let icon: IconName = 'transfer';
  let text = '';
  if (entry.type === 'member_joined') {
    icon = 'arrowIn';
    text = `${who(entry.username)} joined the room`;
  } else if (entry.type === 'member_left') {
    icon = 'arrowOut';
    text = `${who(entry.username)} left the room`;
  } else if (entry.type === 'transfer') {
    text = `${who(entry.from)} sent money to ${entry.to === me ? 'you' : entry.to}`;
  }
  return (
    <div className={`system-line system-${entry.type}`} data-seq={entry.seq}>
      <span className="system-icon" aria-hidden="true">
        <Icon name={icon} size={16} />
      </span>
      <span>{text}</span>
      <time className="msg-time" dateTime={entry.at} title={fullTime(entry.at)}>
        {shortTime(entry.at)}
      </time>
    </div>
  );
}

function Notice({ entry, me }: { entry: NoticeEntry; me: string }) {
  const n = entry.notice;
  switch (n.variant) {
    case 'error':
      return (
        <div className="notice notice-error" role="alert" data-testid="notice-error" data-code={n.code}>
          <strong>Not sent:</strong> {n.message}
        </div>
      );
    case 'info':
      return (
        <div className="notice notice-info" role="status">
          {n.message}
        </div>
      );
    case 'help':
      return (
        <div className="notice notice-help" data-testid="notice-help">
          <strong>Commands</strong>
          <dl>
            {n.commands.map((c) => (
              <div key={c.usage} className="help-row">
                <dt>
                  <code>{c.usage}</code>
                </dt>
                <dd>{c.description}</dd>
              </div>
            ))}
          </dl>
        </div>
      );
    case 'receipt': {
      const r = n.receipt;
      const out = r.direction === 'out';
      return (
        <div className={`receipt receipt-${r.direction}`} data-testid="receipt" data-transfer={r.transfer_id}>
          <div className="receipt-icon" aria-hidden="true">
            <Icon name={out ? 'arrowOut' : 'arrowIn'} size={20} />
          </div>
          <div className="receipt-body">
            <div className="receipt-title">
              {r.kind === 'deposit' ? (
                <>
                  <strong>{displayAmount(r.amount)}</strong> deposited into your wallet
                </>
              ) : r.kind === 'withdrawal' ? (
                <>
                  <strong>{displayAmount(r.amount)}</strong> withdrawn from your wallet
                </>
              ) : out ? (
                <>
                  You sent <strong>{displayAmount(r.amount)}</strong> to <strong>{r.to}</strong>
                </>
              ) : (
                <>
                  <strong>{r.from === me ? 'You' : r.from}</strong> sent you <strong>{displayAmount(r.amount)}</strong>
                </>
              )}
            </div>
            <div className="receipt-meta">
              New balance {displayAmount(r.balance)} · {shortTime(r.at)} · <span className="mono">{r.transfer_id.slice(0, 8)}</span>
            </div>
          </div>
        </div>
      );
    }
  }
}
