// The call-taker's screen end to end: Chromium → browser desk → Desk (real data dir, default rules) → sync → the
// upstream test server, with a simulated transfer key. Screenshots of the main states go to tests/e2e/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser/chromium';
import { startE2EDesk, type E2EDesk } from '../../support/browser/e2e-desk';
import { ensureRendererBuilt, REPO_ROOT } from '../../support/browser/renderer-build';

const SHOTS = join(REPO_ROOT, 'tests/e2e/screenshots');
const NOODLES = '报警人称想让110帮忙送一碗米粉到家里';
const KNIFE = '报警人称欠钱的人拿着菜刀在门口堵他';

let browser: Browser;
let e2e: E2EDesk;
let page: Page;
const pageErrors: string[] = [];

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
const byTest = (id: string) => page.getByTestId(id);
const rowOf = (id: string) => page.locator(`[data-testid="transfer-row"][data-transfer-id="${id}"]`);

async function typeNote(text: string): Promise<void> {
  const note = byTest('note-input');
  await note.click();
  await note.pressSequentially(text);
}

/** The transfers the Desk stored, newest first. */
function storedTransfers() {
  return e2e.desk.listTransfers({});
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  await ensureRendererBuilt();
  e2e = await startE2EDesk({ undoWindowMs: 1500 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(e2e.host.url);
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'note-input');
});

afterAll(async () => {
  await browser?.close();
  await e2e?.close();
  expect(pageErrors).toEqual([]);
});

