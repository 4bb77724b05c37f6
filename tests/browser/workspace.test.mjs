// Browser test of the Kira workspace in Debian's Chromium (playwright-core, no browser
// download): sign in, see a new lead appear in the queue without a reload (created by
// `kira chat` when available, else by a second store connection), open it, read the
// transcript, send Vera, see the task; catalog search and a broken upload; the dashboard's
// charts; the language switch; sign out. A screenshot of each page goes to $KIRA_SHOTS
// (default: ./shots) and each page's key elements are checked.
//
//   KIRA_DEVSERVER=build/tools/web_devserver [KIRA_BIN=build/kira] node workspace.test.mjs
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const devserver = process.env.KIRA_DEVSERVER;
const kiraBin = process.env.KIRA_BIN;
const shots = resolve(process.env.KIRA_SHOTS || 'shots');
const password = 'browser test pass';
if (!devserver || !existsSync(devserver)) {
  console.error('KIRA_DEVSERVER must point to the web_devserver binary');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'kira-browser-'));
const profileDir = mkdtempSync(join(tmpdir(), 'kira-chromium-'));
let server, context, page;
const steps = [];
const step = async (name, fn) => {
  const t0 = Date.now();
  await fn();
  steps.push(name);
  console.log(`ok - ${name} (${Date.now() - t0} ms)`);
};

