// Browser test of running the shop from the workspace, at a phone's width (390 px) and a
// laptop's (1366 px), in Debian's Chromium: an order's status moved along its flow (a refused
// skip is not offered), the leads / orders / conversations exports downloaded as CSV and XLSX
// and opened (the XLSX with unzip), the profile edited on the settings page at both widths (a
// broken calling window and a large project below the minimum order refused, the field and the
// problem said in Russian), a phrase and the lexicon edited (a misspelt {value} and
// an empty word refused, naming the phrase / the entry and line), and the saved hours and
// greeting answered by a new `kira chat` (and the saved address). No
// page scrolls sideways. Screenshots go to $KIRA_SHOTS/operations-*.png and each is checked
// for its key elements first.
//
//   KIRA_DEVSERVER=build/tools/web_devserver KIRA_BIN=build/kira node operations.test.mjs
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const devserver = process.env.KIRA_DEVSERVER;
const kiraBin = process.env.KIRA_BIN;
const shots = resolve(process.env.KIRA_SHOTS || 'shots');
const demo = resolve(dirname(fileURLToPath(import.meta.url)), '../../data/demo');
const password = 'browser test pass';
if (!devserver || !existsSync(devserver)) {
  console.error('KIRA_DEVSERVER must point to the web_devserver binary');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'kira-ops-'));
const shopDir = mkdtempSync(join(tmpdir(), 'kira-ops-shop-'));
const browserDir = mkdtempSync(join(tmpdir(), 'kira-ops-chromium-'));
// The shop's own profile (editable), with the demo's lexicon beside it.
const profile = join(shopDir, 'profile.yaml');
copyFileSync(join(demo, 'profile.yaml'), profile);
copyFileSync(join(demo, 'lexicon.yaml'), join(shopDir, 'lexicon.yaml'));
let server, context;
const steps = [];
const step = async (name, fn) => {
  const t0 = Date.now();
  await fn();
  steps.push(name);
  console.log(`ok - ${name} (${Date.now() - t0} ms)`);
};

