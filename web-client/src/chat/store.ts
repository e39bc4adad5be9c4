/**
 * The chat state of one logged-in user, framework-free: it listens to the gateway client, fetches
 * history, and keeps rooms, members, timelines (deduplicated by room seq), unread counts, the
 * balance and the transfer dialog. React reads it through subscribe/getState.
 */

import type { ApiError, HistoryEvent, HistoryPage, HistoryQuery } from '../api';
import { parseLine } from '../commands';
import type { ConnectionState, GatewayEvents, StateInfo } from '../gateway/client';
import type {
  Dispatch,
  HelpEvent,
  ReadyEvent,
  RoomSnapshot,
  TransferFailedEvent,
  TransferReceiptEvent,
} from '../gateway/events';
import type { MessageItem, SystemItem } from '../grouping';

/** A message from the room's timeline. */
export interface MessageEntry extends MessageItem {
  kind: 'message';
  seq: number;
  nonce?: string | null;
}

/** A join, leave or transfer notice from the room's timeline. */
export interface EventEntry extends SystemItem {
  kind: 'system';
  type: 'member_joined' | 'member_left' | 'transfer';
  seq: number;
  at: string;
  username?: string;
  from?: string;
  to?: string;
}

export type RoomEntry = MessageEntry | EventEntry;

export type Notice =
  | { variant: 'error'; code: string; message: string }
  | { variant: 'help'; commands: HelpEvent['commands'] }
  | { variant: 'receipt'; receipt: TransferReceiptEvent }
  | { variant: 'info'; message: string };

/** Something only this client shows (errors, help, receipts), placed after a room seq. */
export interface NoticeEntry extends SystemItem {
  kind: 'system';
  type: 'notice';
  afterSeq: number;
  at: string;
  notice: Notice;
}

/** A line this user sent that the server has not echoed yet. */
export interface PendingEntry extends MessageItem {
  kind: 'message';
  pending: true;
  nonce: string;
  room: string;
  failed?: string;
  /** Connection epoch it went out on; null while it waits in the gateway's outbox. */
  sentEpoch: number | null;
}

export type TimelineEntry = RoomEntry | NoticeEntry | PendingEntry;

export interface RoomState {
  id: string;
  /** username → online; always empty for a large room, whose members the server does not send. */
  members: Record<string, boolean>;
  /** How many members the room has: the size of members, except in a large room. */
  memberCount: number;
  /** Described by its member count alone (no members, no presence), as READY or ROOM_JOINED said. */
  large: boolean;
  /** The room seq up to which members and memberCount are known: joins and leaves at or below it are in them already. */
  membersSeq: number;
  /** Sorted by seq, no duplicates. */
  entries: RoomEntry[];
  /** The highest room seq known to exist. */
  lastSeq: number;
  /** The latest page has been fetched at least once. */
  loaded: boolean;
  loading: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  unread: number;
  notices: NoticeEntry[];
  pending: PendingEntry[];
  historyError: string | null;
}

export interface TransferDialog {
  transferId: string;
  room: string;
  to: string;
  amount: string;
  expiresAt: string;
  phase: 'pin' | 'confirming' | 'done' | 'failed';
  error: { reason: string; message: string; attemptsLeft?: number; lockedUntil?: string } | null;
  receipt: TransferReceiptEvent | null;
}

export interface ChatState {
  me: string;
  balance: string | null;
  connection: ConnectionState;
  connectionInfo: StateInfo;
  /** READY has been received at least once. */
  started: boolean;
  rooms: Record<string, RoomState>;
  roomOrder: string[];
  activeRoom: string | null;
  transfer: TransferDialog | null;
  sessionEnded: { code: number; reason: string } | null;
}

/** What the store needs from the gateway client. */
export interface GatewayPort {
  readonly state: ConnectionState;
  on<K extends keyof GatewayEvents>(event: K, listener: GatewayEvents[K]): () => void;
  connect(): void;
  close(): void;
  sendInput(room: string, text: string, nonce: string): void;
  confirm(transferId: string, pin: string): boolean;
}

export interface HistoryPort {
  history(token: string, room: string, query?: HistoryQuery): Promise<HistoryPage>;
}

