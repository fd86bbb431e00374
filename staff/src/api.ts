/** The back office's JSON API: same origin, the session cookie, and the CSRF token on changes. */

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Me {
  username: string;
  role: 'agent' | 'trainer' | 'admin';
  csrfToken: string;
}

export function createApi() {
  let csrf = '';
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`/staff/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: {
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(method !== 'GET' && csrf && { 'x-csrf-token': csrf }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (res.status === 204) return undefined as T;
    const data = (await res.json().catch(() => ({}))) as {
      error?: { code: string; message: string; issues?: { path: string; message: string }[] };
    };
    if (!res.ok) {
      const e = data.error;
      const issues = e?.issues?.map((i) => `${i.path}: ${i.message}`).join('; ');
      throw new ApiError(
        res.status,
        e?.code ?? 'HTTP',
        `${e?.message ?? res.statusText}${issues ? ` (${issues})` : ''}`,
      );
    }
    return data as T;
  }
  return {
    setCsrf(token: string) {
      csrf = token;
    },
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body: unknown = {}) => call<T>('POST', path, body),
    put: <T>(path: string, body: unknown) => call<T>('PUT', path, body),
    del: <T>(path: string, body?: unknown) => call<T>('DELETE', path, body),
  };
}

export type Api = ReturnType<typeof createApi>;
