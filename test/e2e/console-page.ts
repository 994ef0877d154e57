import type { Page } from 'playwright-core';

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
