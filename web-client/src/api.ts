/** The REST API (docs/api.md): sign-up, sessions, history. */

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: FieldError[],
    readonly retryAfter: string | null = null,
  ) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; ') || `HTTP ${status}`);
  }

  /** The first message for a field, if any. */
  forField(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message;
  }
}

export interface Session {
  token: string;
  username: string;
  expiresAt: string;
}

export interface HistoryEvent {
  seq: number;
  type: 'message' | 'member_joined' | 'member_left' | 'transfer' | string;
  author?: string;
  text?: string;
  nonce?: string | null;
  username?: string;
  from?: string;
  to?: string;
  at: string;
}

export interface HistoryPage {
  room: string;
  events: HistoryEvent[];
  has_more: boolean;
}

export interface HistoryQuery {
  before?: number;
  after?: number;
  limit?: number;
}

async function request<T>(method: string, path: string, body?: unknown, token?: string | null): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, [{ field: 'network', message: 'cannot reach the server; check your connection' }]);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const errors = (json as { errors?: FieldError[] } | null)?.errors;
    throw new ApiError(
      response.status,
      Array.isArray(errors) ? errors : [{ field: 'body', message: text.slice(0, 200) || response.statusText }],
      response.headers.get('Retry-After'),
    );
  }
  return json as T;
}

export const api = {
  signUp(body: { username: string; fullName: string; nationalId: string; pin: string }) {
    return request<{ username: string; kycStatus: string }>('POST', '/api/users', body);
  },
  logIn(username: string, pin: string) {
    return request<Session>('POST', '/api/sessions', { username, pin });
  },
  logOut(token: string) {
    return request<void>('DELETE', '/api/sessions', undefined, token);
  },
  me(token: string) {
    return request<{ username: string; balance: string; held: string; rooms: unknown[] }>('GET', '/api/me', undefined, token);
  },
  history(token: string, room: string, query: HistoryQuery = {}) {
    const params = new URLSearchParams();
    if (query.before !== undefined) params.set('before', String(query.before));
    if (query.after !== undefined) params.set('after', String(query.after));
    params.set('limit', String(query.limit ?? 50));
    return request<HistoryPage>('GET', `/api/rooms/${encodeURIComponent(room)}/messages?${params}`, undefined, token);
  },
};

export type Api = typeof api;

const SESSION_KEY = 'chatterbox.session';

/** The login lives in sessionStorage: one tab, gone when the tab closes. */
export const sessionStore = {
  load(): Session | null {
    try {
      const raw = sessionStorage.getItem(SESSION_KEY);
      if (!raw) return null;
      const session = JSON.parse(raw) as Session;
      if (!session.token || !session.username) return null;
      if (session.expiresAt && Date.parse(session.expiresAt) <= Date.now()) {
        sessionStorage.removeItem(SESSION_KEY);
        return null;
      }
      return session;
    } catch {
      return null;
    }
  },
  save(session: Session): void {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  },
  clear(): void {
    sessionStorage.removeItem(SESSION_KEY);
  },
};
