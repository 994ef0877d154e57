/* global document, window, fetch, sessionStorage, URLSearchParams */
// The bridge console: plain DOM, no framework, no build step. Every value from the server is
// put on the page as text (textContent), never as HTML.

const API = '/_bridge/admin/v1';
// Only a session token is ever kept in the browser (never the provisioning secret or a
// password), and only for this tab: sessionStorage, no localStorage, no cookies.
const TOKEN_KEY = 'bridge-console-token';
const SESSION_PREFIX = 'mpbs2.';
const $ = (id) => document.getElementById(id);

let settings = { homeserver_url: '', openid: false, secret: false };
let me = null;
let connectors = [];
let auditBefore = undefined;

function showMessage(text, kind = 'error') {
  const el = $('message');
  el.textContent = text;
  el.className = kind === 'info' ? 'info' : '';
  el.hidden = !text;
}

/** `token` defaults to the stored session token; the secret is passed only to exchange it. */
async function api(method, path, body, token = sessionStorage.getItem(TOKEN_KEY)) {
  const headers = { 'x-admin-path': 'console' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${API}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    if (res.status === 401 && token) signOut();
    throw new Error(data.error || `the bridge answered ${res.status}`);
  }
  return data;
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function badge(text) {
  return el('span', text, `badge ${String(text).replace(/[^a-z_]/g, '')}`);
}

function when(ms) {
  return ms ? new Date(ms).toLocaleString() : '';
}

/** `wrap`: indexes of the columns whose long values may break (ids, messages). */
function fill(tbody, rows, columns, wrap = []) {
  tbody.replaceChildren();
  if (rows.length === 0) {
    const tr = el('tr');
    const td = el('td', 'Nothing here.', 'empty');
    td.colSpan = columns;
    tr.append(td);
    tbody.append(tr);
    return;
  }
  for (const cells of rows) {
    const tr = el('tr');
    for (const [i, cell] of cells.entries()) {
      const td = el('td', undefined, wrap.includes(i) ? 'wrap' : undefined);
      if (cell instanceof window.Node) td.append(cell);
      else td.textContent = cell === undefined || cell === null ? '' : String(cell);
      tr.append(td);
    }
    tbody.append(tr);
  }
}

function option(value, label) {
  const o = el('option', label);
  o.value = value;
  return o;
}

// ---- signing in -----------------------------------------------------------------------

async function signInWithSecret(event) {
  event.preventDefault();
  const secret = $('secret').value;
  $('secret').value = '';
  try {
    // The secret crosses once, to be exchanged; only the session token is kept.
    const session = await api('POST', '/session/secret', undefined, secret);
    sessionStorage.setItem(TOKEN_KEY, session.token);
    await start();
  } catch (err) {
    showMessage(`Sign-in failed: ${err.message}`);
  }
}

async function signInWithMatrix(event) {
  event.preventDefault();
  const userId = $('matrix-user').value.trim();
  const password = $('matrix-password').value;
  $('matrix-password').value = '';
  const hs = settings.homeserver_url;
  try {
    const login = await matrixCall(hs, 'POST', '/_matrix/client/v3/login', undefined, {
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: userId },
      password,
      initial_device_display_name: 'Bridge console sign-in',
    });
    const openid = await matrixCall(
      hs,
      'POST',
      `/_matrix/client/v3/user/${encodeURIComponent(login.user_id)}/openid/request_token`,
      login.access_token,
      {},
    );
    // The bridge needs only the OpenID token: end the homeserver session right away.
    await matrixCall(hs, 'POST', '/_matrix/client/v3/logout', login.access_token, {}).catch(
      () => undefined,
    );
    sessionStorage.removeItem(TOKEN_KEY);
    const session = await api('POST', '/session', {
      openid_token: openid.access_token,
      matrix_server_name: openid.matrix_server_name,
    });
    sessionStorage.setItem(TOKEN_KEY, session.token);
    await start();
  } catch (err) {
    showMessage(`Sign-in failed: ${err.message}`);
  }
}

