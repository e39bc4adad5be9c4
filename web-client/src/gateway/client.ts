/**
 * The gateway protocol client, framework-free: connection, HELLO/IDENTIFY/RESUME state machine,
 * dispatch sequence tracking, heartbeats with dead-connection detection, reconnect with jittered
 * exponential backoff. Everything it learns is reported through events; it keeps no chat state.
 */

import { Close, decode, encode, isFatalClose, Op, type Frame } from './codec';
import { Emitter } from './emitter';
import type { Dispatch, ReadyEvent, ResumedEvent } from './events';

/** The part of the browser's WebSocket this client uses (tests pass a fake). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string; wasClean?: boolean }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

export type ConnectionState =
  | 'idle' // never connected
  | 'connecting' // socket opening, waiting for HELLO
  | 'identifying' // IDENTIFY sent, waiting for READY
  | 'resuming' // RESUME sent, replay under way until RESUMED
  | 'ready' // authenticated, live
  | 'reconnecting' // waiting out the backoff before the next attempt
  | 'closed'; // stopped for good (logged out, token refused, or close())

export interface StateInfo {
  /** Attempt number of the coming reconnect (1 for the first). */
  attempt?: number;
  /** How long until the next attempt, when reconnecting. */
  delayMs?: number;
  /** Why the connection was lost, when known. */
  reason?: string;
  code?: number;
}

export interface GatewayEvents {
  state: (state: ConnectionState, info: StateInfo) => void;
  /** Every dispatch, in order, exactly once per session sequence number. */
  dispatch: (dispatch: Dispatch) => void;
  ready: (ready: ReadyEvent) => void;
  resumed: (resumed: ResumedEvent) => void;
  /** The server refused to resume; `resumable` false means a new session (IDENTIFY) follows. */
  invalidSession: (resumable: boolean) => void;
  /** The token was refused (4004) or revoked (4012): the user must log in again. */
  fatal: (code: number, reason: string) => void;
}

export interface GatewayOptions {
  url: string;
  /** The bearer token; read at every IDENTIFY/RESUME. */
  token: () => string | null;
  socketFactory?: SocketFactory;
  random?: () => number;
  /** First reconnect delay and the cap of the exponential backoff. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How long to wait for HELLO (and, once open, for the socket to open at all). */
  helloTimeoutMs?: number;
}

const OPEN = 1;

export class GatewayClient extends Emitter<GatewayEvents> {
  private readonly opts: Required<Omit<GatewayOptions, 'socketFactory'>> & { socketFactory: SocketFactory };
  private socket: SocketLike | null = null;
  private _state: ConnectionState = 'idle';
  private _sessionId: string | null = null;
  private _seq: number | null = null;
  private heartbeatIntervalMs = 0;
  private heartbeatTimer: ReturnType<typeof setTimeout> | null = null;
  private awaitingAck = false;
  private helloTimer: ReturnType<typeof setTimeout> | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private resumeRetryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private stopped = false;
  private outbox: string[] = [];

  constructor(options: GatewayOptions) {
    super();
    this.opts = {
      random: Math.random,
      backoffBaseMs: 1000,
      backoffMaxMs: 30_000,
      helloTimeoutMs: 15_000,
      socketFactory: (url) => new WebSocket(url) as unknown as SocketLike,
      ...options,
    };
  }

  get state(): ConnectionState {
    return this._state;
  }

  get sessionId(): string | null {
    return this._sessionId;
  }

  /** The last dispatch sequence number processed in this session (null before the first). */
  get lastSeq(): number | null {
    return this._seq;
  }

  /** Opens the connection (a no-op while one is open or opening). */
  connect(): void {
    this.stopped = false;
    if (this.socket) return;
    this.clearTimer('reconnectTimer');
    this.setState('connecting', {});
    let socket: SocketLike;
    try {
      socket = this.opts.socketFactory(this.opts.url);
    } catch (e) {
      this.scheduleReconnect(`cannot open: ${String(e)}`);
      return;
    }
    this.socket = socket;
    socket.onmessage = (ev) => {
      if (this.socket === socket) this.onFrame(ev.data);
    };
    socket.onclose = (ev) => {
      if (this.socket === socket) this.onSocketClosed(ev.code, ev.reason ?? '');
    };
    socket.onerror = () => {
      // A close event always follows; nothing to do here.
    };
    this.helloTimer = setTimeout(() => this.abandon('no HELLO from the server'), this.opts.helloTimeoutMs);
  }

