import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HistoryEvent, HistoryQuery } from '../src/api';
import { ChatStore, contiguousTop, timelineOf, transferFailureText, type RoomEntry } from '../src/chat/store';
import { GatewayClient } from '../src/gateway/client';
import { Op } from '../src/gateway/codec';
import type { RoomSnapshot } from '../src/gateway/events';
import { factory, FakeSocket } from './fakeSocket';

/** A history API over a per-room list of events, recording every query. */
class FakeHistory {
  rooms: Record<string, HistoryEvent[]> = {};
  queries: { room: string; query: HistoryQuery }[] = [];

  add(room: string, ...texts: string[]): HistoryEvent[] {
    const list = (this.rooms[room] ??= []);
    const added = texts.map((text) => {
      const e: HistoryEvent = { seq: list.length + 1, type: 'message', author: 'baraka', text, nonce: null, at: new Date(Date.UTC(2026, 0, 1, 10, 0, list.length)).toISOString() };
      list.push(e);
      return e;
    });
    return added;
  }

  history = async (_token: string, room: string, query: HistoryQuery = {}) => {
    this.queries.push({ room, query });
    const all = this.rooms[room] ?? [];
    const limit = query.limit ?? 50;
    if (query.after !== undefined) {
      const rest = all.filter((e) => e.seq > query.after!);
      return { room, events: rest.slice(0, limit), has_more: rest.length > limit };
    }
    const upTo = query.before !== undefined ? all.filter((e) => e.seq < query.before!) : all;
    return { room, events: upTo.slice(-limit), has_more: upTo.length > limit };
  };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

let history: FakeHistory;
let gateway: GatewayClient;
let store: ChatStore;
let nonce = 0;

function readyFrame(sessionId: string, rooms: { id: string; last_seq: number }[], balance = '100.00') {
  return {
    session_id: sessionId,
    user: { username: 'amani' },
    balance,
    rooms: rooms.map((r) => ({ ...r, members: [{ username: 'amani', online: true }, { username: 'baraka', online: false }] })),
  };
}

function message(room: string, e: HistoryEvent) {
  return { room, seq: e.seq, author: e.author, text: e.text, nonce: e.nonce, at: e.at };
}

async function start(rooms = [{ id: 'general', last_seq: 0 }]) {
  store.start();
  const socket = FakeSocket.last;
  socket.open();
  socket.hello(1000);
  socket.dispatch(1, 'READY', readyFrame('s1', rooms));
  await flush();
  return socket;
}

const texts = (entries: RoomEntry[]) => entries.map((e) => (e.kind === 'message' ? e.text : `<${e.type}>`));

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.reset();
  history = new FakeHistory();
  nonce = 0;
  gateway = new GatewayClient({ url: 'ws://x/gateway', token: () => 'tok', socketFactory: factory, random: () => 0.5 });
  store = new ChatStore({ gateway, api: history, token: () => 'tok', me: 'amani', newNonce: () => `n${++nonce}`, now: () => new Date('2026-01-01T12:00:00Z') });
});
afterEach(() => {
  store.stop();
  vi.useRealTimers();
});

