/** Frames of the ChatterBox gateway protocol (docs/protocol.md): one JSON object per text frame. */

export const Op = {
  DISPATCH: 0,
  HEARTBEAT: 1,
  IDENTIFY: 2,
  INPUT: 3,
  CONFIRM: 4,
  RESUME: 6,
  RECONNECT: 7,
  INVALID_SESSION: 9,
  HELLO: 10,
  HEARTBEAT_ACK: 11,
} as const;

export type OpCode = (typeof Op)[keyof typeof Op];

export interface Frame {
  op: number;
  d: unknown;
  s: number | null;
  t: string | null;
}

/** Close codes of the protocol. */
export const Close = {
  UNKNOWN: 4000,
  UNKNOWN_OPCODE: 4001,
  DECODE_ERROR: 4002,
  NOT_AUTHENTICATED: 4003,
  AUTHENTICATION_FAILED: 4004,
  ALREADY_AUTHENTICATED: 4005,
  RATE_LIMITED: 4008,
  SESSION_TIMED_OUT: 4009,
  FRAME_TOO_LARGE: 4010,
  LOGGED_OUT: 4012,
} as const;

/** Close codes after which reconnecting is pointless: the user must log in again. */
export function isFatalClose(code: number): boolean {
  return code === Close.AUTHENTICATION_FAILED || code === Close.LOGGED_OUT;
}

export class DecodeError extends Error {}

/** Parses one frame from the server; throws DecodeError for anything that is not a frame. */
export function decode(data: unknown): Frame {
  if (typeof data !== 'string') throw new DecodeError('binary frames are not part of the protocol');
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new DecodeError('not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DecodeError('not an object');
  const raw = value as Record<string, unknown>;
  if (typeof raw.op !== 'number' || !Number.isInteger(raw.op)) throw new DecodeError('op is not an integer');
  const s = raw.s ?? null;
  if (s !== null && (typeof s !== 'number' || !Number.isInteger(s))) throw new DecodeError('s is not an integer');
  const t = raw.t ?? null;
  if (t !== null && typeof t !== 'string') throw new DecodeError('t is not a string');
  if (raw.op === Op.DISPATCH && (t === null || s === null)) throw new DecodeError('a dispatch needs t and s');
  return { op: raw.op, d: raw.d ?? null, s: s as number | null, t: t as string | null };
}

/** Serializes a client frame (s and t are omitted, as the protocol allows). */
export function encode(op: OpCode, d: unknown): string {
  return JSON.stringify({ op, d });
}
