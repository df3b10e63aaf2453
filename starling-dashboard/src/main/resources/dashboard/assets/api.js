// The REST API as the dashboard calls it: the session cookie goes by itself (HttpOnly, SameSite=Strict); every
// request carries the session's CSRF token, which also tells the node that a 401 must not open the browser's
// own login box. Errors come back as ApiError with the API's code and message.

let csrfToken = '';
let onExpired = () => {};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function setCsrfToken(token) {
  csrfToken = token || '';
}

/** Called when the session has expired or ended: the app shows the login form again. */
export function onSessionExpired(callback) {
  onExpired = callback;
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json', 'X-CSRF-Token': csrfToken };
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'UNREACHABLE', 'the node does not answer (' + e.message + ')');
  }
  if (response.status === 204 || response.status === 304) {
    return null;
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, json?.code ?? 'HTTP_' + response.status, json?.message ?? text);
    if (response.status === 401 && !path.endsWith('/dashboard/login')) {
      onExpired(error);
    }
    throw error;
  }
  return json;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);

/** A query string of the parameters that are set. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') {
      q.set(k, v);
    }
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

/** A topic name as a path: each level encoded, the slashes kept. */
export function topicPath(topic) {
  return topic.split('/').map(encodeURIComponent).join('/');
}