function startServer() {
  return new Promise((resolveStart, reject) => {
    server = spawn(devserver, ['--dir', dir, '--seed', '--user', 'admin', '--password', password], { stdio: ['pipe', 'pipe', 'inherit'] });
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

// A new inbound lead from a text conversation, as a caller would leave it.
function createLead(phone) {
  if (kiraBin && existsSync(kiraBin) && spawnSync(kiraBin, ['chat', '--help']).status === 0) {
    const lines = ['Здравствуйте, у вас есть керамогранит Монте Тиберио серый 60 на 60?',
                   'Мне нужно 12 квадратных метров', 'Спасибо, я подумаю', ''].join('\n');
    const r = spawnSync(kiraBin, ['--data', dir, 'chat', '--agent', 'kira', '--caller', phone, '--json'],
                        { input: lines, encoding: 'utf8', timeout: 60000 });
    if (r.status === 0 && /"type":"end"/.test(r.stdout)) return 'kira chat';
    console.log('# kira chat did not finish (' + r.status + '): ' + (r.stderr || '').slice(0, 300) + '; using the store');
  }
  server.stdin.write('lead ' + phone + '\n');
  return 'store';
}

try {
  const port = await startServer();
  const base = `http://127.0.0.1:${port}`;
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1440, height: 900 },
    locale: 'ru-RU',
  });
  page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/401|Failed to load resource/.test(m.text())) errors.push(m.text()); });

  await step('wrong password is refused', async () => {
    await page.goto(base + '/');
    await page.fill('input[name=name]', 'admin');
    await page.fill('input[name=password]', 'not the password');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-test=login-error]:not(:empty)');
    assert.match(await page.textContent('[data-test=login-error]'), /Неверное/);
    await page.screenshot({ path: join(shots, '01-login.png') });
  });

  await step('sign in shows the review queue', async () => {
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-test=queue-row]');
    assert.equal(await page.textContent('h1'), 'Очередь заявок');
    assert.ok(await page.locator('[data-test=queue-row]').count() > 0);
    assert.match(await page.textContent('[data-test=queue-total]'), /Всего: \d+/);
    await page.waitForSelector('#live:not(.off)');
    await page.screenshot({ path: join(shots, '02-queue.png') });
  });

  const phone = '+79035550123';
  let leadId;
  await step('a new lead appears without a reload', async () => {
    const marker = await page.evaluate(() => { window.__noReload = 1; return 1; });
    const via = createLead(phone);
    const row = page.locator('[data-test=queue-row]', { hasText: '5550123' }).first();
    await row.waitFor({ timeout: 20000 });
    assert.equal(await page.evaluate(() => window.__noReload), marker, 'the page was reloaded');
    leadId = await row.getAttribute('data-id');
    console.log(`# lead ${leadId} created via ${via}`);
    await page.screenshot({ path: join(shots, '03-queue-new-lead.png') });
  });

  await step('the lead page shows the transcript', async () => {
    await page.locator(`[data-test=queue-row][data-id="${leadId}"] td`).first().click();
    await page.waitForSelector('[data-test=lead-title]');
    assert.equal(await page.textContent('[data-test=lead-title]'), `Заявка №${leadId}`);
    assert.equal((await page.textContent('[data-test=contact-phone]')).trim(), phone);
    const turns = page.locator('[data-test=transcript] .turn');
    assert.ok(await turns.count() >= 2, 'transcript has turns');
    assert.match(await page.locator('[data-test=transcript]').first().textContent(), /Монте Тиберио/i);
    await page.screenshot({ path: join(shots, '04-lead.png'), fullPage: true });
  });

  await step('send Vera creates a task shown on the lead', async () => {
    await page.click('.page-head [data-test=send-vera]');
    await page.fill('[data-test=vera-note]', 'Предложить аналог и затирку');
    await page.fill('[data-test=vera-time]', '2030-01-10T10:00');
    await page.click('[data-test=modal-submit]');
    await page.waitForSelector('[data-test=vera-card]');
    await page.waitForSelector('[data-test=task-row]');
    assert.match(await page.textContent('[data-test=tasks]'), /Предложить аналог/);
    assert.match(await page.textContent('.page-head'), /У Веры/);
    await page.screenshot({ path: join(shots, '05-lead-vera.png'), fullPage: true });
  });

  await step('catalog search, stock and a broken upload', async () => {
    await page.click('[data-test=nav-catalog]');
    await page.waitForSelector('[data-test=product-row]');
    await page.fill('[data-test=catalog-search]', 'монте тиберио серый');
    await page.waitForFunction(() => document.querySelector('[data-test=product-row]') &&
      /Монте|Monte/i.test(document.querySelector('[data-test=product-row]').textContent));
    assert.match(await page.textContent('[data-test=catalog-size]'), /\d+/);
    const before = await page.textContent('[data-test=catalog-size]');
    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, 'sku,name,category,price,unit,stock\nX-1,Плитка,Керамогранит,дорого,м2,1\n');
    await page.setInputFiles('[data-test=upload-file]', broken);
    await page.click('[data-test=upload-form] button[type=submit]');
    await page.waitForSelector('[data-test=upload-error]');
    assert.match(await page.textContent('[data-test=upload-error]'), /line 2|строк/i);
    await page.fill('[data-test=catalog-search]', '');
    await page.waitForTimeout(400);
    assert.equal(await page.textContent('[data-test=catalog-size]'), before, 'nothing changed');
    await page.waitForSelector('[data-test=discontinued] .disc-item', { timeout: 10000 });
    await page.screenshot({ path: join(shots, '06-catalog.png'), fullPage: true });
  });

  await step('dashboard charts', async () => {
    await page.click('[data-test=nav-dashboard]');
    await page.waitForSelector('[data-test=kpi-leads]');
    assert.ok(Number((await page.textContent('[data-test=kpi-leads] .kpi-value')).replace(/\D/g, '')) > 0);
    assert.ok(await page.locator('[data-test=chart]').count() >= 7);
    assert.ok(await page.locator('[data-test=chart] svg rect.bar').count() > 20);
    await page.screenshot({ path: join(shots, '07-dashboard.png'), fullPage: true });
  });

  await step('English is available', async () => {
    await page.click('[data-test=lang]');
    await page.waitForSelector('text=Dashboard');
    await page.click('[data-test=nav-queue]');
    await page.waitForSelector('[data-test=queue-row]');
    assert.equal(await page.textContent('h1'), 'Review queue');
    await page.screenshot({ path: join(shots, '08-queue-en.png') });
    await page.click('[data-test=lang]');
  });

  await step('admin page and sign out', async () => {
    await page.click('[data-test=nav-admin]');
    await page.waitForSelector('text=admin');
    await page.screenshot({ path: join(shots, '09-admin.png') });
    await page.click('[data-test=logout]');
    await page.waitForSelector('[data-test=login-form]');
    const r = await page.evaluate(async () => (await fetch('/api/leads')).status);
    assert.equal(r, 401);
  });

  assert.deepEqual(errors, [], 'no script errors in the page');
  console.log(`# ${steps.length} steps passed; screenshots in ${shots}`);
} catch (e) {
  console.error('not ok -', e && e.stack || e);
  if (page) await page.screenshot({ path: join(shots, 'failure.png'), fullPage: true }).catch(() => {});
  process.exitCode = 1;
} finally {
  if (context) await context.close().catch(() => {});
  if (server) { server.stdin.end('quit\n'); server.kill('SIGTERM'); }
  rmSync(profileDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}
