// Browser test of running the shop from the workspace (issue 13), in Debian's Chromium at
// 390 px (a phone) and 1366 px (a laptop): the status page with its Russian-recogniser
// warning; a catalog upload as Russian Excel saves it (Windows-1251, ';', Russian headers),
// a broken file's error in Russian, and "replace the catalog"; the catalog page's paging and
// filters; a campaign upload with refused rows, then skipping them. Each step checks its key
// elements and that the page does not scroll sideways, and leaves a screenshot in $KIRA_SHOTS.
//
//   KIRA_DEVSERVER=build/tools/web_devserver node shop.test.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const devserver = process.env.KIRA_DEVSERVER;
const shots = resolve(process.env.KIRA_SHOTS || 'shots');
const password = 'browser test pass';
if (!devserver || !existsSync(devserver)) {
  console.error('KIRA_DEVSERVER must point to the web_devserver binary');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'kira-browser-shop-'));
const profileDir = mkdtempSync(join(tmpdir(), 'kira-chromium-'));
let server, context, page;
let steps = 0;
const step = async (name, fn) => {
  const t0 = Date.now();
  await fn();
  steps++;
  console.log(`ok - ${name} (${Date.now() - t0} ms)`);
};

// UTF-8 text → Windows-1251 bytes (ASCII, А–я, Ё, ё, №), as Russian Excel saves a CSV.
function cp1251(s) {
  const out = [];
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (c < 0x80) out.push(c);
    else if (c >= 0x410 && c <= 0x44f) out.push(0xc0 + c - 0x410);
    else if (c === 0x401) out.push(0xa8);
    else if (c === 0x451) out.push(0xb8);
    else if (c === 0x2116) out.push(0xb9);
    else throw new Error('not in cp1251: ' + ch);
  }
  return Buffer.from(out);
}

function startServer() {
  return new Promise((resolveStart, reject) => {
    server = spawn(devserver, ['--dir', dir, '--seed', '--status-no-ru-asr', '--user', 'admin', '--password', password],
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

async function noSideScroll(what) {
  const w = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, view: window.innerWidth }));
  assert.ok(w.doc <= w.view + 1 && w.body <= w.view + 1, `${what}: scrolls sideways (${w.doc}/${w.body} > ${w.view})`);
}

// Polls a condition from here: the workspace's CSP (script-src 'self') forbids the eval that
// page.waitForFunction needs.
async function until(what, cond) {
  for (let i = 0; i < 150; i++) {
    if (await cond()) return;
    await page.waitForTimeout(100);
  }
  throw new Error('timed out waiting: ' + what);
}
const texts = (sel) => page.locator(sel).allTextContents();

async function go(hash, selector) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.waitForSelector(selector);
}