describe('chat store', () => {
  it('loads the active room after READY and lands in general', async () => {
    history.add('general', 'one', 'two');
    await start([{ id: 'general', last_seq: 2 }, { id: 'dev', last_seq: 0 }]);
    const s = store.getState();
    expect(s.activeRoom).toBe('general');
    expect(s.balance).toBe('100.00');
    expect(s.roomOrder).toEqual(['general', 'dev']);
    expect(texts(s.rooms.general.entries)).toEqual(['one', 'two']);
    expect(s.rooms.general.members).toEqual({ amani: true, baraka: false });
    expect(history.queries).toEqual([{ room: 'general', query: { limit: 50 } }]);
  });

  it('deduplicates room events by seq and fills a gap from the history', async () => {
    history.add('general', 'one', 'two');
    const socket = await start([{ id: 'general', last_seq: 2 }]);
    const [three, four, five] = history.add('general', 'three', 'four', 'five');
    socket.dispatch(2, 'MESSAGE_CREATED', message('general', three));
    socket.dispatch(3, 'MESSAGE_CREATED', message('general', three)); // the same room event again
    socket.dispatch(4, 'MESSAGE_CREATED', message('general', five)); // 4 is missing
    await flush();
    expect(history.queries.at(-1)).toEqual({ room: 'general', query: { after: 3, limit: 100 } });
    expect(texts(store.getState().rooms.general.entries)).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(contiguousTop(store.getState().rooms.general.entries)).toBe(5);
    void four;
  });

  it('counts unread messages in other rooms and clears them on entering, fetching what is missing', async () => {
    history.add('general', 'g1');
    history.add('dev', 'd1', 'd2');
    const socket = await start([{ id: 'general', last_seq: 1 }, { id: 'dev', last_seq: 2 }]);
    const [d3] = history.add('dev', 'd3');
    socket.dispatch(2, 'MESSAGE_CREATED', message('dev', d3));
    expect(store.getState().rooms.dev.unread).toBe(1);
    store.selectRoom('dev');
    await flush();
    expect(store.getState().rooms.dev.unread).toBe(0);
    expect(texts(store.getState().rooms.dev.entries)).toEqual(['d1', 'd2', 'd3']);
  });

  it('entering a room whose last_seq is ahead of what it holds fetches the rest with after=', async () => {
    history.add('general', 'g1');
    history.add('dev', 'd1', 'd2');
    const socket = await start([{ id: 'general', last_seq: 1 }, { id: 'dev', last_seq: 2 }]);
    store.selectRoom('dev');
    await flush();
    store.selectRoom('general');
    // dev moves on while its catch-up cannot reach the server
    const [, d4] = history.add('dev', 'd3', 'd4');
    const real = history.history;
    history.history = async () => {
      throw Object.assign(new Error('offline'), { status: 0 });
    };
    socket.dispatch(2, 'MESSAGE_CREATED', message('dev', d4));
    await flush();
    expect(texts(store.getState().rooms.dev.entries)).toEqual(['d1', 'd2', 'd4']);
    expect(store.getState().rooms.dev.lastSeq).toBe(4);
    history.history = real;
    history.queries = [];
    store.selectRoom('dev');
    await flush();
    expect(history.queries).toEqual([{ room: 'dev', query: { after: 2, limit: 100 } }]);
    expect(texts(store.getState().rooms.dev.entries)).toEqual(['d1', 'd2', 'd3', 'd4']);
    expect(store.getState().rooms.dev.historyError).toBeNull();
  });

  it('pages older history with before=<oldest seq>', async () => {
    history.add('general', ...Array.from({ length: 120 }, (_, i) => `m${i + 1}`));
    await start([{ id: 'general', last_seq: 120 }]);
    expect(store.getState().rooms.general.entries[0].seq).toBe(71);
    expect(store.getState().rooms.general.hasOlder).toBe(true);
    await store.loadOlder('general');
    expect(history.queries.at(-1)!.query).toEqual({ before: 71, limit: 50 });
    expect(store.getState().rooms.general.entries).toHaveLength(100);
    await store.loadOlder('general');
    expect(store.getState().rooms.general.entries).toHaveLength(120);
    expect(store.getState().rooms.general.hasOlder).toBe(false);
  });

  it('shows a sent line as pending until its echo, matched by nonce', async () => {
    const socket = await start();
    expect(store.sendLine('  hello  ')).toBe(true);
    expect(socket.ops(Op.INPUT)).toEqual([{ op: 3, d: { room: 'general', text: 'hello', nonce: 'n1' } }]);
    expect(timelineOf(store.getState().rooms.general).map((e) => e.kind === 'message' && 'pending' in e)).toEqual([true]);
    socket.dispatch(2, 'MESSAGE_CREATED', { room: 'general', seq: 1, author: 'amani', text: 'hello', nonce: 'n1', at: '2026-01-01T12:00:00Z' });
    const room = store.getState().rooms.general;
    expect(room.pending).toEqual([]);
    expect(texts(room.entries)).toEqual(['hello']);
    expect(store.sendLine('   ')).toBe(false);
  });

  it('after INVALID_SESSION identifies anew and catches up each room from after=<last seq seen>', async () => {
    history.add('general', 'g1', 'g2');
    history.add('dev', 'd1');
    const socket = await start([{ id: 'general', last_seq: 2 }, { id: 'dev', last_seq: 1 }]);
    store.selectRoom('dev');
    await flush();
    store.selectRoom('general');
    // the connection dies; meanwhile the rooms move on
    socket.serverClose(1006);
    history.add('general', 'g3', 'g4');
    history.add('dev', 'd2');
    vi.advanceTimersByTime(1000);
    const next = FakeSocket.last;
    next.open();
    next.hello();
    expect(next.ops(Op.RESUME)).toHaveLength(1);
    next.receive({ op: 9, d: false });
    expect(next.ops(Op.IDENTIFY)).toHaveLength(1);
    history.queries = [];
    next.dispatch(1, 'READY', readyFrame('s2', [{ id: 'general', last_seq: 4 }, { id: 'dev', last_seq: 2 }]));
    await flush();
    expect(history.queries).toEqual([
      { room: 'general', query: { after: 2, limit: 100 } },
      { room: 'dev', query: { after: 1, limit: 100 } },
    ]);
    const s = store.getState();
    expect(texts(s.rooms.general.entries)).toEqual(['g1', 'g2', 'g3', 'g4']);
    expect(texts(s.rooms.dev.entries)).toEqual(['d1', 'd2']);
    expect(s.rooms.dev.unread).toBe(1);
    expect(s.connection).toBe('ready');
    // a replay-like repeat of an event already fetched is not shown twice
    next.dispatch(2, 'MESSAGE_CREATED', message('general', history.rooms.general[3]));
    expect(texts(store.getState().rooms.general.entries)).toEqual(['g1', 'g2', 'g3', 'g4']);
  });

  it('resends unechoed lines after a resume, with the same nonce', async () => {
    const socket = await start();
    store.sendLine('are you there?');
    socket.serverClose(1006);
    vi.advanceTimersByTime(1000);
    const next = FakeSocket.last;
    next.open();
    next.hello();
    next.dispatch(2, 'RESUMED', { replayed: 0 });
    expect(next.ops(Op.INPUT)).toEqual([{ op: 3, d: { room: 'general', text: 'are you there?', nonce: 'n1' } }]);
  });

  it('follows members: presence, joins and leaves', async () => {
    const socket = await start([{ id: 'general', last_seq: 0 }]);
    socket.dispatch(2, 'PRESENCE_UPDATE', { username: 'baraka', status: 'online' });
    expect(store.getState().rooms.general.members.baraka).toBe(true);
    socket.dispatch(3, 'MEMBER_JOINED', { room: 'general', seq: 1, username: 'chausiku', at: '2026-01-01T10:00:00Z' });
    expect(store.getState().rooms.general.members.chausiku).toBe(true);
    socket.dispatch(4, 'MEMBER_LEFT', { room: 'general', seq: 2, username: 'baraka', at: '2026-01-01T10:00:01Z' });
    expect(store.getState().rooms.general.members).toEqual({ amani: true, chausiku: true });
    expect(texts(store.getState().rooms.general.entries)).toEqual(['<member_joined>', '<member_left>']);
  });

  it('keeps a small room\'s member count with its members, and a join it already holds counts once', async () => {
    const socket = await start([{ id: 'general', last_seq: 0 }]);
    expect(store.getState().rooms.general).toMatchObject({ memberCount: 2, large: false });
    socket.dispatch(2, 'MEMBER_JOINED', { room: 'general', seq: 1, username: 'chausiku', at: '2026-01-01T10:00:00Z' });
    socket.dispatch(3, 'MEMBER_JOINED', { room: 'general', seq: 1, username: 'chausiku', at: '2026-01-01T10:00:00Z' });
    expect(store.getState().rooms.general.memberCount).toBe(3);
    socket.dispatch(4, 'MEMBER_LEFT', { room: 'general', seq: 2, username: 'baraka', at: '2026-01-01T10:00:01Z' });
    expect(store.getState().rooms.general.memberCount).toBe(2);
  });

  it('switches to a room it joined and back to general when leaving it', async () => {
    const socket = await start();
    store.sendLine('/join dev');
    history.rooms.dev = [{ seq: 1, type: 'member_joined', username: 'amani', at: '2026-01-01T10:00:00Z' }];
    socket.dispatch(2, 'ROOM_JOINED', { room: { id: 'dev', last_seq: 1, members: [{ username: 'amani', online: true }] } });
    await flush();
    expect(store.getState().activeRoom).toBe('dev');
    expect(store.getState().roomOrder).toEqual(['general', 'dev']);
    expect(texts(store.getState().rooms.dev.entries)).toEqual(['<member_joined>']);
    socket.dispatch(3, 'ROOM_LEFT', { room: 'dev' });
    await flush();
    expect(store.getState().activeRoom).toBe('general');
    expect(store.getState().rooms.dev).toBeUndefined();
  });

  it('runs the transfer dialog: PIN, wrong PIN, receipt and the new balance', async () => {
    const socket = await start();
    store.sendLine('/send baraka 25.50');
    socket.dispatch(2, 'TRANSFER_PIN_REQUIRED', { transfer_id: 't1', room: 'general', to: 'baraka', amount: '25.50', expires_at: '2026-01-01T12:01:00Z' });
    expect(store.getState().transfer).toMatchObject({ phase: 'pin', to: 'baraka', amount: '25.50' });
    store.confirmTransfer('9152');
    expect(socket.ops(Op.CONFIRM)).toEqual([{ op: 4, d: { transfer_id: 't1', pin: '9152' } }]);
    expect(store.getState().transfer!.phase).toBe('confirming');
    socket.dispatch(3, 'TRANSFER_FAILED', { transfer_id: 't1', reason: 'wrong_pin', message: 'wrong PIN', attempts_left: 2 });
    expect(store.getState().transfer).toMatchObject({ phase: 'pin', error: { reason: 'wrong_pin', attemptsLeft: 2 } });
    store.confirmTransfer('4826');
    socket.dispatch(4, 'TRANSFER_RECEIPT', { transfer_id: 't1', kind: 'payment', direction: 'out', from: 'amani', to: 'baraka', amount: '25.50', balance: '74.50', room: 'general', at: '2026-01-01T12:00:05Z' });
    const s = store.getState();
    expect(s.balance).toBe('74.50');
    expect(s.transfer).toMatchObject({ phase: 'done', receipt: { amount: '25.50' } });
    expect(s.rooms.general.notices.map((n) => n.notice.variant)).toEqual(['receipt']);
  });

  it('shows a receipt without a room (a payment over the REST API) in the room on screen, with the new balance', async () => {
    const socket = await start();
    socket.dispatch(2, 'TRANSFER_RECEIPT', { transfer_id: 't9', kind: 'payment', direction: 'in', from: 'baraka', to: 'amani', amount: '12.25', balance: '112.25', room: null, at: '2026-01-01T12:00:05Z' });
    const s = store.getState();
    expect(s.balance).toBe('112.25');
    expect(s.transfer).toBeNull();
    expect(s.rooms.general.notices.map((n) => n.notice.variant)).toEqual(['receipt']);
  });

  it('keeps the transfer waiting for another CONFIRM when the server is busy', async () => {
    const socket = await start();
    socket.dispatch(2, 'TRANSFER_PIN_REQUIRED', { transfer_id: 't1', room: 'general', to: 'baraka', amount: '5.00', expires_at: 'x' });
    store.confirmTransfer('4826');
    socket.dispatch(3, 'TRANSFER_FAILED', { transfer_id: 't1', reason: 'busy', message: 'too many transfers under way on this server' });
    expect(store.getState().transfer).toMatchObject({ phase: 'pin', error: { reason: 'busy' } });
    expect(transferFailureText(store.getState().transfer!.error!)).toBe('The server is busy: nothing was sent. Confirm again in a moment.');
    store.confirmTransfer('4826');
    expect(socket.ops(Op.CONFIRM)).toHaveLength(2);
  });

  it('ends the transfer on insufficient funds or a lock, and reports early refusals inline', async () => {
    const socket = await start();
    socket.dispatch(2, 'TRANSFER_PIN_REQUIRED', { transfer_id: 't1', room: 'general', to: 'baraka', amount: '500.00', expires_at: 'x' });
    store.confirmTransfer('4826');
    socket.dispatch(3, 'TRANSFER_FAILED', { transfer_id: 't1', reason: 'insufficient_funds', message: 'insufficient funds: nothing was sent' });
    expect(store.getState().transfer).toMatchObject({ phase: 'failed', error: { reason: 'insufficient_funds' } });
    store.closeTransfer();
    socket.dispatch(4, 'TRANSFER_FAILED', { transfer_id: 'other', reason: 'not_in_room', message: 'zed is not a member of general' });
    expect(store.getState().transfer).toBeNull();
    expect(store.getState().rooms.general.notices.at(-1)!.notice).toMatchObject({ variant: 'error', message: 'Zed is not a member of general.' });
  });

  it('places ERROR and HELP as notices where the line was typed', async () => {
    const socket = await start();
    store.sendLine('/dance');
    socket.dispatch(2, 'ERROR', { code: 'unknown_command', message: 'unknown command /dance', nonce: 'n1' });
    socket.dispatch(3, 'HELP', { commands: [{ usage: '/help', description: 'this list' }] });
    const notices = store.getState().rooms.general.notices.map((n) => n.notice);
    expect(notices).toEqual([
      { variant: 'error', code: 'unknown_command', message: 'unknown command /dance' },
      { variant: 'help', commands: [{ usage: '/help', description: 'this list' }] },
    ]);
  });

  describe('large rooms', () => {
    const at = '2026-01-01T10:00:00Z';
    const small = { id: 'dev', last_seq: 0, member_count: 2, large: false, members: [{ username: 'amani', online: true }, { username: 'baraka', online: false }] };
    const large = { id: 'general', last_seq: 12, member_count: 4000, large: true };

    async function startWith(rooms: RoomSnapshot[]) {
      store.start();
      const socket = FakeSocket.last;
      socket.open();
      socket.hello(1000);
      socket.dispatch(1, 'READY', { session_id: 's1', user: { username: 'amani' }, balance: '100.00', rooms });
      await flush();
      return socket;
    }

    it('keeps a large room from READY by its count alone', async () => {
      await startWith([large, small]);
      const s = store.getState();
      expect(s.rooms.general).toMatchObject({ memberCount: 4000, large: true, lastSeq: 12 });
      expect(s.rooms.general.members).toEqual({});
      expect(s.rooms.dev).toMatchObject({ memberCount: 2, large: false });
      expect(s.rooms.dev.members).toEqual({ amani: true, baraka: false });
    });

    it('counts joins and leaves of a large room without listing anyone, each room event once', async () => {
      const socket = await startWith([large]);
      socket.dispatch(2, 'MEMBER_JOINED', { room: 'general', seq: 13, username: 'chausiku', at });
      expect(store.getState().rooms.general.memberCount).toBe(4001);
      expect(store.getState().rooms.general.members).toEqual({});
      socket.dispatch(3, 'MEMBER_JOINED', { room: 'general', seq: 13, username: 'chausiku', at }); // the same room event again
      socket.dispatch(4, 'MEMBER_JOINED', { room: 'general', seq: 12, username: 'dalila', at }); // in READY's count already
      expect(store.getState().rooms.general.memberCount).toBe(4001);
      socket.dispatch(5, 'MEMBER_LEFT', { room: 'general', seq: 14, username: 'baraka', at });
      socket.dispatch(6, 'MEMBER_LEFT', { room: 'general', seq: 15, username: 'chausiku', at });
      expect(store.getState().rooms.general.memberCount).toBe(3999);
      expect(store.getState().rooms.general.members).toEqual({});
      expect(texts(store.getState().rooms.general.entries).slice(-3)).toEqual(['<member_joined>', '<member_left>', '<member_left>']);
    });

    it('lists nobody in a large room on PRESENCE_UPDATE, and still follows the small rooms', async () => {
      const socket = await startWith([large, small]);
      socket.dispatch(2, 'PRESENCE_UPDATE', { username: 'baraka', status: 'online' });
      socket.dispatch(3, 'PRESENCE_UPDATE', { username: 'chausiku', status: 'online' });
      const s = store.getState();
      expect(s.rooms.general.memberCount).toBe(4000);
      expect(s.rooms.general.members).toEqual({});
      expect(s.rooms.dev.members).toEqual({ amani: true, baraka: true });
    });

    it('lists nobody in a large room that comes with members anyway, counting them if member_count is missing', async () => {
      await startWith([{ id: 'general', last_seq: 0, large: true, members: [{ username: 'amani', online: true }, { username: 'baraka', online: true }] }]);
      expect(store.getState().rooms.general).toMatchObject({ memberCount: 2, large: true });
      expect(store.getState().rooms.general.members).toEqual({});
    });

    it('treats a room without large or member_count as small, counted by its members', async () => {
      const socket = await startWith([{ id: 'general', last_seq: 0, members: small.members }]);
      expect(store.getState().rooms.general).toMatchObject({ memberCount: 2, large: false });
      expect(store.getState().rooms.general.members).toEqual({ amani: true, baraka: false });
      socket.dispatch(2, 'MEMBER_JOINED', { room: 'general', seq: 1, username: 'chausiku', at });
      expect(store.getState().rooms.general.memberCount).toBe(3);
      expect(store.getState().rooms.general.members).toEqual({ amani: true, baraka: false, chausiku: true });
    });

    it('forgets the members of a small room that became large and counts it from the count it was given', async () => {
      const socket = await startWith([small]);
      socket.dispatch(2, 'MEMBER_JOINED', { room: 'dev', seq: 1, username: 'chausiku', at });
      expect(store.getState().rooms.dev).toMatchObject({ memberCount: 3, large: false });
      socket.dispatch(3, 'ROOM_BECAME_LARGE', { room: 'dev', seq: 2, member_count: 4 }); // seq 2 is still on its way
      expect(store.getState().rooms.dev).toMatchObject({ memberCount: 4, large: true });
      expect(store.getState().rooms.dev.members).toEqual({});
      socket.dispatch(4, 'MEMBER_JOINED', { room: 'dev', seq: 2, username: 'dalila', at }); // in the count already
      socket.dispatch(5, 'PRESENCE_UPDATE', { username: 'baraka', status: 'online' });
      socket.dispatch(6, 'MEMBER_LEFT', { room: 'dev', seq: 3, username: 'amani', at });
      const dev = store.getState().rooms.dev;
      expect(dev).toMatchObject({ memberCount: 3, large: true });
      expect(dev.members).toEqual({});
      expect(texts(dev.entries).slice(-3)).toEqual(['<member_joined>', '<member_joined>', '<member_left>']);
    });

    it('keeps a large room joined with ROOM_JOINED by its count', async () => {
      const socket = await startWith([small]);
      store.sendLine('/join town');
      socket.dispatch(2, 'ROOM_JOINED', { room: { id: 'town', last_seq: 5, member_count: 300, large: true } });
      await flush();
      expect(store.getState().rooms.town).toMatchObject({ memberCount: 300, large: true });
      expect(store.getState().rooms.town.members).toEqual({});
      socket.dispatch(3, 'MEMBER_JOINED', { room: 'town', seq: 6, username: 'chausiku', at });
      expect(store.getState().rooms.town.memberCount).toBe(301);
    });

    it('takes the kind a new session\'s READY gives the room', async () => {
      const socket = await startWith([large]);
      socket.serverClose(1006);
      vi.advanceTimersByTime(1000);
      const next = FakeSocket.last;
      next.open();
      next.hello();
      next.receive({ op: 9, d: false });
      next.dispatch(1, 'READY', { session_id: 's2', user: { username: 'amani' }, balance: '100.00', rooms: [{ ...small, id: 'general', last_seq: 12 }] });
      await flush();
      expect(store.getState().rooms.general).toMatchObject({ memberCount: 2, large: false });
      expect(store.getState().rooms.general.members).toEqual({ amani: true, baraka: false });
      next.dispatch(2, 'PRESENCE_UPDATE', { username: 'baraka', status: 'online' });
      expect(store.getState().rooms.general.members.baraka).toBe(true);
      // and back: a small room described as large drops its list
      next.serverClose(1006);
      vi.advanceTimersByTime(1000);
      const third = FakeSocket.last;
      third.open();
      third.hello();
      third.receive({ op: 9, d: false });
      third.dispatch(1, 'READY', { session_id: 's3', user: { username: 'amani' }, balance: '100.00', rooms: [{ ...large, member_count: 251 }] });
      await flush();
      expect(store.getState().rooms.general).toMatchObject({ memberCount: 251, large: true });
      expect(store.getState().rooms.general.members).toEqual({});
    });
  });

  it('reports a revoked session', async () => {
    const socket = await start();
    socket.serverClose(4012, 'logged out');
    expect(store.getState().sessionEnded).toEqual({ code: 4012, reason: 'logged out' });
    expect(store.getState().connection).toBe('closed');
  });
});
