import type { SocketLike } from '../src/gateway/client';

/** A WebSocket stand-in: the test plays the server. */
export class FakeSocket implements SocketLike {
  static instances: FakeSocket[] = [];
  static reset(): void {
    FakeSocket.instances = [];
  }
  static get last(): FakeSocket {
    return FakeSocket.instances[FakeSocket.instances.length - 1];
  }

  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string; wasClean?: boolean }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  sent: { op: number; d: unknown }[] = [];
  closedWith: number | null = null;

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data));
  }

  close(code = 1000): void {
    this.closedWith = code;
    this.readyState = 3;
  }

  // --- the server side ---

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(frame: { op: number; d?: unknown; s?: number | null; t?: string | null }): void {
    this.onmessage?.({ data: JSON.stringify({ s: null, t: null, d: null, ...frame }) });
  }

  hello(interval = 1000): void {
    this.receive({ op: 10, d: { heartbeat_interval: interval } });
  }

  dispatch(s: number, t: string, d: unknown): void {
    this.receive({ op: 0, s, t, d });
  }

  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason, wasClean: true });
  }

  ops(op: number): { op: number; d: unknown }[] {
    return this.sent.filter((f) => f.op === op);
  }
}

export const factory = (url: string) => new FakeSocket(url);

export function ready(sessionId = 'sess-1', rooms = [{ id: 'general', last_seq: 0, members: [] as { username: string; online: boolean }[] }], balance = '100.00') {
  return { session_id: sessionId, user: { username: 'amani' }, balance, rooms };
}