  /** Stops for good: no reconnects. */
  close(): void {
    this.stopped = true;
    const socket = this.socket;
    this.teardown();
    if (socket) socket.close(1000, 'client closed');
    this.setState('closed', {});
  }

  /**
   * Sends a line the user typed. While not connected the line waits and goes out after READY or
   * RESUMED (the nonce makes a repeat harmless).
   */
  sendInput(room: string, text: string, nonce: string): void {
    const frame = encode(Op.INPUT, { room, text, nonce });
    if (this._state === 'ready' && this.socket?.readyState === OPEN) this.socket.send(frame);
    else this.outbox.push(frame);
  }

  /** Confirms a pending transfer with the PIN. Never queued: false when not connected. */
  confirm(transferId: string, pin: string): boolean {
    if (this._state !== 'ready' || this.socket?.readyState !== OPEN) return false;
    this.socket.send(encode(Op.CONFIRM, { transfer_id: transferId, pin }));
    return true;
  }

  /** Drops the current connection and reconnects (RESUME) right away, e.g. when the browser comes back online. */
  reconnectNow(reason = 'reconnect requested'): void {
    if (this.stopped) return;
    this.abandon(reason, 0);
  }

  // --- incoming frames ---

  private onFrame(data: unknown): void {
    let frame: Frame;
    try {
      frame = decode(data);
    } catch (e) {
      console.warn('gateway: ignoring an undecodable frame', e);
      return;
    }
    switch (frame.op) {
      case Op.HELLO:
        return this.onHello(frame.d);
      case Op.HEARTBEAT_ACK:
        this.awaitingAck = false;
        return;
      case Op.HEARTBEAT:
        this.sendHeartbeat();
        return;
      case Op.DISPATCH:
        return this.onDispatch(frame);
      case Op.INVALID_SESSION:
        return this.onInvalidSession(frame.d === true);
      case Op.RECONNECT:
        return this.abandon('the server asked to reconnect', 0);
      default:
        console.warn('gateway: unknown opcode', frame.op);
    }
  }

  private onHello(d: unknown): void {
    this.clearTimer('helloTimer');
    const interval = (d as { heartbeat_interval?: unknown } | null)?.heartbeat_interval;
    this.heartbeatIntervalMs = typeof interval === 'number' && interval > 0 ? interval : 30_000;
    this.awaitingAck = false;
    // The first beat after a random fraction of the interval, so clients do not beat in step.
    this.scheduleHeartbeat(Math.floor(this.heartbeatIntervalMs * this.opts.random()));
    if (this._sessionId && this._seq !== null) this.resume();
    else this.identify();
  }

  private identify(): void {
    this.setState('identifying', {});
    this.send(encode(Op.IDENTIFY, { token: this.opts.token() ?? '' }));
  }

  private resume(): void {
    this.setState('resuming', {});
    this.send(encode(Op.RESUME, { token: this.opts.token() ?? '', session_id: this._sessionId, seq: this._seq }));
  }

  private onDispatch(frame: Frame): void {
    const s = frame.s!;
    if (this._seq !== null && s <= this._seq) return; // already processed (a replay overlapping what we saw)
    this._seq = s;
    const dispatch = { t: frame.t, d: frame.d, s } as Dispatch;
    if (dispatch.t === 'READY') {
      this._sessionId = dispatch.d.session_id;
      this.becomeReady();
      this.emit('dispatch', dispatch);
      this.emit('ready', dispatch.d);
      this.flushOutbox();
      return;
    }
    if (dispatch.t === 'RESUMED') {
      this.becomeReady();
      this.emit('dispatch', dispatch);
      this.emit('resumed', dispatch.d);
      this.flushOutbox();
      return;
    }
    this.emit('dispatch', dispatch);
  }

