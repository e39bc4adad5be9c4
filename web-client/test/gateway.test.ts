import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decode, DecodeError, encode, Op } from '../src/gateway/codec';
import { GatewayClient, type ConnectionState } from '../src/gateway/client';
import type { Dispatch } from '../src/gateway/events';
import { factory, FakeSocket, ready } from './fakeSocket';

function client(random = () => 0.5) {
  const g = new GatewayClient({ url: 'ws://test/gateway', token: () => 'tok', socketFactory: factory, random, backoffBaseMs: 1000, backoffMaxMs: 30_000 });
  const dispatches: Dispatch[] = [];
  const states: ConnectionState[] = [];
  const fatal: number[] = [];
  const invalid: boolean[] = [];
  g.on('dispatch', (d) => dispatches.push(d));
  g.on('state', (s) => states.push(s));
  g.on('fatal', (code) => fatal.push(code));
  g.on('invalidSession', (r) => invalid.push(r));
  return { g, dispatches, states, fatal, invalid };
}

/** Opens a connection and goes through HELLO → IDENTIFY → READY. */
function connectReady(g: GatewayClient, sessionId = 'sess-1') {
  g.connect();
  const socket = FakeSocket.last;
  socket.open();
  socket.hello(1000);
  socket.dispatch(1, 'READY', ready(sessionId));
  return socket;
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('codec', () => {
  it('decodes dispatches and control frames', () => {
    expect(decode('{"op":0,"d":{"a":1},"s":3,"t":"X"}')).toEqual({ op: 0, d: { a: 1 }, s: 3, t: 'X' });
    expect(decode('{"op":11}')).toEqual({ op: 11, d: null, s: null, t: null });
  });
  it('refuses what is not a frame', () => {
    for (const bad of ['{op:1', '[1]', '{"op":"1"}', '{"d":null}', '{"op":0,"d":null}', '{"op":1,"s":1.5}']) {
      expect(() => decode(bad), bad).toThrow(DecodeError);
    }
    expect(() => decode(new ArrayBuffer(2))).toThrow(DecodeError);
  });
  it('encodes op and d only', () => {
    expect(JSON.parse(encode(Op.INPUT, { room: 'general', text: 'hi', nonce: 'c-1' }))).toEqual({
      op: 3,
      d: { room: 'general', text: 'hi', nonce: 'c-1' },
    });
  });
});

describe('identify and sequence tracking', () => {
  it('identifies after HELLO and tracks the last s', () => {
    const { g, dispatches, states } = client();
    const socket = connectReady(g);
    expect(socket.ops(Op.IDENTIFY)).toEqual([{ op: 2, d: { token: 'tok' } }]);
    expect(g.state).toBe('ready');
    expect(g.sessionId).toBe('sess-1');
    socket.dispatch(2, 'MESSAGE_CREATED', { room: 'general', seq: 5, author: 'b', text: 'hi', at: 'x' });
    expect(g.lastSeq).toBe(2);
    expect(dispatches.map((d) => d.t)).toEqual(['READY', 'MESSAGE_CREATED']);
    expect(states).toEqual(['connecting', 'identifying', 'ready']);
  });

  it('passes each dispatch on once, dropping repeats of an s already processed', () => {
    const { g, dispatches } = client();
    const socket = connectReady(g);
    socket.dispatch(2, 'HELP', { commands: [] });
    socket.dispatch(2, 'HELP', { commands: [] });
    socket.dispatch(1, 'HELP', { commands: [] });
    socket.dispatch(3, 'HELP', { commands: [] });
    expect(dispatches.map((d) => d.s)).toEqual([1, 2, 3]);
  });

  it('queues input while not connected and sends it after READY', () => {
    const { g } = client();
    g.sendInput('general', 'early', 'n-1');
    g.connect();
    const socket = FakeSocket.last;
    socket.open();
    socket.hello();
    expect(socket.ops(Op.INPUT)).toEqual([]);
    socket.dispatch(1, 'READY', ready());
    expect(socket.ops(Op.INPUT)).toEqual([{ op: 3, d: { room: 'general', text: 'early', nonce: 'n-1' } }]);
    g.sendInput('general', 'live', 'n-2');
    expect(socket.ops(Op.INPUT)).toHaveLength(2);
  });

  it('sends CONFIRM only while connected', () => {
    const { g } = client();
    expect(g.confirm('t1', '4826')).toBe(false);
    const socket = connectReady(g);
    expect(g.confirm('t1', '4826')).toBe(true);
    expect(socket.ops(Op.CONFIRM)).toEqual([{ op: 4, d: { transfer_id: 't1', pin: '4826' } }]);
  });
});

describe('heartbeats', () => {
  it('beats first after a random fraction of the interval, then every interval, with the last s', () => {
    const { g } = client(() => 0.25);
    const socket = connectReady(g);
    vi.advanceTimersByTime(249);
    expect(socket.ops(Op.HEARTBEAT)).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(socket.ops(Op.HEARTBEAT)).toEqual([{ op: 1, d: 1 }]);
    socket.receive({ op: 11 });
    socket.dispatch(2, 'HELP', { commands: [] });
    vi.advanceTimersByTime(1000);
    expect(socket.ops(Op.HEARTBEAT)).toEqual([{ op: 1, d: 1 }, { op: 1, d: 2 }]);
    socket.receive({ op: 11 });
    vi.advanceTimersByTime(1000);
    expect(socket.ops(Op.HEARTBEAT)).toHaveLength(3);
    expect(g.state).toBe('ready');
  });

  it('beats with null before any dispatch', () => {
    const { g } = client(() => 0);
    g.connect();
    const socket = FakeSocket.last;
    socket.open();
    socket.hello(1000);
    vi.advanceTimersByTime(0);
    expect(socket.ops(Op.HEARTBEAT)).toEqual([{ op: 1, d: null }]);
  });

  it('treats a missing ACK as a dead connection and reconnects with RESUME', () => {
    const { g, states } = client(() => 0.5);
    const socket = connectReady(g);
    vi.advanceTimersByTime(500); // first beat
    expect(socket.ops(Op.HEARTBEAT)).toHaveLength(1);
    // no ACK
    vi.advanceTimersByTime(1000);
    expect(socket.closedWith).toBe(4000);
    expect(g.state).toBe('reconnecting');
    expect(states).toContain('reconnecting');
    // equal jitter: first delay between 500 and 1000 ms (random 0.5 → 750)
    vi.advanceTimersByTime(749);
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(2);
    const next = FakeSocket.last;
    next.open();
    next.hello();
    expect(next.ops(Op.RESUME)).toEqual([{ op: 6, d: { token: 'tok', session_id: 'sess-1', seq: 1 } }]);
    expect(next.ops(Op.IDENTIFY)).toHaveLength(0);
    expect(g.state).toBe('resuming');
  });

  it('gives up on a connection that never says HELLO', () => {
    const { g } = client();
    g.connect();
    FakeSocket.last.open();
    vi.advanceTimersByTime(15_000);
    expect(FakeSocket.last.closedWith).toBe(4000);
    expect(g.state).toBe('reconnecting');
  });
});

describe('resume', () => {
  it('resumes with session_id and last s, takes the replay in order, and goes on numbering', () => {
    const { g, dispatches } = client();
    const first = connectReady(g);
    first.dispatch(2, 'MESSAGE_CREATED', { room: 'general', seq: 1, author: 'b', text: 'one', at: 'x' });
    first.serverClose(1006);
    expect(g.state).toBe('reconnecting');
    vi.advanceTimersByTime(1000);
    const second = FakeSocket.last;
    expect(second).not.toBe(first);
    second.open();
    second.hello();
    expect(second.ops(Op.RESUME)[0].d).toEqual({ token: 'tok', session_id: 'sess-1', seq: 2 });
    // replay: one already seen (overlap) and two missed ones
    second.dispatch(2, 'MESSAGE_CREATED', { room: 'general', seq: 1, author: 'b', text: 'one', at: 'x' });
    second.dispatch(3, 'MESSAGE_CREATED', { room: 'general', seq: 2, author: 'b', text: 'two', at: 'x' });
    second.dispatch(4, 'MESSAGE_CREATED', { room: 'general', seq: 3, author: 'b', text: 'three', at: 'x' });
    second.dispatch(5, 'RESUMED', { replayed: 2 });
    expect(g.state).toBe('ready');
    expect(dispatches.map((d) => d.s)).toEqual([1, 2, 3, 4, 5]);
    expect(dispatches.filter((d) => d.t === 'MESSAGE_CREATED').map((d) => (d.d as { text: string }).text)).toEqual(['one', 'two', 'three']);
    expect(g.lastSeq).toBe(5);
  });

  it('backs off exponentially with jitter while the server stays away, and resets after READY', () => {
    const { g } = client(() => 1);
    const socket = connectReady(g);
    const delays: number[] = [];
    g.on('state', (s, info) => {
      if (s === 'reconnecting') delays.push(info.delayMs!);
    });
    socket.serverClose(1006);
    for (let i = 0; i < 7; i++) {
      vi.advanceTimersByTime(delays[delays.length - 1]);
      FakeSocket.last.serverClose(1006); // refused
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    vi.advanceTimersByTime(30_000);
    const s = FakeSocket.last;
    s.open();
    s.hello();
    s.dispatch(2, 'RESUMED', { replayed: 0 });
    s.serverClose(1006);
    expect(g.state).toBe('reconnecting');
    expect(delays[delays.length - 1]).toBe(1000);
  });

  it('reconnects at once on RECONNECT and resumes', () => {
    const { g } = client();
    const socket = connectReady(g);
    socket.receive({ op: 7 });
    expect(socket.closedWith).toBe(4000);
    vi.advanceTimersByTime(0);
    const next = FakeSocket.last;
    expect(next).not.toBe(socket);
    next.open();
    next.hello();
    expect(next.ops(Op.RESUME)).toHaveLength(1);
  });

  it('on INVALID_SESSION false identifies anew and numbers from 1 again', () => {
    const { g, invalid, dispatches } = client();
    const first = connectReady(g);
    first.dispatch(2, 'HELP', { commands: [] });
    first.serverClose(4009);
    vi.advanceTimersByTime(1000);
    const second = FakeSocket.last;
    second.open();
    second.hello();
    expect(second.ops(Op.RESUME)).toHaveLength(1);
    second.receive({ op: 9, d: false });
    expect(invalid).toEqual([false]);
    expect(second.ops(Op.IDENTIFY)).toEqual([{ op: 2, d: { token: 'tok' } }]);
    expect(g.state).toBe('identifying');
    second.dispatch(1, 'READY', ready('sess-2'));
    expect(g.sessionId).toBe('sess-2');
    expect(g.lastSeq).toBe(1);
    expect(dispatches.map((d) => `${d.t}@${d.s}`)).toEqual(['READY@1', 'HELP@2', 'READY@1']);
  });

  it('on INVALID_SESSION true tries to resume the same session again', () => {
    const { g } = client(() => 0);
    const first = connectReady(g);
    first.serverClose(1006);
    vi.advanceTimersByTime(1000);
    const second = FakeSocket.last;
    second.open();
    second.hello();
    second.receive({ op: 9, d: true });
    vi.advanceTimersByTime(1000);
    expect(second.ops(Op.RESUME)).toHaveLength(2);
  });
});

describe('close codes', () => {
  for (const code of [4004, 4012]) {
    it(`stops and reports ${code} without reconnecting`, () => {
      const { g, fatal } = client();
      const socket = connectReady(g);
      socket.serverClose(code, 'bye');
      expect(fatal).toEqual([code]);
      expect(g.state).toBe('closed');
      vi.advanceTimersByTime(120_000);
      expect(FakeSocket.instances).toHaveLength(1);
    });
  }

  it('reconnects more slowly after a rate limit (4008)', () => {
    const { g } = client(() => 1);
    const delays: number[] = [];
    g.on('state', (s, info) => {
      if (s === 'reconnecting') delays.push(info.delayMs!);
    });
    connectReady(g).serverClose(4008);
    expect(delays).toEqual([5000]);
  });

  it('close() stops everything', () => {
    const { g } = client();
    const socket = connectReady(g);
    g.close();
    expect(socket.closedWith).toBe(1000);
    expect(g.state).toBe('closed');
    vi.advanceTimersByTime(120_000);
    expect(FakeSocket.instances).toHaveLength(1);
    expect(socket.ops(Op.HEARTBEAT)).toHaveLength(0);
  });
});
