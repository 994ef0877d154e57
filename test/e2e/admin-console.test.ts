import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Post } from '@mattermost/types/posts';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { Client4 } from '@mattermost/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, registerUser, uniqueLocalpart } from '../harness/index.js';
import { createAdminWorld, type AdminWorld } from './admin-fixture.js';
import { E2E_WAIT_MS } from '../harness/wait.js';
import {
  auditRows,
  recordApiCalls,
  refreshesMade,
  noHorizontalOverflow,
  setTabHidden,
  shoot,
  timesInBrowserLocale,
  trafficBars,
} from './console-page.js';

const CHROMIUM = '/usr/bin/chromium';
const POLL = { timeout: E2E_WAIT_MS };
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let w: AdminWorld;
let context: BrowserContext;
let profileDir: string;
/**
 * `prepare` runs before the page loads (scripts that watch the page); `inContext` is for a
 * page whose clock is faked, which fakes it for every page of its browser context.
 */
async function openConsole({
  prepare,
  inContext = context,
}: { prepare?: (p: Page) => Promise<void>; inContext?: BrowserContext } = {}) {
  const page = await inContext.newPage();
  await prepare?.(page);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  (page as Page & { errors: string[] }).errors = errors;
  const res = await page.goto(`${w.bridgeUrl}/_bridge/console/`);
  expect(res?.status()).toBe(200);
  // Until its start-up check is done the console shows neither view (a test that changes the
  // stored session before then would race the check that clears it).
  await page.waitForSelector('#sign-in:not([hidden]), #console:not([hidden])');
  return page;
}

/** Where the console names a platform: each must say "Mattermost", never the id alone. */
function platformsShown(page: Page) {
  return page.evaluate(() => {
    const platforms = (table: string) =>
      Array.from(document.querySelectorAll(`#${table} tbody .platform`)).map((n) => ({
        name: n.textContent,
        id: (n as HTMLElement).title,
      }));
    const targets = Array.from(document.querySelectorAll('#audit tbody td:nth-child(6)'));
    return {
      picker: Array.from(document.querySelectorAll('#link-connector option')).map(
        (o) => o.textContent,
      ),
      portals: platforms('portals'),
      connections: platforms('connections'),
      audit:
        targets.some((td) => td.textContent?.includes('↔ Mattermost main/')) &&
        !targets.some((td) => td.textContent?.includes('mattermost/')),
    };
  });
}

async function signInWithSecret(page: Page): Promise<void> {
  await page.fill('#secret', w.secret);
  await page.click('#secret-form button[type=submit]');
  await page.waitForSelector('#console:not([hidden])');
}

/** The page's clock moves only when this moves it; refreshes are counted inside the page. */
async function expectRefreshOnlyWhileVisible(page: Page): Promise<void> {
  await expect.poll(() => refreshesMade(page), POLL).toEqual({ visible: 1, hidden: 0 });
  await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1000));
  const updated = () => page.getAttribute('#updated time', 'datetime');
  // Visible: two periods bring a refresh (so this test does see one when there is one).
  let before = await updated();
  await page.clock.runFor(30_000);
  expect((await refreshesMade(page)).visible).toBeGreaterThanOrEqual(2);
  await expect.poll(updated, POLL).not.toBe(before);

  await setTabHidden(page, true);
  await page.clock.runFor(5 * 60_000);
  expect((await refreshesMade(page)).hidden).toBe(0);
  // Back: a refresh starts at once (within the event), not at the next period.
  const made = (await refreshesMade(page)).visible;
  before = await updated();
  await setTabHidden(page, false);
  expect((await refreshesMade(page)).visible).toBe(made + 1);
  await expect.poll(updated, POLL).not.toBe(before);
}

