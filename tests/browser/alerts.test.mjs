// Browser test of Settings → Alerts at a phone's width (390 px) and a laptop's (1366 px), in
// Debian's Chromium: a bad chat id refused with the key named, the settings saved (the bot token
// never shown back), a test alert queued and delivered to a Telegram Bot API test server (this
// file's, answering with tests/fixtures/telegram/), its row shown as delivered, and the page in
// English. No page scrolls sideways. Screenshots: $KIRA_SHOTS/alerts-*.png.
//
//   KIRA_DEVSERVER=build/tools/web_devserver node alerts.test.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const devserver = process.env.KIRA_DEVSERVER;
const shots = resolve(process.env.KIRA_SHOTS || 'shots');
const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/telegram');
const password = 'browser test pass';
const token = '123456:browser-test_token';
const chat = '-1001234567890';
if (!devserver || !existsSync(devserver)) {
  console.error('KIRA_DEVSERVER must point to the web_devserver binary');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'kira-alerts-'));
const browserDir = mkdtempSync(join(tmpdir(), 'kira-alerts-chromium-'));
let server, context, telegram;
const received = [];
const steps = [];
const step = async (name, fn) => {
  const t0 = Date.now();
  await fn();
  steps.push(name);
  console.log(`ok - ${name} (${Date.now() - t0} ms)`);
};

// POST /bot<token>/sendMessage as documented (https://core.telegram.org/bots/api#sendmessage).
function startTelegram() {
  const fixture = (f) => JSON.parse(readFileSync(join(fixtures, f), 'utf8'));
  telegram = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; if (body.length > 65536) req.destroy(); });
    req.on('end', () => {
      const send = (status, obj) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(obj)); };
      const m = req.url.match(/^\/bot([^/]+)\/sendMessage$/);
      if (req.method !== 'POST' || !m) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
      if (m[1] !== token) return send(401, fixture('error_401.json'));
      let j;
      try { j = JSON.parse(body); } catch { return send(400, { ok: false, error_code: 400, description: 'Bad Request: message text is empty' }); }
      if (String(j.chat_id) !== chat) return send(400, fixture('error_400_chat_not_found.json'));
      received.push(j.text);
      const ok = fixture('sendMessage_ok.json');
      ok.result.message_id = received.length;
      ok.result.text = j.text;
      send(200, ok);
    });
  });
  return new Promise((r) => telegram.listen(0, '127.0.0.1', () => r(telegram.address().port)));
}

function startServer() {
  return new Promise((resolveStart, reject) => {
    server = spawn(devserver, ['--dir', dir, '--seed', '--user', 'admin', '--password', password],
                   { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error('web_devserver did not start: ' + out)), 60000);
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/READY (\d+)/);
      if (m) { clearTimeout(timer); resolveStart(Number(m[1])); }
    });
    server.on('exit', (code) => reject(new Error('web_devserver exited with ' + code + ': ' + out)));
  });
}

async function noSideways(page, what) {
  const { sw, w } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, w: window.innerWidth }));
  assert.ok(sw <= w, `${what}: the page scrolls sideways (${sw} > ${w})`);
  const stray = await page.evaluate(() => [...document.querySelectorAll('main, main *')].some((n) =>
    [...n.childNodes].some((c) => c.nodeType === 3 && /^\s*(null|undefined)\s*$/.test(c.textContent))));
  assert.ok(!stray, `${what}: the page shows a stray "null" or "undefined"`);
}