export interface ChatStoreOptions {
  gateway: GatewayPort;
  api: HistoryPort;
  token: () => string;
  me: string;
  initialRoom?: string | null;
  newNonce?: () => string;
  now?: () => Date;
}

const PAGE = 50;
const CATCH_UP_PAGE = 100;

function defaultNonce(): string {
  const random =
    typeof crypto !== 'undefined' && 'randomUUID' in crypto
      ? crypto.randomUUID().replace(/-/g, '').slice(0, 16)
      : Math.random().toString(36).slice(2, 14);
  return `c-${Date.now().toString(36)}-${random}`;
}

export function emptyRoom(id: string): RoomState {
  return {
    id,
    members: {},
    memberCount: 0,
    large: false,
    membersSeq: 0,
    entries: [],
    lastSeq: 0,
    loaded: false,
    loading: false,
    hasOlder: false,
    loadingOlder: false,
    unread: 0,
    notices: [],
    pending: [],
    historyError: null,
  };
}

type Membership = Pick<RoomState, 'members' | 'memberCount' | 'large' | 'membersSeq'>;

/** What READY or ROOM_JOINED tells of a room's members (a server that predates large rooms sends neither flag nor count). */
function membershipOf(snapshot: RoomSnapshot): Membership {
  const large = snapshot.large === true;
  const members: Record<string, boolean> = {};
  // Even if a large room came with members, a list of them could not be kept right: no presence is sent for it.
  if (!large) for (const m of snapshot.members ?? []) members[m.username] = !!m.online;
  const memberCount = large ? (snapshot.member_count ?? snapshot.members?.length ?? 0) : Object.keys(members).length;
  return { members, memberCount, large, membersSeq: snapshot.last_seq ?? 0 };
}

/** A history event as a timeline entry (null for types this client does not know). */
export function entryFromHistory(room: string, e: HistoryEvent): RoomEntry | null {
  const key = `${room}#${e.seq}`;
  switch (e.type) {
    case 'message':
      return { kind: 'message', key, seq: e.seq, author: e.author ?? '?', text: e.text ?? '', at: e.at, nonce: e.nonce };
    case 'member_joined':
    case 'member_left':
      return { kind: 'system', key, type: e.type, seq: e.seq, at: e.at, username: e.username };
    case 'transfer':
      return { kind: 'system', key, type: 'transfer', seq: e.seq, at: e.at, from: e.from, to: e.to };
    default:
      return null;
  }
}

/** Merges entries into a sorted, seq-unique list; returns the new list and what was actually new. */
export function mergeEntries(existing: RoomEntry[], incoming: RoomEntry[]): { entries: RoomEntry[]; added: RoomEntry[] } {
  if (incoming.length === 0) return { entries: existing, added: [] };
  const seen = new Set(existing.map((e) => e.seq));
  const added: RoomEntry[] = [];
  for (const e of incoming) {
    if (!seen.has(e.seq)) {
      seen.add(e.seq);
      added.push(e);
    }
  }
  if (added.length === 0) return { entries: existing, added };
  const top = existing.length ? existing[existing.length - 1].seq : -Infinity;
  const sortedAdded = [...added].sort((a, b) => a.seq - b.seq);
  const entries =
    sortedAdded[0].seq > top ? [...existing, ...sortedAdded] : [...existing, ...sortedAdded].sort((a, b) => a.seq - b.seq);
  return { entries, added: sortedAdded };
}

/** The highest seq up to which the entries have no hole, counting from the oldest one held. */
export function contiguousTop(entries: RoomEntry[]): number {
  if (entries.length === 0) return 0;
  let top = entries[0].seq;
  for (let i = 1; i < entries.length; i++) {
    if (entries[i].seq !== top + 1) break;
    top = entries[i].seq;
  }
  return top;
}

/** The room's timeline for display: entries by seq, local notices after their seq, then pending lines. */
export function timelineOf(room: RoomState): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const notices = room.notices;
  let n = 0;
  for (const entry of room.entries) {
    while (n < notices.length && notices[n].afterSeq < entry.seq) out.push(notices[n++]);
    out.push(entry);
  }
  while (n < notices.length) out.push(notices[n++]);
  out.push(...room.pending);
  return out;
}

type Listener = () => void;