function startServer() {
  return new Promise((resolveStart, reject) => {
    server = spawn(devserver, ['--dir', dir, '--seed', '--profile', profile, '--user', 'admin', '--password', password],
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
  // A JavaScript null or undefined appended as text (Node.append writes it out).
  const stray = await page.evaluate(() => [...document.querySelectorAll('main, main *')].some((n) =>
    [...n.childNodes].some((c) => c.nodeType === 3 && /^\s*(null|undefined)\s*$/.test(c.textContent))));
  assert.ok(!stray, `${what}: the page shows a stray "null" or "undefined"`);
}

// The workspace's navigation; on a phone it may be folded behind the menu button.
async function nav(page, id) {
  const link = page.locator(`[data-test=nav-${id}]`);
  if (!(await link.isVisible())) {
    const toggle = page.locator('[data-test=nav-toggle]');
    if (await toggle.count() && await toggle.isVisible()) await toggle.click();
  }
  await link.click();
}

function unzip(file, member) {
  const r = spawnSync('unzip', ['-p', file, member], { encoding: 'utf8' });
  assert.equal(r.status, 0, `unzip ${member}: ${r.stderr}`);
  return r.stdout;
}

try {
  const port = await startServer();
  const base = `http://127.0.0.1:${port}`;
  context = await chromium.launchPersistentContext(browserDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1366, height: 900 },
    locale: 'ru-RU',
    acceptDownloads: true,
  });
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/401|40[09]|Failed to load resource/.test(m.text())) errors.push(m.text()); });
  page.on('dialog', (d) => d.accept());

  await step('sign in', async () => {
    await page.goto(base + '/');
    await page.fill('input[name=name]', 'admin');
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-test=queue-row]');
  });

  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });

    await step(`${width} px: an order moves confirmed → paid → done, translated`, async () => {
      await nav(page, 'orders');
      await page.click('[data-test=orders-tab-confirmed]');
      const card = page.locator('[data-test=order]').first();
      await card.waitFor();
      const id = await card.getAttribute('data-id');
      const one = page.locator(`[data-test=order][data-id="${id}"]`);
      assert.match(await one.locator('[data-test=order-status]').textContent(), /Подтверждён/);
      assert.match(await one.locator('[data-test=order-fulfilment]').textContent(), /^(Доставка|Самовывоз)$/);
      assert.ok((await one.locator('[data-test=order-phone]').textContent()).startsWith('+7'));
      assert.ok(await one.locator('[data-test=order-line]').count() >= 2);
      assert.match(await one.locator('[data-test=line-amount]').first().textContent(), /₽/);
      const text = await one.textContent();
      assert.doesNotMatch(text, /delivery|pickup|confirmed|inbound/, 'no raw codes on the card');
      // Only the next steps are offered: no "done" before it is paid.
      assert.equal(await one.locator('[data-test=order-to-done]').count(), 0);
      await page.screenshot({ path: join(shots, `operations-orders-${width}.png`), fullPage: true });
      await noSideways(page, `orders at ${width}`);
      await page.click('[data-test=orders-tab-all]');
      await page.locator(`[data-test=order][data-id="${id}"] [data-test=order-to-paid]`).click();
      await page.waitForSelector(`[data-test=order][data-id="${id}"] [data-test=order-status]:has-text("Оплачен")`);
      const handOver = page.locator(`[data-test=order][data-id="${id}"] [data-test=order-to-shipped], [data-test=order][data-id="${id}"] [data-test=order-to-picked_up]`);
      await handOver.first().click();
      await page.waitForSelector(`[data-test=order][data-id="${id}"] [data-test=order-to-done]`);
      await page.click(`[data-test=order][data-id="${id}"] [data-test=order-to-done]`);
      await page.waitForSelector(`[data-test=order][data-id="${id}"] [data-test=order-status]:has-text("Выполнен")`);
      assert.equal(await page.locator(`[data-test=order][data-id="${id}"] [data-test^=order-to-]`).count(), 0, 'done is final');
      // The server has it, audited, and the lead's timeline shows it.
      const orders = await page.evaluate(async () => (await (await fetch('/api/orders?status=done')).json()).orders.map((o) => o.id));
      assert.ok(orders.includes(Number(id)));
      await page.locator(`[data-test=order][data-id="${id}"] a`).click();
      await page.waitForSelector('[data-test=lead-title]');
      await page.waitForSelector('.timeline >> text=Статус заказа изменён');
      await page.screenshot({ path: join(shots, `operations-lead-${width}.png`), fullPage: true });
      await noSideways(page, `lead page at ${width}`);
    });

    await step(`${width} px: CSV and XLSX exports download and open`, async () => {
      await nav(page, 'queue');
      await page.waitForSelector('[data-test=queue-exports]');
      await page.click('[data-test=tab-all]');
      await noSideways(page, `queue at ${width}`);
      const save = async (selector, name) => {
        const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
        const file = join(dir, `${width}-${name}`);
        await download.saveAs(file);
        return file;
      };
      const leadsCsv = readFileSync(await save('[data-test=export-leads-csv]', 'leads.csv'), 'utf8');
      assert.ok(leadsCsv.startsWith('\ufeff'), 'CSV starts with a BOM');
      assert.match(leadsCsv.split('\r\n')[0], /^\ufeff№;Создана;Канал;/);
      assert.ok(leadsCsv.split('\r\n').length > 20, 'every lead of the seeded month');
      const convCsv = readFileSync(await save('[data-test=export-conversations-csv]', 'conv.csv'), 'utf8');
      assert.match(convCsv, /Расшифровка/);
      const leadsX = await save('[data-test=export-leads-xlsx]', 'leads.xlsx');
      assert.match(unzip(leadsX, 'xl/worksheets/sheet1.xml'), /Телефон/);
      await nav(page, 'orders');
      await page.waitForSelector('[data-test=export-orders-xlsx]');
      const ordersX = await save('[data-test=export-orders-xlsx]', 'orders.xlsx');
      const sheet = unzip(ordersX, 'xl/worksheets/sheet1.xml');
      for (const s of ['Покупатель', 'Монте Тиберио серый 60x60', 'выполнен']) assert.ok(sheet.includes(s), `orders.xlsx has ${s}`);
      assert.match(unzip(ordersX, 'xl/workbook.xml'), /name="orders"/);
      const ordersCsv = readFileSync(await save('[data-test=export-orders-csv]', 'orders.csv'), 'utf8');
      assert.match(ordersCsv, /Церезит CE 40 белая, 2 кг/);
      await page.screenshot({ path: join(shots, `operations-exports-${width}.png`) });
    });
  }

  await step('390 px: a broken edit is refused naming the field; a good one is saved', async () => {
    await nav(page, 'settings');
    await page.waitForSelector('[data-test=settings-form]');
    await noSideways(page, 'settings at 390');
    await page.fill('[data-test="set-calling_window.weekdays"]', '21:00-08:00');
    await page.click('[data-test=settings-save]');
    await page.waitForSelector('[data-test=settings-error]:not(:empty)');
    const said = await page.textContent('[data-test=settings-error]');
    assert.match(said, /«Звонки в будни/);
    assert.match(said, /нужно время «ЧЧ:ММ-ЧЧ:ММ», начало раньше конца; введено «21:00-08:00»/, 'said in Russian: ' + said);
    assert.doesNotMatch(said, /expected|profile\.yaml/, 'no English inside the Russian page: ' + said);
    assert.ok(await page.locator('[data-test="set-calling_window.weekdays"].invalid').count(), 'the field is marked');
    await page.screenshot({ path: join(shots, 'operations-settings-refused-390.png'), fullPage: true });
    assert.doesNotMatch(readFileSync(profile, 'utf8'), /21:00-08:00/, 'the file is unchanged');
    await page.fill('[data-test="set-calling_window.weekdays"]', '09:00-20:00');
    await page.fill('[data-test=set-hours]', 'ежедневно с 7:30 до 22:30');
    await page.click('[data-test=settings-save]');
    await page.waitForSelector('[data-test=settings-version]:has-text("Версия 1")');
    assert.match(readFileSync(profile, 'utf8'), /7:30 до 22:30/);
  });

  const ownPhrases = join(shopDir, 'agents', 'kira', 'ru', 'scenario.yaml');
  await step('390 px: a phrase with a misspelt value is refused naming the phrase; a good one is saved', async () => {
    await nav(page, 'settings');
    await page.click('[data-test=settings-tab-phrases]');
    await page.waitForSelector('[data-test=phrases-form] [data-test=phrase-greeting]');
    await noSideways(page, 'phrases at 390');
    await page.fill('[data-test=phrase-greeting]', 'Алло! «{shpo}», Кира слушает.');
    await page.click('[data-test=phrases-save]');
    await page.waitForSelector('[data-test=phrases-error]:not(:empty)');
    const said = await page.textContent('[data-test=phrases-error]');
    assert.match(said, /«phrases\.greeting»/);
    assert.match(said, /подстановки \{shpo\} у этой фразы нет \(можно: \{shop\}\)/, 'said in Russian: ' + said);
    assert.doesNotMatch(said, /is not a value/, 'no English inside the Russian page');
    assert.ok(await page.locator('[data-test=phrase-greeting].invalid').count(), 'the phrase is marked');
    assert.ok(!existsSync(ownPhrases), 'nothing is written');
    await page.screenshot({ path: join(shots, 'operations-phrases-refused-390.png'), fullPage: false });
    await page.fill('[data-test=phrase-greeting]', 'Алло! «{shop}», Кира слушает.');
    await page.click('[data-test=phrases-save]');
    await page.waitForSelector('[data-test=phrases-version]:has-text("Версия 1")');
    assert.match(readFileSync(ownPhrases, 'utf8'), /Кира слушает/);
    await noSideways(page, 'phrases at 390 after saving');
  });

  await step('1366 px: the lexicon refuses a broken entry naming it and its line, saves a good one', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await nav(page, 'queue');
    await nav(page, 'settings');
    await page.click('[data-test=settings-tab-lexicon]');
    await page.waitForSelector('[data-test=lexicon-form]');
    const text = await page.inputValue('[data-test=lexicon-yaml]');
    assert.match(text, /^colors:$/m, 'the shop\'s lexicon is shown');
    const counts = await page.textContent('[data-test=lexicon-counts]');
    const colours = Number(counts.match(/цветов: (\d+)/)[1]);
    await page.fill('[data-test=lexicon-yaml]', text.replace(/^colors:\n/m, 'colors:\n  - {value: мятный, name_en: mint, ru: [мятный, ""], en: [mint]}\n'));
    await page.click('[data-test=lexicon-save]');
    await page.waitForSelector('[data-test=lexicon-error]:not(:empty)');
    const lexSaid = await page.textContent('[data-test=lexicon-error]');
    assert.match(lexSaid, /«colors\[0\]\.ru\[1\]», строка \d+: пустое значение/, 'said in Russian: ' + lexSaid);
    assert.doesNotMatch(lexSaid, /is empty/, 'no English inside the Russian page');
    assert.doesNotMatch(readFileSync(join(shopDir, 'lexicon.yaml'), 'utf8'), /мятный/, 'the file is unchanged');
    await page.fill('[data-test=lexicon-yaml]', text.replace(/^colors:\n/m, 'colors:\n  - {value: мятный, name_en: mint, ru: [мятный, мятная], en: [mint]}\n'));
    await page.click('[data-test=lexicon-save]');
    await page.waitForSelector('[data-test=lexicon-version]:has-text("Версия 1")');
    assert.match(await page.textContent('[data-test=lexicon-counts]'), new RegExp('цветов: ' + (colours + 1)));
    assert.match(readFileSync(join(shopDir, 'lexicon.yaml'), 'utf8'), /мятный/);
    await page.screenshot({ path: join(shots, 'operations-lexicon-1366.png'), fullPage: false });
    await noSideways(page, 'lexicon at 1366');
    await page.click('[data-test=settings-tab-phrases]');
    await page.waitForSelector('[data-test=phrases-form] [data-test=phrase-greeting]');
    assert.equal(await page.inputValue('[data-test=phrase-greeting]'), 'Алло! «{shop}», Кира слушает.');
    assert.ok(await page.locator('.phrase-row[data-key=greeting] .badge').count(), 'marked as the shop\'s');
    await page.screenshot({ path: join(shots, 'operations-phrases-1366.png'), fullPage: false });
    await noSideways(page, 'phrases at 1366');
  });

  await step('1366 px: a refused and a saved profile edit; a new kira chat answers with the new hours and address', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await nav(page, 'queue');
    await nav(page, 'settings');
    await page.waitForSelector('[data-test=settings-form]');
    assert.equal(await page.inputValue('[data-test=set-hours]'), 'ежедневно с 7:30 до 22:30');
    // A large project below the minimum order is refused naming both fields in Russian.
    await page.fill('[data-test="set-rules.big_project_m2"]', '2');
    await page.click('[data-test=settings-save]');
    await page.waitForSelector('[data-test=settings-error]:not(:empty)');
    const said = await page.textContent('[data-test=settings-error]');
    assert.match(said, /«Крупный объект от, м²».*должно быть больше, чем «Минимальный заказ, м²»/, 'said in Russian: ' + said);
    assert.doesNotMatch(said, /must be|rules\./, 'no English inside the Russian page: ' + said);
    await page.screenshot({ path: join(shots, 'operations-settings-refused-1366.png'), fullPage: true });
    await noSideways(page, 'settings refused at 1366');
    await page.fill('[data-test="set-rules.big_project_m2"]', '100');
    await page.fill('[data-test=set-address]', 'Москва, Варшавское шоссе, 12');
    await page.click('[data-test=settings-save]');
    await page.waitForSelector('[data-test=settings-version]:has-text("Версия 2")');
    assert.match(readFileSync(profile, 'utf8'), /Варшавское шоссе, 12/);
    await page.screenshot({ path: join(shots, 'operations-settings-1366.png'), fullPage: true });
    await noSideways(page, 'settings at 1366');
    assert.ok(kiraBin && existsSync(kiraBin), 'KIRA_BIN must point to the kira binary');
    const r = spawnSync(kiraBin, ['--data', dir, '--business', profile, 'chat', '--agent', 'kira', '--caller', '+79035550199', '--json'],
                        { input: 'Здравствуйте! Какие у вас часы работы?\nА где вы находитесь?\nСпасибо, до свидания\n', encoding: 'utf8', timeout: 120000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /7:30 до 22:30/, 'the new conversation uses the saved hours: ' + r.stdout.slice(0, 800));
    assert.match(r.stdout, /Варшавское шоссе, 12/, 'the new conversation uses the saved address: ' + r.stdout.slice(0, 1200));
    assert.match(r.stdout, /Алло! «[^»]+», Кира слушает\./, 'the new conversation greets with the saved phrase: ' + r.stdout.slice(0, 800));
  });

  assert.deepEqual(errors, [], 'no script errors in the page');
  console.log(`# ${steps.length} steps passed; screenshots in ${shots}`);
} catch (e) {
  console.error('not ok -', e && e.stack || e);
  if (context && context.pages()[0]) await context.pages()[0].screenshot({ path: join(shots, 'operations-failure.png'), fullPage: true }).catch(() => {});
  process.exitCode = 1;
} finally {
  if (context) await context.close().catch(() => {});
  if (server) { server.stdin.end('quit\n'); server.kill('SIGTERM'); }
  for (const d of [browserDir, dir, shopDir]) rmSync(d, { recursive: true, force: true });
}