try {
  const port = await startServer();
  const base = `http://127.0.0.1:${port}`;
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1366, height: 768 },
    locale: 'ru-RU',
  });
  page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/401|400|Failed to load resource/.test(m.text())) errors.push(m.text()); });
  page.on('dialog', (d) => d.accept());

  await step('sign in', async () => {
    await page.goto(base + '/');
    await page.fill('input[name=name]', 'admin');
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-test=queue-row]');
  });

  server.stdin.write('dnc +79160000003\n');
  let round = 0;
  for (const width of [1366, 390]) {
    round++;
    await page.setViewportSize({ width, height: width > 500 ? 768 : 844 });

    await step(`${width}px: the status page says Russian calls are not understood and what to set`, async () => {
      await go('#/admin', '[data-test=status-row]');
      const warning = await page.textContent('[data-test=status-warning]');
      assert.match(warning, /не распознаются/);
      assert.match(warning, /phone\.vosk_url/);
      assert.equal(await page.getAttribute('[data-test=status-row][data-area=asr][data-lang=ru]', 'data-state'), 'missing');
      assert.equal(await page.getAttribute('[data-test=status-row][data-area=sip]', 'data-state'), 'live');
      assert.match(await page.textContent('[data-test=status-row][data-area=asr][data-lang=ru]'), /Распознавание речи · русский.*Не настроено/s);
      assert.ok(await page.isVisible('[data-test=status-row][data-area=asr][data-lang=ru] [data-test=status-fix]'));
      await noSideScroll('status');
      await page.screenshot({ path: join(shots, `shop-${width}-01-status.png`), fullPage: true });
    });

    // A catalog as Russian Excel saves it; the second round's file lists fewer products.
    const skus = round === 1 ? ['BR-1', 'BR-2', 'BR-3'] : ['BR-1'];
    await step(`${width}px: a Windows-1251 catalog with ';' and Russian headers, then its error in Russian`, async () => {
      await go('#/catalog', '[data-test=product-row]');
      assert.ok(await page.locator('[data-test=columns-required] li').count() >= 6, 'the form lists the columns it needs');
      assert.match(await page.textContent('[data-test=upload-columns]'), /Артикул/);
      assert.equal(await page.getAttribute('[data-test=template-ru]', 'href'), '/api/catalog/template?lang=ru');
      const template = await page.evaluate(async () => (await fetch('/api/catalog/template?lang=ru')).text());
      assert.match(template, /^\uFEFF?Артикул;Наименование/);
      const rows = ['Артикул;Наименование;Категория;Цена;Ед. изм.;Остаток;Фасовка',
        'BR-1;Керамогранит Браузер серый 60x60;Керамогранит;1 290,50;м2;86,4;60x60',
        'BR-2;Клей Браузер 25 кг;Клей для плитки;540;шт;120;25 кг',
        'BR-3;Затирка Браузер белая;Затирка;450;шт;0;2 кг'].filter((r, i) => i === 0 || skus.includes(r.split(';')[0]));
      const file = join(dir, `price-${width}.csv`);
      writeFileSync(file, cp1251(rows.join('\r\n') + '\r\n'));
      const before = await page.textContent('[data-test=catalog-size]');
      if (round === 2) await page.check('[data-test=upload-replace]');
      await page.setInputFiles('[data-test=upload-file]', file);
      await page.click('[data-test=upload-submit]');
      await page.waitForSelector('[data-test=upload-ok]');
      assert.match(await page.textContent('[data-test=upload-ok]'), new RegExp(`Загружено строк: ${skus.length}`));
      assert.match(await page.textContent('[data-test=upload-warnings]'), /Windows-1251/);
      if (round === 2) {
        // Replace: everything the file does not list (the demo catalog and BR-2, BR-3) is gone.
        assert.match(await page.textContent('[data-test=upload-removed]'), /Удалено из каталога: \d+/);
        await until('catalog of 1', async () => /Товаров в каталоге: 1$/.test(await page.textContent('[data-test=catalog-size]')));
      } else {
        // (Polled from here: the page's CSP forbids the eval a waitForFunction argument needs.)
        for (let i = 0; i < 100 && (await page.textContent('[data-test=catalog-size]')) === before; i++) await page.waitForTimeout(100);
        assert.notEqual(await page.textContent('[data-test=catalog-size]'), before, 'the catalog grew');
      }
      await page.fill('[data-test=catalog-search]', 'браузер серый');
      await until('BR-1 found', async () => (await texts('[data-test=product-row]')).some((r) => /BR-1/.test(r)));
      assert.match(await page.textContent("[data-test=catalog-results]"), /1\s?291/);  // 1 290,50 shown in whole roubles
      await noSideScroll('catalog upload');
      await page.screenshot({ path: join(shots, `shop-${width}-02-catalog-upload.png`), fullPage: true });

      const size = await page.textContent('[data-test=catalog-size]');
      const broken = join(dir, `broken-${width}.csv`);
      writeFileSync(broken, cp1251('Артикул;Наименование;Категория;Цена;Ед. изм.;Остаток\r\nX-1;Плитка;Керамогранит;дорого;м2;1\r\n'));
      await page.check('[data-test=upload-replace]');
      await page.setInputFiles('[data-test=upload-file]', broken);
      await page.click('[data-test=upload-submit]');
      await page.waitForSelector('[data-test=upload-error]');
      assert.equal((await page.textContent('[data-test=upload-error]')).trim(), 'Строка 2, столбец «Цена»: «дорого» — не число');
      await page.fill('[data-test=catalog-search]', '');
      await page.waitForTimeout(400);
      assert.equal(await page.textContent('[data-test=catalog-size]'), size, 'a failed replace changed nothing');
      await page.screenshot({ path: join(shots, `shop-${width}-03-catalog-error.png`), fullPage: true });
    });

    if (round === 1) {
      await step(`${width}px: the catalog page pages and filters`, async () => {
        await page.fill('[data-test=catalog-search]', '');
        await page.waitForTimeout(400);
        await page.waitForSelector('[data-test=catalog-total]:not(:empty)');
        const total = await page.textContent('[data-test=catalog-total]');
        assert.match(total, /^1–50 из /);
        await page.click('[data-test=pager-next]');
        await until('page 2', async () => /^51–/.test(await page.textContent('[data-test=catalog-total]')));
        await page.selectOption('[data-test=filter-discontinued]', 'only');
        await until('page 1', async () => /^1–/.test(await page.textContent('[data-test=catalog-total]')));
        const rows = await page.locator('[data-test=product-row]').allTextContents();
        assert.ok(rows.length > 0 && rows.every((r) => /Снят с производства/.test(r)), 'only discontinued rows');
        await page.selectOption('[data-test=filter-discontinued]', '');
        await page.selectOption('[data-test=filter-category]', 'Клей для плитки');
        await until('category filter', async () => (await texts('[data-test=product-row]')).every((r) => /Клей для плитки/.test(r)));
        await page.selectOption('[data-test=filter-category]', '');
        await noSideScroll('catalog page');
        await page.screenshot({ path: join(shots, `shop-${width}-04-catalog-page.png`), fullPage: true });
      });
    }

    await step(`${width}px: a campaign with refused rows, then without them`, async () => {
      await go('#/campaigns', '[data-test=campaign-form]');
      const list = ['Телефон;Имя;Комментарий;Согласие;Когда звонить',
        `+7916${round}000001;Ирина;Новая коллекция;форма на сайте;01.12.2030 10:00`,
        '+79160000003;Пётр;;карта покупателя;',
        `+7916${round}000004;Анна;;;`,
        '12345;Вася;;форма;'].join('\r\n') + '\r\n';
      const file = join(dir, `numbers-${width}.csv`);
      writeFileSync(file, cp1251(list));
      await page.fill('[data-test=campaign-name]', `Распродажа ${width}`);
      await page.setInputFiles('[data-test=campaign-file]', file);
      await page.click('[data-test=campaign-submit]');
      await page.waitForSelector('[data-test=refused-row]');
      assert.match(await page.textContent('[data-test=campaign-error]'), /Отклонено строк: 3 из 4 — ничего не создано/);
      const reasons = await page.locator('[data-test=refused-row]').evaluateAll((rs) => rs.map((r) => r.dataset.reason));
      assert.deepEqual(reasons, ['dnc', 'no_consent', 'bad_phone']);
      assert.match(await page.textContent('[data-test=campaign-refused]'), /В списке «не звонить».*Нет согласия на рекламный звонок.*Неверный номер телефона/s);
      await noSideScroll('campaign refused');
      await page.screenshot({ path: join(shots, `shop-${width}-05-campaign-refused.png`), fullPage: true });
      await page.click('[data-test=campaign-skip-now]');
      await page.waitForSelector('[data-test=campaign-created]');
      assert.match(await page.textContent('[data-test=campaign-created]'), /Создано звонков для Веры: 1/);
      const card = page.locator('[data-test=campaign-row]', { hasText: `Распродажа ${width}` });
      await card.waitFor();
      assert.match(await card.textContent(), /Звонков: 1 · ждут или идут: 1/);
      assert.match(await card.textContent(), /Отклонено при загрузке: 3/);
      await noSideScroll('campaign created');
      await page.screenshot({ path: join(shots, `shop-${width}-06-campaign.png`), fullPage: true });
    });
  }

  assert.deepEqual(errors, [], 'no script errors in the page');
  console.log(`# ${steps} steps passed; screenshots in ${shots}`);
} catch (e) {
  console.error('not ok -', e && e.stack || e);
  if (page) await page.screenshot({ path: join(shots, 'shop-failure.png'), fullPage: true }).catch(() => {});
  process.exitCode = 1;
} finally {
  if (context) await context.close().catch(() => {});
  if (server) { server.stdin.end('quit\n'); server.kill('SIGTERM'); }
  rmSync(profileDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}
