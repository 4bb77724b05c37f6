// Browser test of Settings → Bitrix24 at a phone's width (390 px) and a laptop's (1366 px), in
// Debian's Chromium: a field code that is not UF_CRM_… refused with the key named; the inbound
// webhook saved (never shown back, the portal shown instead); a conversation that ends reaches a
// Bitrix24 REST test server (this file's, answering with tests/fixtures/bitrix24/) as contact,
// lead and logged call, its row shown as delivered; the page in English, with the local
// application's fields when chosen. No page scrolls sideways.
// Screenshots: $KIRA_SHOTS/bitrix24-*.png.
//
//   KIRA_DEVSERVER=build/tools/web_devserver node bitrix24.test.mjs
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
const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/bitrix24');
const password = 'browser test pass';
const code = 'b7x2k9q4w1e6r3t8';
if (!devserver || !existsSync(devserver)) {
  console.error('KIRA_DEVSERVER must point to the web_devserver binary');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'kira-b24-'));
const browserDir = mkdtempSync(join(tmpdir(), 'kira-b24-chromium-'));
let server, context, portal;
const methods = [];
const steps = [];
const step = async (name, fn) => {
  const t0 = Date.now();
  await fn();
  steps.push(name);
  console.log(`ok - ${name} (${Date.now() - t0} ms)`);
};

// An inbound webhook's REST calls as documented: POST /rest/<user>/<code>/<method>.json,
// answers {"result", "time"}, errors {"error", "error_description"}.
function startPortal() {
  const responses = JSON.parse(readFileSync(join(fixtures, 'responses.json'), 'utf8'));
  const errors = JSON.parse(readFileSync(join(fixtures, 'errors.json'), 'utf8'));
  let id = 100;
  portal = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; if (body.length > 1 << 20) req.destroy(); });
    req.on('end', () => {
      const send = (status, obj) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(obj)); };
      const m = req.url.match(/^\/rest\/1\/([^/]+)\/([a-zA-Z.]+)\.json$/);
      if (!m || m[1] !== code) return send(401, errors.INVALID_CREDENTIALS.body);
      const method = m[2].toLowerCase();
      if (!(method in responses)) return send(404, errors.ERROR_METHOD_NOT_FOUND.body);
      methods.push(method);
      const out = structuredClone(responses[method]);
      if (method === 'crm.contact.list') out.result = [];
      if (method === 'crm.contact.add' || method === 'crm.lead.add') out.result = ++id;
      out.time = responses.time;
      send(200, out);
    });
  });
  return new Promise((r) => portal.listen(0, '127.0.0.1', () => r(portal.address().port)));
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
  const portalPort = await startPortal();
  const port = await startServer();
  const base = `http://127.0.0.1:${port}`;
  const hook = `http://127.0.0.1:${portalPort}/rest/1/${code}/`;
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

  await step('390 px: a field code that is not UF_CRM_ is refused, naming the key', async () => {
    await page.goto(base + '/#/settings/bitrix24');
    await page.waitForSelector('[data-test=bitrix24-form]');
    assert.match(await page.textContent('[data-test=bitrix24-state]'), /Не подключено/);
    assert.match(await page.textContent('[data-test=bitrix24-form]'), /Входящий вебхук/);
    await page.check('[data-test=bitrix24-enabled]');
    await page.fill('[data-test=bitrix24-webhook_url]', hook);
    await page.fill('[data-test="bitrix24-fields.outcome"]', 'TITLE');
    await page.click('[data-test=bitrix24-save]');
    await page.waitForSelector('[data-test=bitrix24-error]:not(:empty)');
    assert.match(await page.textContent('[data-test=bitrix24-error]'), /fields\.outcome/);
    await page.screenshot({ path: join(shots, 'bitrix24-refused-390.png'), fullPage: true });
    await noSideways(page, 'bitrix24 at 390');
  });

  await step('390 px: saved; the webhook is not shown back; a conversation reaches Bitrix24', async () => {
    await page.fill('[data-test="bitrix24-fields.outcome"]', 'UF_CRM_KIRA_OUTCOME');
    await page.click('[data-test=bitrix24-save]');
    await page.waitForSelector(`[data-test=bitrix24-state]:has-text("127.0.0.1:${portalPort}")`);
    assert.equal(await page.inputValue('[data-test=bitrix24-webhook_url]'), '');
    assert.match(await page.getAttribute('[data-test=bitrix24-webhook_url]', 'placeholder'), /сохранён/);
    assert.equal(await page.inputValue('[data-test="bitrix24-fields.outcome"]'), 'UF_CRM_KIRA_OUTCOME');
    assert.ok(!(await page.content()).includes(code), 'the webhook code is not in the page');
    server.stdin.write('lead +79161234567\n');  // a conversation ends (another connection)
    for (let i = 0; i < 150 && !methods.includes('telephony.externalcall.finish'); ++i) await page.waitForTimeout(100);
    assert.deepEqual(methods, ['crm.contact.list', 'crm.contact.add', 'crm.lead.add',
                               'telephony.externalcall.register', 'telephony.externalcall.finish']);
    await page.goto(base + '/#/settings');
    await page.goto(base + '/#/settings/bitrix24');
    await page.waitForSelector('[data-test=bitrix24-recent] td:has-text("доставлено")', { timeout: 10000 });
    await page.screenshot({ path: join(shots, 'bitrix24-saved-390.png'), fullPage: true });
    await noSideways(page, 'bitrix24 saved at 390');
  });

  await step('1366 px: the page in English', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.click('[data-test=lang]').catch(async () => {
      await page.click('[data-test=nav-toggle]');
      await page.click('[data-test=lang]');
    });
    await page.goto(base + '/#/settings/bitrix24');
    await page.waitForSelector('[data-test=bitrix24-form]:has-text("Inbound webhook address")');
    assert.match(await page.textContent('[data-test=bitrix24-state]'), /Connected to/);
    assert.match(await page.textContent('[data-test=bitrix24-recent]'), /delivered/);
    // The local application's part shows when chosen (its handler path named), the webhook's hides.
    assert.ok(await page.isHidden('[data-test=bitrix24-app-part]'));
    await page.selectOption('[data-test=bitrix24-auth]', 'app');
    assert.ok(await page.isVisible('[data-test=bitrix24-connect]'));
    assert.ok(await page.isHidden('[data-test=bitrix24-webhook-part]'));
    assert.match(await page.textContent('[data-test=bitrix24-app-part]'), /\/api\/bitrix24\/oauth/);
    await page.screenshot({ path: join(shots, 'bitrix24-en-1366.png'), fullPage: true });
    await noSideways(page, 'bitrix24 at 1366');
  });

  assert.deepEqual(errors, [], 'no script errors in the page');
  console.log(`# ${steps.length} steps passed; screenshots in ${shots}`);
} catch (e) {
  console.error('not ok -', e && e.stack || e);
  if (context && context.pages()[0]) await context.pages()[0].screenshot({ path: join(shots, 'bitrix24-failure.png'), fullPage: true }).catch(() => {});
  process.exitCode = 1;
} finally {
  if (context) await context.close().catch(() => {});
  if (server) { server.stdin.end('quit\n'); server.kill('SIGTERM'); }
  if (portal) portal.close();
  for (const d of [browserDir, dir]) rmSync(d, { recursive: true, force: true });
}
