/** Payloads of the gateway's dispatches (docs/protocol.md, "Events"). Amounts are decimal strings. */

export interface Member {
  username: string;
  online: boolean;
}

export interface RoomSnapshot {
  id: string;
  last_seq: number;
  /** Missing from a server that predates large rooms: the length of members then. */
  member_count?: number;
  /**
   * More members than the server's large-room setting when this session got the room: it comes
   * without members, and nobody's presence in it is sent. A small room that grows past the setting
   * becomes large (ROOM_BECAME_LARGE); a large room stays large for the session's life.
   * Missing means false.
   */
  large?: boolean;
  /** Missing for a large room. */
  members?: Member[];
}

export interface ReadyEvent {
  session_id: string;
  user: { username: string };
  balance: string;
  rooms: RoomSnapshot[];
}

export interface ResumedEvent {
  replayed: number;
}

export interface MessageCreatedEvent {
  room: string;
  seq: number;
  author: string;
  text: string;
  nonce?: string | null;
  at: string;
}

export interface MemberEvent {
  room: string;
  seq: number;
  username: string;
  at: string;
}

export interface TransferNoticeEvent {
  room: string;
  seq: number;
  from: string;
  to: string;
  at: string;
}

export interface RoomJoinedEvent {
  room: RoomSnapshot;
}

/** A small room grew past the large-room setting: forget its members; member_count is as of seq. */
export interface RoomBecameLargeEvent {
  room: string;
  seq: number;
  member_count: number;
}

export interface RoomLeftEvent {
  room: string;
}

export interface PresenceUpdateEvent {
  username: string;
  status: 'online' | 'offline';
}

export interface TransferPinRequiredEvent {
  transfer_id: string;
  room: string;
  to: string;
  amount: string;
  expires_at: string;
}

export interface TransferReceiptEvent {
  transfer_id: string;
  /** A payment between two users, or an operator's deposit into or withdrawal from this user's wallet. */
  kind: 'payment' | 'deposit' | 'withdrawal';
  direction: 'out' | 'in';
  /** The payer; null for a deposit (the treasury's side). */
  from: string | null;
  /** The payee; null for a withdrawal. */
  to: string | null;
  amount: string;
  balance: string;
  /** The room of a `/send`; null for a payment over the REST API. */
  room: string | null;
  at: string;
}

export type TransferFailureReason =
  | 'wrong_pin'
  | 'locked'
  | 'expired'
  | 'unknown_transfer'
  | 'insufficient_funds'
  | 'unknown_recipient'
  | 'not_in_room'
  | 'invalid_amount'
  | 'unavailable'
  | 'busy';

export interface TransferFailedEvent {
  transfer_id: string;
  reason: TransferFailureReason | string;
  message: string;
  attempts_left?: number;
  locked_until?: string;
}

export interface HelpEvent {
  commands: { usage: string; description: string }[];
}

export interface ErrorEvent {
  code: string;
  message: string;
  nonce?: string;
}

export interface DispatchMap {
  READY: ReadyEvent;
  RESUMED: ResumedEvent;
  MESSAGE_CREATED: MessageCreatedEvent;
  MEMBER_JOINED: MemberEvent;
  MEMBER_LEFT: MemberEvent;
  TRANSFER_NOTICE: TransferNoticeEvent;
  ROOM_JOINED: RoomJoinedEvent;
  ROOM_LEFT: RoomLeftEvent;
  ROOM_BECAME_LARGE: RoomBecameLargeEvent;
  PRESENCE_UPDATE: PresenceUpdateEvent;
  TRANSFER_PIN_REQUIRED: TransferPinRequiredEvent;
  TRANSFER_RECEIPT: TransferReceiptEvent;
  TRANSFER_FAILED: TransferFailedEvent;
  HELP: HelpEvent;
  ERROR: ErrorEvent;
}

export type DispatchName = keyof DispatchMap;

/** One dispatch as the client hands it on (events this client does not know are passed through as well). */
export type Dispatch = { [K in DispatchName]: { t: K; d: DispatchMap[K]; s: number } }[DispatchName];