  private becomeReady(): void {
    this.attempts = 0;
    this.setState('ready', {});
  }

  private onInvalidSession(resumable: boolean): void {
    this.emit('invalidSession', resumable);
    if (resumable && this._sessionId) {
      // Try the same session again a moment later, on this connection.
      this.clearTimer('resumeRetryTimer');
      this.resumeRetryTimer = setTimeout(() => {
        if (this.socket && !this.stopped) this.resume();
      }, 1000 + Math.floor(this.opts.random() * 4000));
      return;
    }
    // A new session: numbered from 1 again.
    this._sessionId = null;
    this._seq = null;
    this.identify();
  }

  // --- heartbeats ---

  private scheduleHeartbeat(delayMs: number): void {
    this.clearTimer('heartbeatTimer');
    this.heartbeatTimer = setTimeout(() => this.beat(), delayMs);
  }

  private beat(): void {
    if (this.awaitingAck) {
      // No ACK for the previous beat: the connection is dead even if the socket has not noticed.
      this.abandon('no heartbeat ACK');
      return;
    }
    this.sendHeartbeat();
    this.awaitingAck = true;
    this.scheduleHeartbeat(this.heartbeatIntervalMs);
  }

  private sendHeartbeat(): void {
    this.send(encode(Op.HEARTBEAT, this._seq));
  }

  // --- losing and regaining the connection ---

  private onSocketClosed(code: number, reason: string): void {
    this.socket = null;
    this.teardown();
    if (this.stopped) {
      this.setState('closed', { code, reason });
      return;
    }
    if (isFatalClose(code)) {
      this.stopped = true;
      this._sessionId = null;
      this._seq = null;
      this.outbox = [];
      this.setState('closed', { code, reason });
      this.emit('fatal', code, reason);
      return;
    }
    this.scheduleReconnect(reason || `closed (${code})`, code);
  }

  /** Gives up on the current socket without waiting for its close event, then reconnects. */
  private abandon(reason: string, delayMs?: number): void {
    const socket = this.socket;
    this.socket = null;
    this.teardown();
    if (socket) {
      try {
        socket.close(Close.UNKNOWN, reason.slice(0, 100));
      } catch {
        // already closing
      }
    }
    if (this.stopped) return;
    this.scheduleReconnect(reason, undefined, delayMs);
  }

  private scheduleReconnect(reason: string, code?: number, fixedDelayMs?: number): void {
    this.attempts++;
    let delayMs: number;
    if (fixedDelayMs !== undefined) {
      delayMs = fixedDelayMs;
    } else {
      const base = this.opts.backoffBaseMs * (code === Close.RATE_LIMITED ? 5 : 1);
      const ceiling = Math.min(this.opts.backoffMaxMs * (code === Close.RATE_LIMITED ? 2 : 1),
        base * 2 ** Math.min(this.attempts - 1, 16));
      // "Equal jitter": half fixed, half random, so many clients do not come back in step.
      delayMs = Math.floor(ceiling / 2 + this.opts.random() * (ceiling / 2));
    }
    this.setState('reconnecting', { attempt: this.attempts, delayMs, reason, code });
    this.clearTimer('reconnectTimer');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delayMs);
  }

  private teardown(): void {
    this.clearTimer('heartbeatTimer');
    this.clearTimer('helloTimer');
    this.clearTimer('reconnectTimer');
    this.clearTimer('resumeRetryTimer');
    this.awaitingAck = false;
  }

  private clearTimer(name: 'heartbeatTimer' | 'helloTimer' | 'reconnectTimer' | 'resumeRetryTimer'): void {
    const timer = this[name];
    if (timer !== null) clearTimeout(timer);
    this[name] = null;
  }

  private send(frame: string): void {
    if (this.socket?.readyState === OPEN) this.socket.send(frame);
  }

  private flushOutbox(): void {
    const frames = this.outbox;
    this.outbox = [];
    for (const frame of frames) this.send(frame);
  }

  private setState(state: ConnectionState, info: StateInfo): void {
    this._state = state;
    this.emit('state', state, info);
  }
}
