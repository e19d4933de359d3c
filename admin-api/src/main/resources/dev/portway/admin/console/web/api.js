// The public REST API, called with the session cookie; every change also sends the session's CSRF token.
let csrfToken = null;
let onSignedOut = () => {};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || `HTTP ${status}`);
    this.status = status;
    this.field = problem.field || null;
    this.detail = problem.detail || problem.title || `HTTP ${status}`;
  }
}

export function whenSignedOut(callback) {
  onSignedOut = callback;
}

async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-Portway-CSRF'] = csrfToken;
  const response = await fetch(path, {
    method, headers, credentials: 'same-origin', cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return { data: null, response };
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && path !== '/api/v1/session') onSignedOut();
    throw error;
  }
  return { data, response };
}

export async function api(method, path, body) {
  return (await call(method, path, body)).data;
}

/** One page of a list route: its rows, and how many match in all (X-Total-Count). */
export async function apiPage(path) {
  const { data, response } = await call('GET', path);
  return { items: data, total: Number(response.headers.get('X-Total-Count') ?? data.length) };
}

export async function signIn(apiKey) {
  const session = await api('POST', '/api/v1/session', { apiKey });
  csrfToken = session.csrfToken;
  return session;
}

export async function currentSession() {
  const session = await api('GET', '/api/v1/session');
  csrfToken = session.csrfToken;
  return session;
}

export async function signOut() {
  try {
    await api('DELETE', '/api/v1/session');
  } finally {
    csrfToken = null;
  }
}

/** Subscribes to the live event stream; returns the function that ends the subscription. */
export function liveEvents(handlers) {
  const source = new EventSource('/api/v1/events');
  for (const [type, handler] of Object.entries(handlers)) {
    source.addEventListener(type, e => handler(JSON.parse(e.data)));
  }
  return () => source.close();
}