export class ChatStore {
  private state: ChatState;
  private listeners = new Set<Listener>();
  private unsubscribers: (() => void)[] = [];
  private readonly newNonce: () => string;
  private readonly now: () => Date;
  private noticeCounter = 0;
  private epoch = 0;
  private pendingJoin: { room: string; nonce: string } | null = null;
  /** nonce → room of each line sent, to place an ERROR where the line was typed. */
  private nonceRooms = new Map<string, string>();
  private catchingUp = new Set<string>();
  private disposed = false;

  constructor(private readonly opts: ChatStoreOptions) {
    this.newNonce = opts.newNonce ?? defaultNonce;
    this.now = opts.now ?? (() => new Date());
    this.state = {
      me: opts.me,
      balance: null,
      connection: opts.gateway.state,
      connectionInfo: {},
      started: false,
      rooms: {},
      roomOrder: [],
      activeRoom: opts.initialRoom ?? null,
      transfer: null,
      sessionEnded: null,
    };
  }

  // --- external store API ---

  getState = (): ChatState => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(patch: Partial<ChatState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of [...this.listeners]) l();
  }

  private updateRoom(id: string, fn: (room: RoomState) => RoomState | null): void {
    const room = this.state.rooms[id];
    if (!room) return;
    const next = fn(room);
    if (next === room || next === null) return;
    this.set({ rooms: { ...this.state.rooms, [id]: next } });
  }

  // --- lifecycle ---

  start(): void {
    this.disposed = false;
    const g = this.opts.gateway;
    this.unsubscribers.push(
      g.on('state', (connection, connectionInfo) => this.set({ connection, connectionInfo })),
      g.on('dispatch', (d) => this.onDispatch(d)),
      g.on('resumed', () => this.onReconnected()),
      g.on('fatal', (code, reason) => this.set({ sessionEnded: { code, reason } })),
    );
    g.connect();
  }

  stop(): void {
    this.disposed = true;
    for (const u of this.unsubscribers) u();
    this.unsubscribers = [];
    this.opts.gateway.close();
  }

  // --- user actions ---

  selectRoom(id: string): void {
    const room = this.state.rooms[id];
    if (!room) return;
    this.set({ activeRoom: id });
    this.updateRoom(id, (r) => (r.unread === 0 ? r : { ...r, unread: 0 }));
    if (!room.loaded) void this.loadLatest(id);
    else if (room.lastSeq > contiguousTop(room.entries)) void this.catchUp(id);
  }

  /** Sends a line typed in the active room (or `room`). False when there is nothing to send. */
  sendLine(raw: string, room = this.state.activeRoom): boolean {
    const text = raw.trim();
    if (!text || !room || !this.state.rooms[room]) return false;
    const nonce = this.newNonce();
    this.nonceRooms.set(nonce, room);
    const parsed = parseLine(text);
    if (parsed.kind === 'join') this.pendingJoin = { room: parsed.room, nonce };
    if (parsed.kind === 'message') {
      const ready = this.opts.gateway.state === 'ready';
      const pending: PendingEntry = {
        kind: 'message',
        key: `pending-${nonce}`,
        pending: true,
        nonce,
        room,
        author: this.state.me,
        text,
        at: this.now().toISOString(),
        sentEpoch: ready ? this.epoch : null,
      };
      this.updateRoom(room, (r) => ({ ...r, pending: [...r.pending, pending] }));
    }
    this.opts.gateway.sendInput(room, text, nonce);
    return true;
  }

  confirmTransfer(pin: string): boolean {
    const t = this.state.transfer;
    if (!t || (t.phase !== 'pin' && t.phase !== 'confirming')) return false;
    if (!this.opts.gateway.confirm(t.transferId, pin)) {
      this.set({
        transfer: { ...t, phase: 'pin', error: { reason: 'offline', message: 'Not connected right now; try again in a moment.' } },
      });
      return false;
    }
    this.set({ transfer: { ...t, phase: 'confirming', error: null } });
    return true;
  }

  closeTransfer(): void {
    this.set({ transfer: null });
  }

  async loadOlder(id: string): Promise<void> {
    const room = this.state.rooms[id];
    if (!room || !room.loaded || !room.hasOlder || room.loadingOlder || room.entries.length === 0) return;
    const before = room.entries[0].seq;
    this.updateRoom(id, (r) => ({ ...r, loadingOlder: true }));
    try {
      const page = await this.fetchHistory(id, { before, limit: PAGE });
      this.mergeHistory(id, page.events, false);
      this.updateRoom(id, (r) => ({ ...r, hasOlder: page.has_more, loadingOlder: false, historyError: null }));
    } catch (e) {
      this.updateRoom(id, (r) => ({ ...r, loadingOlder: false, historyError: errorText(e) }));
    }
  }

  // --- gateway events ---

  private onDispatch(dispatch: Dispatch): void {
    if (this.disposed) return;
    switch (dispatch.t) {
      case 'READY':
        return this.onReady(dispatch.d);
      case 'MESSAGE_CREATED': {
        const d = dispatch.d;
        this.onRoomEntry(d.room, {
          kind: 'message',
          key: `${d.room}#${d.seq}`,
          seq: d.seq,
          author: d.author,
          text: d.text,
          at: d.at,
          nonce: d.nonce,
        });
        return;
      }
      case 'MEMBER_JOINED':
      case 'MEMBER_LEFT': {
        const d = dispatch.d;
        const joined = dispatch.t === 'MEMBER_JOINED';
        this.updateRoom(d.room, (r) => {
          // Counted already (the snapshot's count includes the events up to its last_seq): a large room
          // has no list to tell a repeat by, so it would be counted twice.
          if (d.seq <= r.membersSeq) return r;
          if (r.large) {
            // The server writes a join only for someone new and a leave only for a member: +1 / -1 is exact.
            return { ...r, memberCount: Math.max(0, r.memberCount + (joined ? 1 : -1)), membersSeq: d.seq };
          }
          const members = { ...r.members };
          if (joined) members[d.username] = members[d.username] ?? true;
          else delete members[d.username];
          return { ...r, members, memberCount: Object.keys(members).length, membersSeq: d.seq };
        });
        this.onRoomEntry(d.room, {
          kind: 'system',
          key: `${d.room}#${d.seq}`,
          type: joined ? 'member_joined' : 'member_left',
          seq: d.seq,
          at: d.at,
          username: d.username,
        });
        return;
      }
      case 'TRANSFER_NOTICE': {
        const d = dispatch.d;
        this.onRoomEntry(d.room, { kind: 'system', key: `${d.room}#${d.seq}`, type: 'transfer', seq: d.seq, at: d.at, from: d.from, to: d.to });
        return;
      }
      case 'ROOM_JOINED':
        return this.onRoomJoined(dispatch.d.room);
      case 'ROOM_LEFT':
        return this.onRoomLeft(dispatch.d.room);
      case 'ROOM_BECAME_LARGE': {
        const d = dispatch.d;
        // From now on the room is known by its count, as one that came large: no list, nobody's presence.
        this.updateRoom(d.room, (r) => ({
          ...r,
          large: true,
          members: {},
          memberCount: d.member_count,
          membersSeq: Math.max(r.membersSeq, d.seq),
        }));
        return;
      }
      case 'PRESENCE_UPDATE': {
        const { username, status } = dispatch.d;
        const online = status === 'online';
        let changed = false;
        const rooms = { ...this.state.rooms };
        for (const [id, r] of Object.entries(rooms)) {
          // A large room lists nobody: the update is for a small room this user shares with us.
          if (r.large) continue;
          if (username in r.members && r.members[username] !== online) {
            rooms[id] = { ...r, members: { ...r.members, [username]: online } };
            changed = true;
          }
        }
        if (changed) this.set({ rooms });
        return;
      }
      case 'TRANSFER_PIN_REQUIRED': {
        const d = dispatch.d;
        this.set({
          transfer: {
            transferId: d.transfer_id,
            room: d.room,
            to: d.to,
            amount: d.amount,
            expiresAt: d.expires_at,
            phase: 'pin',
            error: null,
            receipt: null,
          },
        });
        return;
      }
      case 'TRANSFER_RECEIPT':
        return this.onReceipt(dispatch.d);
      case 'TRANSFER_FAILED':
        return this.onTransferFailed(dispatch.d);
      case 'HELP':
        this.addNotice(this.state.activeRoom, { variant: 'help', commands: dispatch.d.commands ?? [] });
        return;
      case 'ERROR': {
        const d = dispatch.d;
        const room = (d.nonce && this.nonceRooms.get(d.nonce)) || this.state.activeRoom;
        if (d.nonce && room) {
          this.updateRoom(room, (r) =>
            r.pending.some((p) => p.nonce === d.nonce)
              ? { ...r, pending: r.pending.filter((p) => p.nonce !== d.nonce) }
              : r,
          );
        }
        if (this.pendingJoin && d.nonce === this.pendingJoin.nonce) this.pendingJoin = null;
        this.addNotice(room, { variant: 'error', code: d.code, message: d.message });
        return;
      }
      default:
        return;
    }
  }

  private onReady(d: ReadyEvent): void {
    const previous = this.state.rooms;
    const rooms: Record<string, RoomState> = {};
    for (const snapshot of d.rooms) {
      const old = previous[snapshot.id];
      rooms[snapshot.id] = {
        ...(old ?? emptyRoom(snapshot.id)),
        // A new session may describe the room differently (large or not) from the last one: READY decides.
        ...membershipOf(snapshot),
        lastSeq: Math.max(old?.lastSeq ?? 0, snapshot.last_seq ?? 0),
      };
    }
    const ids = d.rooms.map((r) => r.id);
    const order = [...this.state.roomOrder.filter((id) => id in rooms), ...ids.filter((id) => !this.state.roomOrder.includes(id))];
    const wanted = this.state.activeRoom;
    const activeRoom = wanted && wanted in rooms ? wanted : 'general' in rooms ? 'general' : (order[0] ?? null);
    this.set({ me: d.user?.username ?? this.state.me, balance: d.balance, rooms, roomOrder: sortRooms(order), activeRoom, started: true });
    if (activeRoom) this.updateRoom(activeRoom, (r) => (r.unread ? { ...r, unread: 0 } : r));
    this.onReconnected();
    // Catch up every room we already hold (a new session after INVALID_SESSION, or a fresh
    // node); the active one is loaded if it never was.
    for (const id of Object.keys(rooms)) {
      const room = this.state.rooms[id];
      if (room.loaded) void this.catchUp(id);
      else if (id === activeRoom) void this.loadLatest(id);
    }
  }

  /** After READY or RESUMED: lines sent on a connection that died without their echo go out again (same nonce). */
  private onReconnected(): void {
    this.epoch++;
    const epoch = this.epoch;
    const rooms = { ...this.state.rooms };
    let changed = false;
    for (const [id, r] of Object.entries(rooms)) {
      if (r.pending.length === 0) continue;
      const pending = r.pending.map((p) => {
        if (p.failed) return p;
        if (p.sentEpoch !== null && p.sentEpoch < epoch) this.opts.gateway.sendInput(p.room, p.text, p.nonce);
        return { ...p, sentEpoch: epoch };
      });
      rooms[id] = { ...r, pending };
      changed = true;
    }
    if (changed) this.set({ rooms });
    if (this.state.started) {
      for (const id of Object.keys(this.state.rooms)) {
        const room = this.state.rooms[id];
        if (room.loaded && room.lastSeq > contiguousTop(room.entries)) void this.catchUp(id);
      }
    }
  }

  private onRoomEntry(roomId: string, entry: RoomEntry): void {
    const room = this.state.rooms[roomId];
    if (!room) return;
    const heldTop = room.entries.length ? contiguousTop(room.entries) : 0;
    const { entries, added } = mergeEntries(room.entries, [entry]);
    if (added.length === 0) return;
    const mine = entry.kind === 'message' && entry.author === this.state.me;
    const pending = mine && entry.nonce ? room.pending.filter((p) => p.nonce !== entry.nonce) : room.pending;
    const countsAsUnread = entry.kind === 'message' && !mine && roomId !== this.state.activeRoom;
    this.updateRoom(roomId, (r) => ({
      ...r,
      entries,
      pending,
      lastSeq: Math.max(r.lastSeq, entry.seq),
      unread: r.unread + (countsAsUnread ? 1 : 0),
    }));
    // A hole before this entry: fetch the missing range from the history.
    if (room.loaded && room.entries.length > 0 && entry.seq > heldTop + 1) void this.catchUp(roomId);
  }

  private onRoomJoined(snapshot: RoomSnapshot): void {
    const existing = this.state.rooms[snapshot.id];
    const room: RoomState = {
      ...(existing ?? emptyRoom(snapshot.id)),
      ...membershipOf(snapshot),
      lastSeq: Math.max(existing?.lastSeq ?? 0, snapshot.last_seq ?? 0),
    };
    const order = this.state.roomOrder.includes(snapshot.id) ? this.state.roomOrder : sortRooms([...this.state.roomOrder, snapshot.id]);
    this.set({ rooms: { ...this.state.rooms, [snapshot.id]: room }, roomOrder: order });
    if (this.pendingJoin?.room === snapshot.id || !this.state.activeRoom) {
      this.pendingJoin = null;
      this.selectRoom(snapshot.id);
    }
  }

  private onRoomLeft(id: string): void {
    if (!this.state.rooms[id]) return;
    const rooms = { ...this.state.rooms };
    delete rooms[id];
    const roomOrder = this.state.roomOrder.filter((r) => r !== id);
    let activeRoom = this.state.activeRoom;
    const wasActive = activeRoom === id;
    if (wasActive) activeRoom = 'general' in rooms ? 'general' : (roomOrder[0] ?? null);
    this.set({ rooms, roomOrder, activeRoom });
    if (wasActive && activeRoom) {
      this.selectRoom(activeRoom);
      this.addNotice(activeRoom, { variant: 'info', message: `You left #${id}.` });
    }
  }

  private onReceipt(d: TransferReceiptEvent): void {
    const t = this.state.transfer;
    this.set({
      balance: d.balance,
      transfer: t && t.transferId === d.transfer_id ? { ...t, phase: 'done', error: null, receipt: d } : t,
    });
    const room = d.room && this.state.rooms[d.room] ? d.room : this.state.activeRoom;
    this.addNotice(room, { variant: 'receipt', receipt: d });
  }

  private onTransferFailed(d: TransferFailedEvent): void {
    const t = this.state.transfer;
    const error = { reason: d.reason, message: d.message, attemptsLeft: d.attempts_left, lockedUntil: d.locked_until };
    if (t && t.transferId === d.transfer_id && t.phase !== 'done') {
      // A wrong PIN or a busy server leaves the transfer waiting for another try; anything else ends it.
      const phase = d.reason === 'wrong_pin' || d.reason === 'busy' ? 'pin' : 'failed';
      this.set({ transfer: { ...t, phase, error } });
      return;
    }
    // Refused before any PIN was asked (/send to a non-member, a bad amount...): say so inline.
    this.addNotice(this.state.activeRoom, { variant: 'error', code: d.reason, message: transferFailureText(error) });
  }

  private addNotice(roomId: string | null, notice: Notice): void {
    if (!roomId) return;
    const at = this.now().toISOString();
    this.updateRoom(roomId, (r) => {
      const afterSeq = r.entries.length ? r.entries[r.entries.length - 1].seq : 0;
      const entry: NoticeEntry = { kind: 'system', type: 'notice', key: `notice-${++this.noticeCounter}`, afterSeq, at, notice };
      return { ...r, notices: [...r.notices, entry] };
    });
  }

  // --- history ---

  private async fetchHistory(room: string, query: HistoryQuery): Promise<HistoryPage> {
    try {
      return await this.opts.api.history(this.opts.token(), room, query);
    } catch (e) {
      if ((e as ApiError).status === 401) this.set({ sessionEnded: { code: 401, reason: 'session expired' } });
      throw e;
    }
  }

  private mergeHistory(roomId: string, events: HistoryEvent[], countUnread: boolean): void {
    const incoming = events.map((e) => entryFromHistory(roomId, e)).filter((e): e is RoomEntry => e !== null);
    this.updateRoom(roomId, (r) => {
      const { entries, added } = mergeEntries(r.entries, incoming);
      if (added.length === 0) return r;
      const echoed = new Set(added.flatMap((e) => (e.kind === 'message' && e.nonce && e.author === this.state.me ? [e.nonce] : [])));
      const unread =
        countUnread && roomId !== this.state.activeRoom
          ? added.filter((e) => e.kind === 'message' && e.author !== this.state.me).length
          : 0;
      return {
        ...r,
        entries,
        pending: echoed.size ? r.pending.filter((p) => !echoed.has(p.nonce)) : r.pending,
        lastSeq: Math.max(r.lastSeq, entries[entries.length - 1].seq),
        unread: r.unread + unread,
      };
    });
  }

  /** The latest page of a room, when first shown. */
  private async loadLatest(id: string): Promise<void> {
    const room = this.state.rooms[id];
    if (!room || room.loading) return;
    this.updateRoom(id, (r) => ({ ...r, loading: true }));
    try {
      const page = await this.fetchHistory(id, { limit: PAGE });
      this.mergeHistory(id, page.events, false);
      this.updateRoom(id, (r) => ({ ...r, loaded: true, loading: false, hasOlder: page.has_more, historyError: null }));
      const now = this.state.rooms[id];
      if (now && now.lastSeq > contiguousTop(now.entries)) await this.catchUp(id);
    } catch (e) {
      this.updateRoom(id, (r) => ({ ...r, loading: false, historyError: errorText(e) }));
    }
  }

  /** Fetches everything after the last contiguous seq held, page by page, until the room is whole. */
  async catchUp(id: string): Promise<void> {
    if (this.catchingUp.has(id)) return; // the running loop re-reads lastSeq and goes on
    this.catchingUp.add(id);
    try {
      for (let guard = 0; guard < 1000; guard++) {
        const room = this.state.rooms[id];
        if (!room || this.disposed) return;
        const after = contiguousTop(room.entries);
        if (room.entries.length === 0) {
          // Nothing held: the latest page is all the user needs.
          this.catchingUp.delete(id);
          await this.loadLatest(id);
          return;
        }
        if (after >= room.lastSeq) return;
        const page = await this.fetchHistory(id, { after, limit: CATCH_UP_PAGE });
        this.mergeHistory(id, page.events, true);
        if (this.state.rooms[id]?.historyError) this.updateRoom(id, (r) => ({ ...r, historyError: null }));
        if (page.events.length === 0) {
          // The server has nothing more: what we thought existed does not (yet).
          this.updateRoom(id, (r) => ({ ...r, lastSeq: Math.max(contiguousTop(r.entries), after) }));
          return;
        }
      }
    } catch (e) {
      this.updateRoom(id, (r) => ({ ...r, historyError: errorText(e) }));
    } finally {
      this.catchingUp.delete(id);
    }
  }
}