try {
  const tgPort = await startTelegram();
  const port = await startServer();
  const base = `http://127.0.0.1:${port}`;
  context = await chromium.launchPersistentContext(browserDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 390, height: 844 },
    locale: 'ru-RU',
  });
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/40[01]|Failed to load resource/.test(m.text())) errors.push(m.text()); });

  await step('sign in', async () => {
    await page.goto(base + '/');
    await page.fill('input[name=name]', 'admin');
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-test=queue-row]');
  });

  await step('390 px: a bad chat id is refused, naming the key', async () => {
    await page.goto(base + '/#/settings/alerts');
    await page.waitForSelector('[data-test=alerts-form]');
    assert.match(await page.textContent('[data-test=alerts-form]'), /Новый заказ/);
    assert.match(await page.textContent('[data-test=alerts-form]'), /Тихие часы/);
    await page.check('[data-test="alert-telegram.enabled"]');
    await page.fill('[data-test="alert-telegram.bot_token"]', token);
    await page.fill('[data-test="alert-telegram.chat_id"]', 'managers chat');
    await page.click('[data-test=alerts-save]');
    await page.waitForSelector('[data-test=alerts-error]:not(:empty)');
    assert.match(await page.textContent('[data-test=alerts-error]'), /telegram\.chat_id/);
    await page.screenshot({ path: join(shots, 'alerts-refused-390.png'), fullPage: true });
    await noSideways(page, 'alerts at 390');
  });

  await step('390 px: saved; the token is not shown back; a test alert reaches the chat', async () => {
    await page.fill('[data-test="alert-telegram.chat_id"]', chat);
    // The devserver's workspace talks to this file's Bot API server.
    const r = await page.evaluate(async ([url]) => {
      const res = await fetch('/api/settings/alerts', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': K.state.csrf },
        body: JSON.stringify({ telegram: { api_url: url } }) });
      return res.status;
    }, [`http://127.0.0.1:${tgPort}`]);
    assert.equal(r, 200);
    await page.check('[data-test="alert-quiet_hours.enabled"]');
    await page.click('[data-test=alerts-test-telegram]');
    for (let i = 0; i < 100 && received.length < 1; ++i) await page.waitForTimeout(100);
    assert.equal(received.length, 1, 'the test alert reached the Bot API server');
    assert.match(received[0], /проверка уведомлений/);
    await page.waitForSelector('[data-test=alerts-recent] td:has-text("доставлено")', { timeout: 10000 });
    assert.equal(await page.inputValue('[data-test="alert-telegram.bot_token"]'), '');
    assert.match(await page.getAttribute('[data-test="alert-telegram.bot_token"]', 'placeholder'), /сохранён/);
    assert.ok(await page.isChecked('[data-test="alert-quiet_hours.enabled"]'), 'quiet hours saved');
    await page.screenshot({ path: join(shots, 'alerts-saved-390.png'), fullPage: true });
    await noSideways(page, 'alerts saved at 390');
  });

  await step('1366 px: the page in English', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.click('[data-test=lang]').catch(async () => {
      await page.click('[data-test=nav-toggle]');
      await page.click('[data-test=lang]');
    });
    await page.goto(base + '/#/settings/alerts');
    await page.waitForSelector('[data-test=alerts-form]:has-text("Quiet hours")');
    assert.match(await page.textContent('[data-test=alerts-form]'), /Transfer to a manager failed/);
    assert.match(await page.textContent('[data-test=alerts-recent]'), /delivered/);
    await page.screenshot({ path: join(shots, 'alerts-en-1366.png'), fullPage: true });
    await noSideways(page, 'alerts at 1366');
  });

  assert.deepEqual(errors, [], 'no script errors in the page');
  console.log(`# ${steps.length} steps passed; screenshots in ${shots}`);
} catch (e) {
  console.error('not ok -', e && e.stack || e);
  if (context && context.pages()[0]) await context.pages()[0].screenshot({ path: join(shots, 'alerts-failure.png'), fullPage: true }).catch(() => {});
  process.exitCode = 1;
} finally {
  if (context) await context.close().catch(() => {});
  if (server) { server.stdin.end('quit\n'); server.kill('SIGTERM'); }
  if (telegram) telegram.close();
  for (const d of [browserDir, dir]) rmSync(d, { recursive: true, force: true });
}
