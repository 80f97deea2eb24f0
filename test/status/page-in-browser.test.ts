import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusFolder } from '../../app/local/status-folder.js';
import { parseConfig } from '../../shared/config/load.js';
import { decideIncident } from '../../shared/incidents/decide.js';
import { decideHumanAction } from '../../shared/incidents/human.js';
import { policyFor } from '../../shared/incidents/policy.js';
import type { CheckState } from '../../shared/state/check-state.js';
import { finding, minutesAfter } from '../support/findings.js';
import { memoryNotify } from '../support/memory-notify.js';

// The status page as a reader sees it: written by notify during an outage and after recovery, opened in
// headless Chromium with JavaScript off, and read for what it says, where, and how legibly.
// SCREENSHOTS_DIR=docs/images keeps the pictures the README shows.

const CHROMIUM = '/usr/bin/chromium';
const T = new Date('2026-12-04T14:00:00.000Z');
const config = parseConfig({
  checks: [
    { id: 'orders-health', kind: 'http', target: 'https://orders.example.com/health', severity: 'P1', incident: { failureThreshold: 1, successThreshold: 1 } },
    { id: 'search-health', kind: 'http', target: 'https://search.example.com/health', severity: 'P2' },
  ],
  statusPage: {
    title: 'Example shop status',
    components: [
      { id: 'checkout', name: 'Checkout', description: 'Cart, payment and orders', checks: ['orders-health'] },
      { id: 'search', name: 'Search', checks: ['search-health'] },
    ],
  },
  silences: [
    {
      id: 'search-reindex',
      reason: 'Search index rebuild',
      checks: ['search-health'],
      from: '2026-12-05T22:00:00.000Z',
      until: '2026-12-06T01:00:00.000Z',
      maintenance: true,
    },
  ],
});
const check = config.checks[0]!;
const dir = mkdtempSync(join(tmpdir(), 'vigil-status-page-'));

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ javaScriptEnabled: false, viewport: { width: 900, height: 1000 } });
});
afterAll(() => browser?.close());

/** The outage, transition by transition, through notify: it writes the page after each. */
async function outage(until: 'outage' | 'recovered'): Promise<void> {
  const ctx = (minute: number) => ({ policy: policyFor(check, config), severity: check.severity, silence: undefined, now: minutesAfter(T, minute) });
  const states: CheckState[] = [];
  let s: CheckState | undefined = decideIncident(undefined, finding('fail', T, { checkId: 'orders-health' }), ctx(0));
  states.push(s!);
  s = decideHumanAction(s, { op: 'ack', incidentId: 'orders-health/1', by: 'alice', reason: 'on it' }, minutesAfter(T, 4));
  states.push(s);
  const message = 'We rolled back the release that broke payments and are watching the error rate.';
  s = decideHumanAction(s, { op: 'update', incidentId: 'orders-health/1', by: 'alice', reason: message, public: true }, minutesAfter(T, 12));
  states.push(s);
  if (until === 'recovered') {
    s = decideIncident(s, finding('ok', minutesAfter(T, 30), { checkId: 'orders-health' }), ctx(30));
    states.push(s!);
  }
  const { send } = memoryNotify(config, { statusPage: statusFolder(dir) });
  expect((await send(states)).batchItemFailures).toEqual([]);
}

async function open(name: string): Promise<void> {
  await page.goto(`file://${join(dir, 'index.html')}`);
  if (process.env.SCREENSHOTS_DIR) {
    mkdirSync(process.env.SCREENSHOTS_DIR, { recursive: true });
    await page.screenshot({ path: join(process.env.SCREENSHOTS_DIR, `status-${name}.png`), fullPage: true });
  }
}

const row = (name: string) => page.locator('ul.components > li', { has: page.locator('.name', { hasText: name }) });

/** WCAG's contrast ratio between an element's text and the background it sits on. */
async function contrast(selector: string): Promise<number> {
  // Run in the page (the test's own types know no DOM): the text's colour, and the first opaque background behind it.
  const [fg, bg] = (await page.evaluate(`(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    let back = el;
    while (back && /rgba\\(0, 0, 0, 0\\)|transparent/.test(getComputedStyle(back).backgroundColor)) back = back.parentElement;
    return [getComputedStyle(el).color, back ? getComputedStyle(back).backgroundColor : 'rgb(255, 255, 255)'];
  })()`)) as [string, string];
  const luminance = (css: string) => {
    const [r, g, b] = css
      .match(/\d+/g)!
      .slice(0, 3)
      .map((v) => Number(v) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
  return (a! + 0.05) / (b! + 0.05);
}

describe.skipIf(!existsSync(CHROMIUM))('the status page in a browser', () => {
  it('during an outage: the outage up top, the component down in words, the incident with its public update, and the maintenance ahead', async () => {
    await outage('outage');
    await open('outage');
    expect(await page.getByRole('status').innerText()).toBe('Partial System Outage');
    expect(await row('Checkout').locator('.status').innerText()).toBe('✕ Major outage');
    expect(await row('Search').locator('.status').innerText()).toBe('✓ Operational');
    const incidents = await page.locator('section[aria-labelledby="incidents"]').innerText();
    expect(incidents).toContain('Major outage: Checkout');
    expect(incidents).toContain('Identified – We rolled back the release that broke payments and are watching the error rate.');
    expect(incidents).toContain('Investigating – We are investigating a problem affecting Checkout.');
    // Nothing the on-call only should see: no check ids, no targets.
    expect(await page.locator('body').innerText()).not.toMatch(/orders-health|example\.com/);
    expect(await page.locator('section[aria-labelledby="maintenance"]').innerText()).toContain(
      'Scheduled – from 2026-12-05 22:00 UTC until 2026-12-06 01:00 UTC; affects Search.',
    );
    expect(await page.locator('footer').innerText()).toMatch(/^Last updated 2026-12-04 14:12 UTC\./);
    // Landmarks, one each, and text that reads against its background.
    for (const role of ['banner', 'main', 'contentinfo'] as const) expect(await page.getByRole(role).count()).toBe(1);
    for (const selector of ['.banner', 'ul.components .status.c-major_outage', 'ul.components .status.c-operational', 'footer', '.legend']) {
      expect(await contrast(selector), selector).toBeGreaterThanOrEqual(4.5);
    }
    // Each day's bar says in words what its colour shows.
    expect(await row('Checkout').locator('ol.days li').count()).toBe(90);
    expect(await row('Checkout').locator('ol.days li').last().innerText()).toBe('4 Dec 2026: major outage');
  });

  it('after recovery: all operational, the incident resolved, and today marked in the history', async () => {
    await outage('recovered');
    await open('recovered');
    expect(await page.getByRole('status').innerText()).toBe('All Systems Operational');
    expect(await row('Checkout').locator('.status').innerText()).toBe('✓ Operational');
    expect(await page.locator('section[aria-labelledby="incidents"]').innerText()).toContain(
      'Resolved – This incident has been resolved; Checkout is operating normally.',
    );
    expect(await row('Checkout').locator('ol.days li').last().innerText()).toBe('4 Dec 2026: major outage');
    expect(await row('Checkout').locator('.legend').innerText()).toContain('99.97% uptime');
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { status: { indicator: string }; incidents: unknown[] };
    expect(summary.status.indicator).toBe('none');
    expect(summary.incidents).toEqual([]);
    expect(readFileSync(join(dir, 'feed.atom'), 'utf8')).toContain('<title>Major outage: Checkout (resolved)</title>');
  });
});