beforeAll(async () => {
  w = await createAdminWorld();
  profileDir = mkdtempSync(join(tmpdir(), 'bridge-console-profile-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
});

afterAll(async () => {
  await context?.close();
  await w?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

describe('web console in headless Chromium', () => {
  it('is served with a strict Content-Security-Policy', async () => {
    const res = await fetch(`${w.bridgeUrl}/_bridge/console/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ${new URL(harness().synapseUrl).origin}`);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect((await fetch(`${w.bridgeUrl}/_bridge/console/../../etc/passwd`)).status).toBe(404);
  });

  it('signs in with the secret, links with the channel picker, shows it, unlinks', async () => {
    const page = await openConsole();
    await signInWithSecret(page);
    expect(await page.textContent('#who-name')).toBe('provisioning secret');
    expect(await page.textContent('#who-level')).toBe('admin');

    const room = await w.newRoom();
    await page.fill('#link-room', room);
    await page.selectOption('#link-connector', 'mattermost');
    await page.selectOption('#link-workspace', 'main');
    await page.waitForSelector(`#link-channel option[value="${w.channels.townSquare}"]`, {
      state: 'attached',
    });
    const options = await page.$$eval('#link-channel option', (os) => os.map((o) => o.textContent));
    expect(options).toEqual(['Agency / Random', 'Agency / Town Square']);
    await page.selectOption('#link-channel', w.channels.townSquare);
    await page.click('#link-submit');
    await page.waitForSelector('#message.info');
    expect(await page.textContent('#message')).toBe(`Linked ${room} ↔ Town Square`);
    expect(w.bridge.directory.portalByRoom(room)).toBeDefined();

    const row = page.locator('#portals tbody tr', { hasText: w.channels.townSquare });
    await expect.poll(() => row.count(), POLL).toBe(1);
    expect(await row.textContent()).toContain(room);
    await expect
      .poll(() => page.locator('#connections tbody tr', { hasText: 'connected' }).count(), POLL)
      .toBe(1);
    await expect
      .poll(() => platformsShown(page), POLL)
      .toEqual({
        picker: ['Mattermost'],
        portals: [{ name: 'Mattermost', id: 'mattermost' }],
        connections: [{ name: 'Mattermost', id: 'mattermost' }],
        audit: true,
      });
    await shoot(page, 'console-linked');

    page.once('dialog', (d) => void d.accept());
    await row.locator('button', { hasText: 'Unlink' }).click();
    await expect
      .poll(() => page.textContent('#message'), POLL)
      .toBe(`Unlinked Mattermost channel Town Square (${w.channels.townSquare}) in workspace main`);
    expect(w.bridge.directory.portalByRoom(room)).toBeUndefined();
    await expect
      .poll(() => page.locator('#audit tbody tr', { hasText: 'console' }).count(), POLL)
      .toBeGreaterThanOrEqual(2);
    const audit = await page.textContent('#audit tbody');
    expect(audit).toContain('unlink');
    // The refused link's 409 is logged by the browser; nothing else may be.
    const errors = (page as Page & { errors: string[] }).errors.filter(
      (e) => !e.includes('status of 409'),
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps only a session token in the browser, never the secret, and signs out on the bridge', async () => {
    const page = await openConsole();
    const bearers: string[] = [];
    page.on('request', (r) => {
      const auth = r.headers().authorization;
      if (auth) bearers.push(`${r.method()} ${new URL(r.url()).pathname} ${auth}`);
    });
    await signInWithSecret(page);
    await expect.poll(() => page.locator('#portals tbody tr').count(), POLL).toBeGreaterThan(0);
    // The secret crossed exactly once, to be exchanged; everything after used the session.
    const withSecret = bearers.filter((b) => b.includes(w.secret));
    expect(withSecret).toEqual([`POST /_bridge/admin/v1/session/secret Bearer ${w.secret}`]);
    const token = await page.evaluate(() => sessionStorage.getItem('bridge-console-token'));
    expect(token).toMatch(/^mpbs2\./);
    expect(bearers.length).toBeGreaterThan(2);

    const stored = await page.evaluate(() => ({
      session: JSON.stringify(Object.entries(sessionStorage)),
      local: JSON.stringify(Object.entries(localStorage)),
      cookie: document.cookie,
    }));
    const cookies = JSON.stringify(await context.cookies());
    for (const [where, text] of Object.entries({ ...stored, cookies })) {
      expect(text, where).not.toContain(w.secret);
    }
    expect(stored.local).toBe('[]');
    expect(stored.cookie).toBe('');

    expect((await w.api('GET', '/whoami', { token })).status).toBe(200);
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in:not([hidden])');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    // Signed out on the bridge, not only forgotten by the tab.
    await expect
      .poll(async () => (await w.api('GET', '/whoami', { token })).status, POLL)
      .toBe(401);
    await page.close();
  });

  it('stops refreshing while the tab is hidden, and refreshes at once when it is back', async () => {
    // A browser of its own: a faked clock is faked for every page of a browser context.
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    try {
      const page = await openConsole({
        prepare: recordApiCalls,
        inContext: await browser.newContext(),
      });
      await signInWithSecret(page);
      await expectRefreshOnlyWhileVisible(page);
    } finally {
      await browser.close();
    }
  });

  it('sends forged and signed-out sessions, and a stored raw secret, back to sign-in', async () => {
    const revoked = String((await w.api('POST', '/session/secret')).body.token);
    expect((await w.api('DELETE', '/session', { token: revoked })).status).toBe(200);
    const stored: Array<[string, string, RegExp | undefined]> = [
      ['forged session', `mpbs2.${'A'.repeat(43)}`, /sign in again/],
      ['signed-out session', revoked, /sign in again/],
      // What an older console kept: it is dropped unsent, without a message.
      ['raw secret', w.secret, undefined],
    ];
    for (const [name, value, message] of stored) {
      const page = await openConsole();
      const bearers: string[] = [];
      page.on('request', (r) => {
        const auth = r.headers().authorization;
        if (auth) bearers.push(auth);
      });
      await page.evaluate((v) => sessionStorage.setItem('bridge-console-token', v), value);
      await page.reload();
      await page.waitForSelector('#sign-in:not([hidden])');
      if (message) await expect.poll(() => page.textContent('#message'), POLL).toMatch(message);
      expect(await page.isVisible('#console'), name).toBe(false);
      expect(await page.evaluate(() => sessionStorage.length), name).toBe(0);
      expect(
        bearers.filter((b) => b.includes(w.secret)),
        name,
      ).toEqual([]);
      await page.close();
    }
  });

  it('shows failures clearly and puts hostile text on the page as text', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    // A failed attempt with a hostile channel id lands in the audit log the console shows.
    await w.api('POST', '/links', {
      body: {
        room: await w.newRoom(),
        connector: 'mattermost',
        workspace: 'main',
        channel: hostile,
      },
    });
    const page = await openConsole();
    await signInWithSecret(page);
    await expect.poll(() => page.textContent('#audit tbody'), POLL).toContain(hostile);
    expect(
      await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
    ).toBeUndefined();
    expect(await page.locator('#audit img').count()).toBe(0);

    await page.fill('#link-room', '!doesnotexist:localhost');
    await page.selectOption('#link-channel', w.channels.random);
    await page.click('#link-submit');
    await expect
      .poll(() => page.textContent('#message'), POLL)
      .toBe(
        'Link failed: The bridge bot cannot join this room. Invite the bridge bot to the room in Matrix, then link again.',
      );
    await shoot(page, 'console-error');
    await page.close();
  });

  it('signs a Matrix user in with OpenID, with the rights of their level', async () => {
    const user = await registerUser(uniqueLocalpart('console'));
    const page = await openConsole();
    await page.fill('#matrix-user', user.userId);
    await page.fill('#matrix-password', user.password);
    await page.click('#matrix-form button[type=submit]');
    // Whether the homeserver serves the OpenID userinfo API depends on its listener resources.
    const probe = await fetch(
      `${harness().synapseUrl}/_matrix/federation/v1/openid/userinfo?access_token=x`,
    );
    if (probe.status === 404) {
      // Then the bridge cannot check the token, and says so instead of letting anyone in.
      await expect
        .poll(() => page.textContent('#message'), POLL)
        .toContain('does not serve the OpenID userinfo API');
      expect(await page.isVisible('#console')).toBe(false);
      await shoot(page, 'console-openid-unavailable');
    } else {
      await page.waitForSelector('#console:not([hidden])');
      expect(await page.textContent('#who-name')).toBe(user.userId);
      expect(await page.textContent('#who-level')).toBe('user');
      expect(await page.isVisible('#link-section')).toBe(false);
      expect(await page.isVisible('#audit-section')).toBe(false);
      expect(await page.isVisible('#erase-section')).toBe(false);
      await shoot(page, 'console-matrix-user');
    }
    await page.close();
  });

  it('erases a platform user after a confirmation, shows the report, and explains a refusal', async () => {
    // A person of their own: alice goes on posting in the tests after this one.
    const teamId = (await w.alice.getChannel(w.channels.random)).team_id;
    const erin = w.sim.createUser({ username: 'erin', firstName: 'Erin' });
    w.sim.addToTeam(teamId, erin.id);
    w.sim.addToChannel(w.channels.random, erin.id);
    const erinClient = new Client4();
    erinClient.setUrl(w.sim.url);
    erinClient.setToken(erin.token);
    const room = await w.newRoom();
    const link = { room, connector: 'mattermost', workspace: 'main', channel: w.channels.random };
    expect((await w.api('POST', '/links', { body: link })).status).toBe(201);
    await erinClient.createPost({
      channel_id: w.channels.random,
      message: 'before erasure',
    } as Post);
    await w.linker.waitForEvent(room, (e) => e.sender === w.ghostOf(erin.id));

    const page = await openConsole();
    await signInWithSecret(page);
    await page.fill('#erase-subject', 'mattermost main nobody-at-all');
    page.once('dialog', (d) => void d.accept());
    await page.click('#erase-submit');
    await expect
      .poll(() => page.textContent('#message'), POLL)
      .toContain('Erasure failed: The bridge holds nothing about this person');

    await page.fill('#erase-subject', `mattermost main ${erin.id}`);
    page.once('dialog', (d) => void d.dismiss());
    await page.click('#erase-submit');
    expect(await page.isVisible('#erase-report')).toBe(false);

    page.once('dialog', (d) => void d.accept());
    await page.click('#erase-submit');
    await page.waitForSelector('#erase-report:not([hidden])', POLL);
    const report = await page.textContent('#erase-report');
    expect(report).toMatch(/^Erased; now erased:[0-9a-f]{16} in the audit log\./);
    expect(report).toContain('matrix: ghost deactivated: 1');
    expect(report).toContain('ghosts: 1');
    await shoot(page, 'console-erased');
    // The browser itself logs the refused request (404) as a console error; nothing else.
    const errors = (page as Page & { errors: string[] }).errors;
    expect(errors.filter((e) => !e.includes('status of 404'))).toEqual([]);
    await page.close();
  });
});

describe.each([1280, 420])('the console an on-call person keeps open, at %i px', (width) => {
  const rooms: string[] = [];
  let page: Page;

  beforeAll(async () => {
    // Nothing linked from earlier tests: this one links both channels.
    for (const channel of [w.channels.townSquare, w.channels.random]) {
      await w.api('DELETE', `/links/mattermost/main/${channel}`);
    }
    rooms.push(await w.newRoom(), await w.newRoom());
    const linked = await w.api('POST', '/links', {
      userId: w.linker.userId,
      body: {
        room: rooms[0],
        connector: 'mattermost',
        workspace: 'main',
        channel: w.channels.townSquare,
      },
    });
    expect(linked.status).toBe(201);
    page = await openConsole();
    await page.setViewportSize({ width, height: 900 });
    await signInWithSecret(page);
  });

  afterAll(async () => {
    if (!page) return;
    // The refused link's 409 is logged by the browser; nothing else may be.
    const errors = (page as Page & { errors: string[] }).errors.filter(
      (e) => !e.includes('status of 409'),
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('names rooms and channels, with their ids as secondary text', async () => {
    const row = page.locator('#portals tbody tr', { hasText: 'Town Square' });
    await expect.poll(() => row.count(), POLL).toBe(1);
    expect(await row.locator('td').first().locator('.name').textContent()).toMatch(
      /^admin-e2e-[0-9a-f]{6}$/,
    );
    expect(await row.locator('td').first().locator('.room-id').textContent()).toBe(rooms[0]);
    expect(await row.locator('.channel .name').textContent()).toBe('Town Square');
    expect(await row.locator('.channel .room-id').textContent()).toBe(w.channels.townSquare);
    expect(await noHorizontalOverflow(page)).toBe(true);
  });

  it('charts messages per minute and says when the last one crossed', async () => {
    const before = await trafficBars(page, 'main');
    expect(before.bars).toBe(60);
    for (const text of [`first at ${width}`, `second at ${width}`]) {
      await w.alice.createPost({ channel_id: w.channels.townSquare, message: text } as Post);
      await w.linker.waitForEvent(rooms[0]!, (e) => e.content.body === text);
    }
    await w.linker.sendMessage(rooms[0]!, `back at ${width}`);
    // The auto-refresh (every 15 s) brings the new counts; the page is not reloaded.
    await expect
      .poll(async () => (await trafficBars(page, 'main')).total, POLL)
      .toBeGreaterThanOrEqual(before.total + 3);
    const after = await trafficBars(page, 'main');
    expect(after.bars).toBe(60);
    expect(after.last).toMatch(/^last message crossed (now|\d+ seconds? ago|\d+ minutes? ago)$/);
    expect(await page.locator('#connections tbody tr svg.traffic').count()).toBe(1);
    expect(await page.textContent('#updated')).toMatch(/^updated /);
    expect(await noHorizontalOverflow(page)).toBe(true);
  });

  it('shows dates in the browser locale, relative when recent', async () => {
    const times = await timesInBrowserLocale(page);
    expect(times.count).toBeGreaterThan(0);
    expect(times.wrong).toEqual([]);
    expect(await page.locator('#connections tbody time').first().textContent()).toMatch(/ago|now/);
  });

  it('refuses a link with a plain sentence, never the raw error', async () => {
    await page.fill('#link-room', '!doesnotexist:localhost');
    await page.selectOption('#link-channel', w.channels.random);
    await page.click('#link-submit');
    await expect
      .poll(() => page.textContent('#message'), POLL)
      .toBe(
        'Link failed: The bridge bot cannot join this room. Invite the bridge bot to the room in Matrix, then link again.',
      );
    await shoot(page, `console-${width}-refused`);
  });

  it('shows a link made elsewhere without a reload, keeping what was typed', async () => {
    await page.evaluate(() => ((window as unknown as { __kept?: number }).__kept = 1));
    await page.fill('#link-room', '#half-typed:localhost');
    const made = await w.api('POST', '/links', {
      body: {
        room: rooms[1],
        connector: 'mattermost',
        workspace: 'main',
        channel: w.channels.random,
      },
    });
    expect(made.status).toBe(201);
    await expect
      .poll(() => page.locator('#portals tbody tr', { hasText: 'Random' }).count(), POLL)
      .toBe(1);
    expect(await page.evaluate(() => (window as unknown as { __kept?: number }).__kept)).toBe(1);
    expect(await page.inputValue('#link-room')).toBe('#half-typed:localhost');
    // Now every channel of the workspace is linked: the picker says so, Link is off.
    await expect
      .poll(() => page.locator('#link-channel-note').textContent(), POLL)
      .toBe(
        'Every channel of this workspace is already linked: unlink one first, or add the bot to another channel.',
      );
    expect(await page.isDisabled('#link-submit')).toBe(true);
    expect(await noHorizontalOverflow(page)).toBe(true);
    await shoot(page, `console-${width}`);
    // What fits on one screen (at 420 px the full page is long: every table is cards).
    await shoot(page, `console-${width}-screen`, { screen: true });
  });

  it('narrows the audit log by outcome and by actor, and still pages', async () => {
    await page.selectOption('#audit-outcome', 'failed');
    await expect
      .poll(async () => (await auditRows(page)).map((r) => r.outcome), POLL)
      .toContain('failed');
    expect(new Set((await auditRows(page)).map((r) => r.outcome))).toEqual(new Set(['failed']));

    await page.selectOption('#audit-outcome', '');
    const actor = `${w.linker.userId} (via provisioning secret)`;
    await expect
      .poll(async () => new Set((await auditRows(page)).map((r) => r.actor)).size, POLL)
      .toBeGreaterThan(1);
    await page.fill('#audit-actor', actor);
    await page.click('#audit-filter button[type=submit]');
    await expect
      .poll(async () => [...new Set((await auditRows(page)).map((r) => r.actor))], POLL)
      .toEqual([actor]);

    // More refusals of one person than a page holds: "Older entries" pages within the filter.
    const refused = `${w.plain.userId} (via provisioning secret)`;
    for (let i = 0; i < 30; i += 1) {
      const res = await w.api('POST', '/links', {
        userId: w.plain.userId,
        body: { room: rooms[1], connector: 'mattermost', workspace: 'main', channel: `c${i}` },
      });
      expect(res.status).toBe(403);
    }
    await page.fill('#audit-actor', refused);
    await page.selectOption('#audit-outcome', 'denied');
    await expect.poll(async () => (await auditRows(page)).length, POLL).toBe(25);
    await page.click('#audit-more');
    await expect.poll(async () => (await auditRows(page)).length, POLL).toBeGreaterThanOrEqual(30);
    const paged = await auditRows(page);
    expect(new Set(paged.map((r) => r.actor))).toEqual(new Set([refused]));
    expect(new Set(paged.map((r) => r.outcome))).toEqual(new Set(['denied']));
    await page.selectOption('#audit-outcome', '');
    expect(await noHorizontalOverflow(page)).toBe(true);
    await shoot(page, `console-${width}-audit`);
    await page.fill('#audit-actor', '');
    await page.click('#audit-filter button[type=submit]');
  });

  it('fits each view in the width, the picker offering a free channel', async () => {
    const freed = await w.api('DELETE', `/links/mattermost/main/${w.channels.random}`);
    expect(freed.status).toBe(200);
    // The next auto-refresh sees the link gone and offers the channel again.
    await expect.poll(() => page.inputValue('#link-channel'), POLL).toBe(w.channels.random);
    expect(await page.isDisabled('#link-submit')).toBe(false);
    const views = {
      'link-picker': page.locator('#link-section'),
      portals: page.locator('section', { has: page.locator('#portals') }),
      connections: page.locator('section', { has: page.locator('#connections') }),
      audit: page.locator('#audit-section'),
    };
    for (const [name, view] of Object.entries(views)) {
      const box = await view.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= width, name).toBe(true);
      await shoot(view, `view-${name}-${width}`);
    }
    expect(await noHorizontalOverflow(page)).toBe(true);
  });
});