describe('the call-taker’s screen in Chromium', () => {
  it('takes the token out of the address bar and shows the desk online with its key', async () => {
    expect(new URL(page.url()).searchParams.get('token')).toBeNull();
    await expect.poll(() => byTest('sync-status').getAttribute('data-online')).toBe('true');
    expect(await byTest('key-status').textContent()).toContain('已连接');
    await shot('01-idle');
  });

  it('classifies the note as it is typed and shows where the key will send the call', async () => {
    await typeNote(NOODLES);
    await expect.poll(() => byTest('classification').getAttribute('data-target')).toBe('civic');
    const said = e2e.desk.snapshot().classification;
    expect(said.matched.length).toBeGreaterThan(0);
    const shown = await byTest('classification').textContent();
    for (const text of [said.targetName, said.targetNumber, said.categoryName!, ...said.matched]) expect(shown).toContain(text);
    expect(await byTest('transfer-target').textContent()).toContain(`转至 ${said.targetName} ${said.targetNumber}`);
    await shot('02-classified');
  });

  it('the key transfers the call: a toast with the target and undo, then an empty focused card', async () => {
    e2e.keys.press('transfer');
    const toast = byTest('transfer-toast');
    await expect.poll(() => toast.getAttribute('data-kind')).toBe('transferred');
    expect(await toast.textContent()).toMatch(/已转至 .+ \d+/);
    expect(await byTest('undo-button').isVisible()).toBe(true);
    expect(await byTest('note-input').inputValue()).toBe('');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('note-input');
    await shot('03-toast');
  });

  it('undo takes the transfer back: nothing goes upstream and the note returns to the card', async () => {
    const [undone] = storedTransfers();
    await byTest('undo-button').click();
    await expect.poll(() => byTest('transfer-toast').getAttribute('data-kind')).toBe('undone');
    await expect.poll(() => rowOf(undone!.id).getAttribute('data-status')).toBe('cancelled');
    expect(await byTest('note-input').inputValue()).toBe(NOODLES);
    await new Promise((r) => setTimeout(r, 1200));
    expect(e2e.upstream.stored().map((t) => t.id)).not.toContain(undone!.id);
  });

  it('a transfer left past the undo window is synced, and its status from upstream reaches the screen', async () => {
    await page.keyboard.press('F2');
    await expect.poll(() => byTest('transfer-toast').getAttribute('data-kind')).toBe('transferred');
    const kept = storedTransfers().find((t) => t.status === 'pending')!;
    expect(kept.trigger).toBe('keyboard');
    await expect.poll(() => byTest('toast-countdown').textContent(), { timeout: 5000 }).toBe('已生效，不能再撤销');
    expect(await byTest('undo-button').count()).toBe(0);
    // Held → queued → sent → received (the test upstream answers every new transfer with `received`).
    await expect.poll(() => rowOf(kept.id).getAttribute('data-status'), { timeout: 10_000 }).toBe('received');
    expect(e2e.upstream.stored().filter((t) => t.id === kept.id)).toHaveLength(1);
    e2e.upstream.advance(kept.id, 'accepted', { by: '县住建局', dueAt: new Date(Date.now() + 86_400_000).toISOString() });
    await expect.poll(() => rowOf(kept.id).getAttribute('data-status'), { timeout: 10_000 }).toBe('accepted');
    e2e.upstream.advance(kept.id, 'returned', { by: '县民政局', comment: '涉及人身安全，退回110' });
    await expect.poll(() => rowOf(kept.id).getAttribute('data-status'), { timeout: 10_000 }).toBe('returned');
    const first = page.getByTestId('transfer-row').first();
    expect(await first.getAttribute('data-transfer-id')).toBe(kept.id);
    expect(await first.textContent()).toContain('涉及人身安全，退回110');
    await shot('04-returned');
    await first.getByTestId('ack-returned').click();
    await expect.poll(() => first.getByTestId('ack-returned').count()).toBe(0);
  });

  it('shows matters passed to police until acknowledged', async () => {
    e2e.upstream.pushInbox({ from: '12345', summary: '来电人称邻居扬言要杀他全家', callerNumber: '13700000000', category: '110.threat' });
    await expect.poll(() => byTest('inbox').getByTestId('inbox-item').count(), { timeout: 10_000 }).toBe(1);
    await shot('05-inbox');
    await byTest('inbox').getByTestId('ack-inbox').click();
    await expect.poll(() => byTest('inbox').getByTestId('inbox-item').count()).toBe(0);
  });

  it('a red-flagged note cannot go to civic: the key keeps it with 110; only the two override steps send it', async () => {
    const before = e2e.upstream.stored().length;
    await byTest('note-input').fill('');
    await typeNote(KNIFE);
    const banner = byTest('red-flag-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('刀');
    expect(await byTest('transfer-target').getAttribute('data-target')).toBe('110');
    await shot('06-red-flag');

    // Choosing civic opens the dialog; it does not transfer.
    await page.keyboard.press('Alt+1');
    await byTest('override-dialog').waitFor();
    expect(await byTest('override-confirm').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await byTest('override-dialog').waitFor({ state: 'detached' });

    // The key itself never sends it to civic.
    const transfersBefore = storedTransfers().length;
    e2e.keys.press('transfer');
    await expect.poll(() => byTest('transfer-toast').getAttribute('data-kind')).toBe('police');
    expect(await byTest('transfer-toast').textContent()).toContain('留在110');
    expect(storedTransfers()).toHaveLength(transfersBefore);
    expect(await byTest('note-input').inputValue()).toBe(KNIFE);

    // Two deliberate steps and a written reason.
    await byTest('override-button').click();
    await byTest('override-reason').fill('刀已被收走，对方离开，只剩欠款纠纷');
    await shot('07-override-dialog');
    await byTest('override-confirm').click();
    await expect.poll(() => byTest('transfer-toast').getAttribute('data-kind')).toBe('transferred');
    const overridden = storedTransfers().find((t) => t.target === 'civic' && t.redFlag)!;
    expect(overridden.override?.reason).toBe('刀已被收走，对方离开，只剩欠款纠纷');
    await expect
      .poll(() => e2e.upstream.stored().find((t) => t.id === overridden.id)?.override?.reason, { timeout: 10_000 })
      .toBe('刀已被收走，对方离开，只剩欠款纠纷');
    expect(e2e.upstream.stored().length).toBe(before + 1);
  });

  it('closes calls as kept or invalid and counts the shift in the statistics', async () => {
    await typeNote('报警人称有人在小区里打架');
    await page.keyboard.press('F3');
    await expect.poll(() => byTest('transfer-toast').getAttribute('data-kind')).toBe('closed');
    await typeNote('无声电话');
    await page.keyboard.press('F4');
    await expect.poll(() => byTest('transfer-toast').textContent()).toContain('无效来电');
    const stats = e2e.desk.stats({});
    const panel = byTest('stats-panel');
    await expect.poll(() => panel.textContent()).toContain(`${Math.round(stats.nonPoliceShare * 100)}%`);
    expect(stats.dispositions.kept).toBeGreaterThanOrEqual(1);
    expect(stats.dispositions.invalid).toBe(1);
    await shot('08-stats');
  });

  it('fits a 1920×1080 second monitor and a 1366×768 browser window with its own bars', async () => {
    for (const [width, height, name] of [[1920, 1080, '09-full-hd'], [1366, 657, '10-small-window']] as const) {
      await page.setViewportSize({ width, height });
      await typeNote(KNIFE);
      await banner().waitFor();
      // Nothing of the call card is cut off or scrolled away.
      const overflow = await page.evaluate(() => {
        const card = document.querySelector('.call-card')!;
        return card.scrollHeight - card.clientHeight;
      });
      expect(overflow).toBeLessThanOrEqual(1);
      for (const id of ['note-input', 'red-flag-banner', 'transfer-target', 'transfer-button', 'sync-status', 'key-status', 'stats-panel']) {
        expect(await byTest(id).isVisible()).toBe(true);
      }
      await shot(name);
      await byTest('note-input').fill('');
    }
    await page.setViewportSize({ width: 1366, height: 768 });
  });

  it('switches the whole screen to Traditional Chinese and English', async () => {
    await page.keyboard.press('F10');
    await byTest('settings-dialog').waitFor();
    await byTest('locale-en').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Current call');
    await shot('11-settings-en');
    await byTest('locale-zh-TW').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('目前來電');
    await byTest('locale-zh-CN').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('当前来电');
    await page.keyboard.press('Escape');
  });
});

describe('the browser desk refuses other pages', () => {
  let other: Server;

  beforeAll(async () => {
    // A page of another origin on the same machine that knows the token and tries to drive the desk.
    other = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>other</title>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  });

  afterAll(() => new Promise<void>((resolve) => other.close(() => resolve())));

  it('a page of another origin cannot open the desk socket, even with the token', async () => {
    const foreign = await browser.newPage();
    await foreign.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
    const result = await foreign.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        }),
      `ws://127.0.0.1:${e2e.host.port}/desk?token=${e2e.host.token}`,
    );
    expect(result).toBe('refused');
    await foreign.close();
  });

  it('the screen opened without the token says it cannot connect', async () => {
    const tokenless = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await tokenless.goto(`http://127.0.0.1:${e2e.host.port}/`);
    await expect.poll(() => tokenless.getByRole('status').textContent()).toContain('请打开 fenliu serve 新打印的地址');
    await tokenless.close();
  });
});

function banner() {
  return byTest('red-flag-banner');
}
