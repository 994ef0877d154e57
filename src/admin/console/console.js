/* global document, fetch, sessionStorage, setInterval, window */
// The bridge console: plain DOM, no framework, no build step (ES modules served as they are).
// This file signs in and out and keeps the page fresh; the lists are in views.js and audit.js,
// the link form in link.js, the API and its errors in api.js and errors.js.
import { api, matrixCall, SESSION_PREFIX, TOKEN_KEY, whenSessionEnds } from './api.js';
import { loadAudit } from './audit.js';
import { $, tickTimes, timeNode } from './format.js';
import {
  connectorChosen,
  connectorsLoaded,
  linkRoom,
  unlinkChannel,
  workspaceChosen,
} from './link.js';
import { loadConnections, loadFailures, loadPortals } from './views.js';

const REFRESH_MS = 15_000;
let settings = { homeserver_url: '', openid: false, secret: false };
let me = null;

function showMessage(text, kind = 'error') {
  const box = $('message');
  box.textContent = text;
  box.className = kind === 'info' ? 'info' : '';
  box.hidden = !text;
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

// ---- keeping the page fresh ---------------------------------------------------------------

let refreshing = null;
let lastRefresh = 0;
let linksSeen;

function linkSignature(portals) {
  return JSON.stringify(
    portals.flatMap((p) => p.links.map((l) => [l.connector, l.workspace, l.channel])).sort(),
  );
}

/** One refresh at a time; `auto` ones leave a paged audit list alone. */
function refresh(auto = false) {
  if (!me) return Promise.resolve();
  refreshing ??= (async () => {
    const onUnlink = (l) => void unlink(l);
    // First: the other lists name platforms by the names this brings.
    const connectors = await loadConnections();
    const [portals] = await Promise.all([
      loadPortals(me, onUnlink),
      loadFailures(me),
      loadAudit(me, { auto }),
    ]);
    await connectorsLoaded(connectors, me, showMessage);
    // Links made or removed elsewhere change which channels the picker offers.
    const links = linkSignature(portals);
    if (linksSeen !== undefined && links !== linksSeen) await workspaceChosen(me, showMessage);
    linksSeen = links;
    lastRefresh = Date.now();
    $('updated').replaceChildren(timeNode(lastRefresh, 'updated '));
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** Every 15 s while the tab is visible; at once when it comes back after that long. */
function keepFresh() {
  const due = () => me && !document.hidden && Date.now() - lastRefresh >= REFRESH_MS - 500;
  const run = () => {
    if (due()) refresh(true).catch((err) => showMessage(`Could not refresh: ${err.message}`));
  };
  setInterval(run, REFRESH_MS);
  setInterval(() => tickTimes(), 1000);
  document.addEventListener('visibilitychange', run);
}

// ---- link and unlink -----------------------------------------------------------------

async function link(event) {
  event.preventDefault();
  try {
    showMessage(await linkRoom(), 'info');
    await refresh();
  } catch (err) {
    showMessage(`Link failed: ${err.message}`);
  }
}

async function unlink(l) {
  try {
    const done = await unlinkChannel(l);
    if (!done) return;
    showMessage(done, 'info');
    await refresh();
  } catch (err) {
    showMessage(`Unlink failed: ${err.message}`);
    await refresh().catch(() => undefined);
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

function auditFiltered(event) {
  event?.preventDefault();
  loadAudit(me).catch((err) => showMessage(`Cannot show the audit log: ${err.message}`));
}

async function init() {
  whenSessionEnds(signOut);
  settings = await fetch('settings.json').then((r) => r.json());
  $('hs-url').textContent = settings.homeserver_url;
  $('matrix-form').closest('section').hidden = !settings.openid;
  $('secret-form').closest('section').hidden = !settings.secret;
  $('secret-form').addEventListener('submit', (e) => void signInWithSecret(e));
  $('matrix-form').addEventListener('submit', (e) => void signInWithMatrix(e));
  $('sign-out').addEventListener('click', () => void signOutEverywhere());
  $('link-form').addEventListener('submit', (e) => void link(e));
  $('link-connector').addEventListener('change', () => void connectorChosen(me, showMessage));
  $('link-workspace').addEventListener('change', () => void workspaceChosen(me, showMessage));
  $('audit-filter').addEventListener('submit', auditFiltered);
  $('audit-outcome').addEventListener('change', () => auditFiltered());
  $('audit-more').addEventListener('click', () =>
    loadAudit(me, { more: true }).catch((err) => showMessage(err.message)),
  );
  $('erase-form').addEventListener('submit', (e) => void erasePerson(e));
  keepFresh();
  await start();
}

init().catch((err) => {
  signOut();
  showMessage(`The console could not start: ${err.message}; reload the page to try again`);
});
