import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';

/**
 * Screenshots for people to look at, written only when CONSOLE_SHOTS_DIR names a folder
 * (a CI run writes none): `CONSOLE_SHOTS_DIR=/tmp/shots npx vitest run … admin-console`.
 * A page is taken whole unless `screen` asks for what fits on one screen.
 */
export async function shoot(
  target: Page | Locator,
  name: string,
  { screen = false } = {},
): Promise<void> {
  const dir = process.env.CONSOLE_SHOTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  if ('goto' in target) await target.screenshot({ path, fullPage: !screen });
  else await target.screenshot({ path });
}

/** Makes the tab hidden or visible as a browser does: the state, then the event. */
export function setTabHidden(page: Page, hidden: boolean): Promise<void> {
  return page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (h ? 'hidden' : 'visible'),
    });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/**
 * Fakes the page's clock and records, inside the page, each provisioning API call with
 * whether the tab was hidden when it was made (fetch is called in the timer's own turn, so
 * the record is there as soon as the clock move that caused it returns).
 */
export async function recordApiCalls(page: Page): Promise<void> {
  await page.clock.install();
  await page.addInitScript(() => {
    const calls: Array<{ path: string; hidden: boolean }> = [];
    (window as unknown as { __apiCalls: typeof calls }).__apiCalls = calls;
    const original = window.fetch.bind(window);
    window.fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input), location.href);
      calls.push({ path: url.pathname, hidden: document.hidden });
      return original(input, init);
    };
  });
}

/** The refreshes a page started (each begins with /connectors), visible and hidden. */
export function refreshesMade(page: Page): Promise<{ visible: number; hidden: number }> {
  return page.evaluate(() => {
    const calls = (window as unknown as { __apiCalls: Array<{ path: string; hidden: boolean }> })
      .__apiCalls;
    const refreshes = calls.filter((c) => c.path === '/_bridge/admin/v1/connectors');
    return {
      visible: refreshes.filter((c) => !c.hidden).length,
      hidden: refreshes.filter((c) => c.hidden).length,
    };
  });
}

/** The page does not scroll sideways (what makes a console unusable on a phone). */
export function noHorizontalOverflow(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

/** The bars of a connection's traffic chart: how many, and the messages they add up to. */
export function trafficBars(
  page: Page,
  workspace: string,
): Promise<{ bars: number; total: number; last: string }> {
  return page.evaluate((ws) => {
    const row = Array.from(document.querySelectorAll('#connections tbody tr')).find(
      (tr) => tr.children[1]?.textContent === ws,
    );
    const bars = row ? Array.from(row.querySelectorAll('svg.traffic rect.bar')) : [];
    return {
      bars: bars.length,
      total: bars.reduce((sum, bar) => sum + Number(bar.getAttribute('data-count')), 0),
      last: row?.querySelector('.last-message')?.textContent ?? '',
    };
  }, workspace);
}

/** Each shown time carries the exact date and time in the browser's own locale as tooltip. */
export function timesInBrowserLocale(page: Page): Promise<{ count: number; wrong: string[] }> {
  return page.evaluate(() => {
    const format = new Intl.DateTimeFormat(navigator.language, {
      dateStyle: 'medium',
      timeStyle: 'medium',
    });
    const times = Array.from(document.querySelectorAll('time'));
    const wrong = times
      .filter((t) => t.title !== format.format(new Date(t.dateTime)))
      .map((t) => `${t.dateTime}: ${t.title}`);
    return { count: times.length, wrong };
  });
}

/** The audit rows' outcome and actor columns. */
export function auditRows(page: Page): Promise<Array<{ actor: string; outcome: string }>> {
  return page.$$eval('#audit tbody tr', (rows) =>
    rows
      .filter((r) => r.children.length > 1)
      .map((r) => ({
        actor: r.children[1]?.textContent ?? '',
        outcome: r.children[4]?.textContent ?? '',
      })),
  );
}