async function matrixCall(base, method, path, token, body) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${base}${path}`, { method, headers, body: JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || `the homeserver answered ${res.status}`);
  return data;
}

/** Ends the session on the bridge too, so a copied token is worthless afterwards. */
async function signOutEverywhere() {
  if (sessionStorage.getItem(TOKEN_KEY)) await api('DELETE', '/session').catch(() => undefined);
  signOut();
}

function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  me = null;
  $('console').hidden = true;
  $('who').hidden = true;
  $('sign-in').hidden = false;
}

// ---- views ---------------------------------------------------------------------------

async function loadPortals() {
  const { portals } = await api('GET', '/portals');
  const rows = [];
  for (const p of portals) {
    for (const l of p.links) {
      const room = el('div');
      room.append(el('div', p.name || p.room_id));
      if (p.name) room.append(el('div', p.room_id, 'room-id'));
      if (p.encrypted_at) {
        // The bridge cannot read an encrypted room: its messages no longer cross.
        const lock = badge('encrypted');
        lock.title = `End-to-end encrypted since ${when(p.encrypted_at)}: messages from Matrix do not cross. Link the channel to a new room without encryption.`;
        room.append(lock);
      }
      const unlink = el('button', 'Unlink', 'danger');
      unlink.type = 'button';
      unlink.dataset.channel = `${l.connector}/${l.workspace}/${l.channel}`;
      if (l.source === 'config') {
        unlink.disabled = true;
        unlink.title = 'Made by the config file: remove it there';
      } else if (me.level === 'user' || me.level === 'none') {
        unlink.disabled = true;
      } else {
        unlink.addEventListener('click', () => unlinkChannel(l));
      }
      const madeBy = el('div');
      madeBy.append(el('div', l.created_by || ''), el('div', l.source, 'room-id'));
      rows.push([room, l.connector, l.workspace, l.channel, madeBy, unlink]);
    }
  }
  fill($('portals').tBodies[0], rows, 6, [0, 3, 4]);
}

async function loadConnections() {
  ({ connectors } = await api('GET', '/connectors'));
  const rows = [];
  for (const c of connectors) {
    for (const w of c.workspaces) {
      rows.push([c.display_name, w.workspace, badge(w.status), when(w.since), w.error || '']);
    }
  }
  fill($('connections').tBodies[0], rows, 5, [4]);
  const select = $('link-connector');
  const previous = select.value;
  select.replaceChildren(...connectors.map((c) => option(c.id, c.display_name)));
  if (connectors.some((c) => c.id === previous)) select.value = previous;
  await connectorChosen();
}

async function connectorChosen() {
  const c = connectors.find((x) => x.id === $('link-connector').value);
  const select = $('link-workspace');
  select.replaceChildren(...(c ? c.workspaces.map((w) => option(w.workspace, w.workspace)) : []));
  await workspaceChosen();
}

/** Bumped by every choice: an answer for an earlier choice must not fill the picker. */
let channelListing = 0;

async function workspaceChosen() {
  const listing = ++channelListing;
  const c = connectors.find((x) => x.id === $('link-connector').value);
  const workspace = $('link-workspace').value;
  const picker = $('link-channel');
  const typed = $('link-channel-id');
  picker.replaceChildren();
  const canPick = c && c.lists_channels && workspace && me.level !== 'user';
  picker.hidden = !canPick;
  typed.hidden = !!canPick;
  if (!canPick) return;
  try {
    const path = `/connectors/${encodeURIComponent(c.id)}/workspaces/${encodeURIComponent(workspace)}/channels`;
    const { channels } = await api('GET', path);
    if (listing !== channelListing) return;
    picker.replaceChildren(
      ...channels.map((ch) => {
        const kind = ch.visibility && ch.visibility !== 'public' ? ` (${ch.visibility})` : '';
        const o = option(ch.channel, `${ch.name}${kind}${ch.linked_room_id ? ' (linked)' : ''}`);
        if (ch.linked_room_id) o.disabled = true;
        return o;
      }),
    );
  } catch (err) {
    if (listing !== channelListing) return;
    picker.hidden = true;
    typed.hidden = false;
    showMessage(`Cannot list channels: ${err.message}`);
  }
}

async function loadFailures() {
  $('failures-section').hidden = me.level !== 'linker' && me.level !== 'admin';
  if ($('failures-section').hidden) return;
  const { failures } = await api('GET', '/failures?limit=20');
  fill(
    $('failures').tBodies[0],
    failures.map((f) => [when(f.at), f.room_id, f.source, f.error]),
    4,
    [1, 3],
  );
}

async function loadAudit(more = false) {
  $('audit-section').hidden = me.level !== 'admin';
  if ($('audit-section').hidden) return;
  const query = new URLSearchParams({ limit: '25' });
  if (more && auditBefore) query.set('before', String(auditBefore));
  const { entries } = await api('GET', `/audit?${query}`);
  const rows = entries.map((e) => [
    when(e.at),
    e.actor,
    e.path,
    e.action,
    badge(e.outcome),
    [e.room_id, [e.connector, e.workspace, e.channel].filter(Boolean).join('/')]
      .filter(Boolean)
      .join(' ↔ '),
    e.detail || '',
  ]);
  const tbody = $('audit').tBodies[0];
  if (more) {
    const extra = el('tbody');
    fill(extra, rows, 7, [1, 5, 6]);
    if (entries.length > 0) tbody.append(...extra.children);
  } else {
    fill(tbody, rows, 7, [1, 5, 6]);
  }
  if (entries.length > 0) auditBefore = entries[entries.length - 1].id;
  $('audit-more').hidden = entries.length < 25;
}

async function refresh() {
  await Promise.all([loadPortals(), loadConnections(), loadFailures(), loadAudit()]);
}

// ---- link and unlink -----------------------------------------------------------------

async function linkRoom(event) {
  event.preventDefault();
  const picker = $('link-channel');
  const channel = picker.hidden ? $('link-channel-id').value.trim() : picker.value;
  const body = {
    room: $('link-room').value.trim(),
    connector: $('link-connector').value,
    workspace: $('link-workspace').value,
    channel,
  };
  $('link-submit').disabled = true;
  try {
    const result = await api('POST', '/links', body);
    showMessage(
      result.existed
        ? `Already linked: ${result.room_id} ↔ ${result.channel_name}`
        : `Linked ${result.room_id} ↔ ${result.channel_name}`,
      'info',
    );
    $('link-room').value = '';
    await refresh();
  } catch (err) {
    showMessage(`Link failed: ${err.message}`);
  } finally {
    $('link-submit').disabled = false;
  }
}

async function unlinkChannel(l) {
  if (!window.confirm(`Unlink ${l.connector}/${l.workspace}/${l.channel}?`)) return;
  try {
    const path = `/links/${[l.connector, l.workspace, l.channel].map(encodeURIComponent).join('/')}`;
    const result = await api('DELETE', path);
    showMessage(`Unlinked ${result.connector}/${result.workspace}/${result.channel}`, 'info');
    await refresh();
  } catch (err) {
    showMessage(`Unlink failed: ${err.message}`);
  }
}

// ---- erase a person ------------------------------------------------------------------

/** `@user:server`, or `connector workspace platform-user-id`, as the API's body. */
function erasureBody(text) {
  const words = text.trim().split(/\s+/);
  if (words.length === 1 && words[0].startsWith('@')) return { matrix_user_id: words[0] };
  if (words.length === 3) {
    return { connector: words[0], workspace: words[1], platform_user_id: words[2] };
  }
  return undefined;
}

async function erasePerson(event) {
  event.preventDefault();
  const text = $('erase-subject').value.trim();
  const body = erasureBody(text);
  if (!body) {
    showMessage('Give a Matrix user id (@user:server), or: connector workspace platform-user-id');
    return;
  }
  if (!window.confirm(`Erase everything the bridge holds about ${text}? This cannot be undone.`))
    return;
  $('erase-submit').disabled = true;
  try {
    const result = await api('POST', '/erasures', body);
    const lines = Object.entries(result.counts).map(([what, n]) => `${what}: ${n}`);
    $('erase-report').textContent = [
      `Erased; now ${result.pseudonym} in the audit log.`,
      ...lines,
    ].join('\n');
    $('erase-report').hidden = false;
    $('erase-subject').value = '';
    showMessage('Erased.', 'info');
    await refresh();
  } catch (err) {
    showMessage(`Erasure failed: ${err.message}`);
  } finally {
    $('erase-submit').disabled = false;
  }
}

// ---- start ---------------------------------------------------------------------------

async function start() {
  showMessage('');
  // Anything else stored under the key (a raw secret kept by an older console) goes.
  if (!sessionStorage.getItem(TOKEN_KEY)?.startsWith(SESSION_PREFIX)) {
    signOut();
    return;
  }
  try {
    const who = await api('GET', '/whoami');
    me = { userId: who.user_id, level: who.level };
  } catch (err) {
    signOut();
    showMessage(`Sign-in failed: ${err.message}`);
    return;
  }
  $('who-name').textContent = me.userId || 'provisioning secret';
  $('who-level').textContent = me.level;
  $('who-level').className = `badge ${me.level}`;
  $('who').hidden = false;
  $('sign-in').hidden = true;
  $('console').hidden = false;
  $('link-section').hidden = me.level === 'user' || me.level === 'none';
  $('erase-section').hidden = me.level !== 'admin';
  try {
    await refresh();
  } catch (err) {
    showMessage(err.message);
  }
}

async function init() {
  settings = await fetch('settings.json').then((r) => r.json());
  $('hs-url').textContent = settings.homeserver_url;
  $('matrix-form').closest('section').hidden = !settings.openid;
  $('secret-form').closest('section').hidden = !settings.secret;
  $('secret-form').addEventListener('submit', (e) => void signInWithSecret(e));
  $('matrix-form').addEventListener('submit', (e) => void signInWithMatrix(e));
  $('sign-out').addEventListener('click', () => void signOutEverywhere());
  $('link-form').addEventListener('submit', (e) => void linkRoom(e));
  $('link-connector').addEventListener('change', () => void connectorChosen());
  $('link-workspace').addEventListener('change', () => void workspaceChosen());
  $('audit-more').addEventListener('click', () => void loadAudit(true));
  $('erase-form').addEventListener('submit', (e) => void erasePerson(e));
  await start();
}

init().catch((err) => {
  signOut();
  showMessage(`The console could not start: ${err.message}; reload the page to try again`);
});
