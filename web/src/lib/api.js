// The JSON API client. Staff calls carry the session cookie and send the CSRF token on
// every state change; resident (portal) calls use their own token. Errors become ApiError
// with the server's code and message so screens can show them as they are.
import { t } from '../i18n/index.js';

export class ApiError extends Error {
  constructor(status, code, message, field, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || null;
    this.retryAfter = retryAfter != null && retryAfter !== '' ? Number(retryAfter) : null;
  }
}

function makeClient(storageKey) {
  let csrf = null;
  try {
    csrf = storageKey ? sessionStorage.getItem(storageKey) : null;
  } catch {
    csrf = null;
  }
  const listeners = new Set();

  async function request(method, path, body, opts = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
    Object.assign(headers, opts.headers || {});
    let r;
    try {
      r = await fetch('/api/v1' + path, {
        method,
        headers,
        body: body !== undefined ? JSON.stringify(body) : undefined,
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'network', t('error.network'));
    }
    if (r.status === 204) return null;
    let data = null;
    try {
      data = await r.json();
    } catch {
      data = null;
    }
    if (!r.ok) {
      const e = (data && data.error) || {};
      const err = new ApiError(
        r.status,
        e.code || 'http_' + r.status,
        e.message || t('error.http', { status: r.status }),
        e.field,
        r.headers.get('Retry-After'),
      );
      if (r.status === 401 && !opts.noAuthEvent) listeners.forEach((f) => f(err));
      throw err;
    }
    return data;
  }

  return {
    setCsrf(token) {
      csrf = token || null;
      try {
        if (storageKey) {
          if (csrf) sessionStorage.setItem(storageKey, csrf);
          else sessionStorage.removeItem(storageKey);
        }
      } catch {
        /* private mode: keep it in memory only */
      }
    },
    hasCsrf: () => !!csrf,
    onUnauthorized(f) {
      listeners.add(f);
      return () => listeners.delete(f);
    },
    get: (path, opts) => request('GET', path, undefined, opts),
    post: (path, body, opts) => request('POST', path, body === undefined ? {} : body, opts),
    put: (path, body, opts) => request('PUT', path, body, opts),
    patch: (path, body, opts) => request('PATCH', path, body, opts),
    del: (path, opts) => request('DELETE', path, undefined, opts),
  };
}

/** Staff: the session cookie; the CSRF token lives in memory (GET /me gives it again). */
export const staff = makeClient(null);
/** Residents: the pcrm_resident cookie; the token survives a reload of the tab. */
export const resident = makeClient('pcrm.resident.csrf');

/** Builds a query string from an object, leaving out empty values. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  }
  const s = u.toString();
  return s ? '?' + s : '';
}

/** Follows next_cursor up to maxPages; returns {items, more}. */
export async function getAll(client, path, params, maxPages = 5) {
  let items = [];
  let cursor = null;
  for (let i = 0; i < maxPages; i++) {
    const page = await client.get(path + qs({ ...params, cursor }));
    items = items.concat(page.items || []);
    cursor = page.next_cursor;
    if (!cursor) return { items, more: false };
  }
  return { items, more: true };
}

/**
 * One list read from several server lists that are each sorted by `sortKey` (for the
 * inbox: per-status lists, soonest due first), merged in that order and paged with each
 * list's next_cursor. take(n) gives the next n items, fetching a list's next page only
 * when its buffer runs dry, so the merged order is exact however deep one pages:
 * an item is handed out only when every list that may still hold an earlier one has a
 * buffered item to compare it with. Items seen before (keyed by `idKey`) are skipped,
 * in case one moved from one list to another between two pages.
 */
export function mergedPager(client, path, streams, { limit = 50, sortKey, idKey }) {
  const lists = streams.map((params) => ({ params, buf: [], cursor: null, done: false }));
  const seen = new Set();
  const cmp = (a, b) => {
    const d = sortKey(a) - sortKey(b);
    if (d) return d;
    const ia = idKey(a), ib = idKey(b);
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  };
  async function fill(l) {
    const page = await client.get(path + qs({ ...l.params, limit, cursor: l.cursor }));
    l.buf.push(...(page.items || []));
    l.cursor = page.next_cursor || null;
    l.done = !l.cursor;
  }
  async function take(n) {
    const out = [];
    while (out.length < n) {
      const dry = lists.filter((l) => !l.done && l.buf.length === 0);
      if (dry.length) {
        await Promise.all(dry.map(fill));
        continue;
      }
      let best = null;
      for (const l of lists) if (l.buf.length && (!best || cmp(l.buf[0], best.buf[0]) < 0)) best = l;
      if (!best) break;
      const item = best.buf.shift();
      const id = idKey(item);
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(item);
    }
    return { items: out, more: lists.some((l) => l.buf.length > 0 || !l.done) };
  }
  return { take };
}