function sortRooms(ids: string[]): string[] {
  // general first, then in the order joined
  return [...ids.filter((id) => id === 'general'), ...ids.filter((id) => id !== 'general')];
}

function errorText(e: unknown): string {
  const err = e as ApiError;
  if (err && typeof err.status === 'number') {
    if (err.status === 403) return 'You are not a member of this room.';
    if (err.status === 404) return 'This room does not exist.';
    return err.message;
  }
  return 'Could not load the history.';
}

/** A sentence for a failed transfer, for the dialog and inline notices. */
export function transferFailureText(error: { reason: string; message: string; attemptsLeft?: number; lockedUntil?: string }): string {
  switch (error.reason) {
    case 'wrong_pin':
      return error.attemptsLeft !== undefined
        ? `Wrong PIN. ${error.attemptsLeft} ${error.attemptsLeft === 1 ? 'attempt' : 'attempts'} left before your account is locked.`
        : `Wrong PIN: ${error.message}.`;
    case 'locked':
      return error.lockedUntil
        ? `Too many wrong PINs: your account is locked until ${new Date(error.lockedUntil).toLocaleString()}.`
        : `Your account is locked: ${error.message}.`;
    case 'insufficient_funds':
      return 'Insufficient funds: nothing was sent.';
    case 'expired':
      return 'This confirmation expired (60 seconds). Type /send again.';
    case 'unknown_transfer':
      return 'This transfer is no longer waiting for a PIN.';
    case 'busy':
      return 'The server is busy: nothing was sent. Confirm again in a moment.';
    case 'unknown_recipient':
    case 'not_in_room':
    case 'invalid_amount':
    case 'unavailable':
    default:
      return capitalize(error.message);
  }
}

function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? '' : '.') : s;
}
