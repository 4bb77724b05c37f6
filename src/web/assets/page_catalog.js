// Catalog and stock: the catalog page (search, category / in stock / discontinued filters,
// paging over any size of catalog), the distributor's stock, discontinued items with analogs,
// and uploads of catalog or stock files: the columns a file needs, a template to start from,
// "replace the catalog", and import errors worded in the UI's language from the server's
// codes (catalog/import_error.h), never the importer's English text.
'use strict';
(function () {
  const el = K.el, t = K.t;
  const PAGE = 50;

  function stockCell(p) {
    return el('span', { class: p.stock > 0 ? 'ok' : 'muted' }, K.fmtNum(p.stock) + ' ' + p.unit);
  }
  function distCell(p) {
    if (!p.distributor) return el('span', { class: 'muted' }, t('common.none'));
    return el('span', {}, K.fmtNum(p.distributor.qty) + ' ' + p.unit,
      el('span', { class: 'muted' }, ' · ' + t('catalog.days', { n: p.distributor.lead_days })));
  }
  const COLS = ['sku', 'name', 'category', 'format', 'color', 'price', 'stock', 'distributor'];
  function productRow(p) {
    const cell = (c, attrs, ...children) => el('td', Object.assign({ 'data-label': t('catalog.col.' + c) }, attrs || {}), ...children);
    return el('tr', { 'data-test': 'product-row' },
      cell('sku', { class: 'mono' }, p.sku),
      cell('name', {}, p.name, p.discontinued ? el('span', { class: 'badge outcome-non_targeted small' }, t('catalog.discontinued')) : null),
      cell('category', {}, p.category), cell('format', {}, p.format || p.pack || t('common.none')), cell('color', {}, p.color || t('common.none')),
      cell('price', { class: 'num' }, K.fmtMoney(p.price), el('span', { class: 'muted' }, '/' + p.unit)),
      cell('stock', { class: 'num' }, stockCell(p)), cell('distributor', { class: 'num' }, distCell(p)));
  }
  function productTable(products) {
    return el('div', { class: 'table-wrap' }, el('table', { class: 'table cards-narrow' },
      el('thead', {}, el('tr', {}, COLS.map((c) =>
        el('th', { class: ['price', 'stock', 'distributor'].includes(c) ? 'num' : '' }, t('catalog.col.' + c))))),
      el('tbody', {}, products.map(productRow))));
  }

  // A column's name in the UI's language (import errors name columns by their code).
  function columnLabel(field) {
    const key = 'catalog.col.' + field;
    return key in K.state.strings ? K.state.strings[key] : field;
  }
  // {code, line, field, value, ref} → one sentence in the UI's language.
  K.importErrorText = function (e) {
    const what = t('import.error.' + (('import.error.' + e.code) in K.state.strings ? e.code : 'other'),
      { value: e.value || '', ref: e.ref || '', field: columnLabel(e.field || '') });
    if (!e.line) return what;
    return (e.field ? t('import.at_field', { line: e.line, field: columnLabel(e.field) }) : t('import.at_line', { line: e.line })) + ': ' + what;
  };
  function warningText(w) {
    const code = ('import.warning.' + w.code) in K.state.strings ? w.code : 'other';
    return t('import.warning.' + code, { value: w.value || '', ref: w.ref || '', line: w.line || '' });
  }

  function uploadCard(onDone) {
    const mb = Math.round((K.state.meta.max_upload_bytes || 0) / 1048576);
    const kind = K.select('kind', [['catalog', t('catalog.kind.catalog')], ['distributor', t('catalog.kind.distributor')], ['shop', t('catalog.kind.shop')]], 'catalog', { 'data-test': 'upload-kind' });
    const encoding = K.select('encoding', [['auto', t('catalog.encoding.auto')], ['utf-8', 'UTF-8'], ['windows-1251', 'Windows-1251']], 'auto', { 'data-test': 'upload-encoding' });
    const replace = el('input', { type: 'checkbox', 'data-test': 'upload-replace' });
    const replaceRow = el('label', { class: 'check' }, replace, t('catalog.replace'));
    const file = el('input', { type: 'file', accept: '.csv,.txt,.yml,.xml,text/csv,text/xml', 'data-test': 'upload-file' });
    const outcome = el('div', { class: 'upload-result', 'data-test': 'upload-result', role: 'status' });
    const columns = el('div', { class: 'upload-columns', 'data-test': 'upload-columns' });
    K.api('GET', '/api/catalog/columns').then((c) => {
      const names = (list) => list.map((x) => el('li', {}, el('strong', {}, columnLabel(x.column)),
        el('span', { class: 'muted' }, ' — ' + x.names.slice(0, 3).join(', '))));
      columns.append(el('div', {}, el('strong', {}, t('catalog.columns_required')), el('ul', { 'data-test': 'columns-required' }, names(c.required))),
        el('details', {}, el('summary', {}, t('catalog.columns_optional')), el('ul', {}, names(c.optional))));
    }).catch(() => {});
    const template = el('p', { class: 'small' }, t('catalog.template') + ' ',
      el('a', { href: '/api/catalog/template?lang=ru', download: 'catalog-template-ru.csv', 'data-test': 'template-ru' }, t('catalog.template_ru')), ' · ',
      el('a', { href: '/api/catalog/template?lang=en', download: 'catalog-template-en.csv', 'data-test': 'template-en' }, t('catalog.template_en')));
    kind.addEventListener('change', () => { replaceRow.hidden = kind.value !== 'catalog'; replace.checked = false; });
    const upload = el('form', { class: 'upload', 'data-test': 'upload-form' },
      el('p', { class: 'muted' }, t('catalog.upload_hint', { mb })),
      columns, template,
      el('div', { class: 'upload-row' }, K.field(t('catalog.upload_kind'), kind), K.field(t('catalog.encoding'), encoding)),
      el('div', { class: 'upload-row' }, file, replaceRow),
      el('div', { class: 'upload-row' }, el('button', { type: 'submit', class: 'btn primary', 'data-test': 'upload-submit' }, t('catalog.upload_submit'))),
      outcome);
    upload.addEventListener('submit', async (e) => {
      e.preventDefault();
      K.clear(outcome).className = 'upload-result';
      const f = file.files[0];
      if (!f) return;
      if (f.size > K.state.meta.max_upload_bytes) {
        outcome.classList.add('error');
        outcome.append(el('strong', {}, t('catalog.upload_failed')), el('div', { 'data-test': 'upload-error' }, t('catalog.too_large', { mb })));
        return;
      }
      const k = kind.value;
      if (k === 'catalog' && replace.checked && !window.confirm(t('catalog.replace_confirm'))) return;
      const params = new URLSearchParams({ kind: k === 'catalog' ? 'catalog' : 'stock', name: f.name });
      if (k !== 'catalog') params.set('source', k);
      if (k === 'catalog') params.set('encoding', encoding.value);
      if (k === 'catalog' && replace.checked) params.set('replace', '1');
      try {
        const r = await K.api('POST', '/api/catalog/import?' + params, undefined, { raw: await f.arrayBuffer(), type: 'application/octet-stream' });
        outcome.classList.add('ok');
        outcome.append(el('strong', { 'data-test': 'upload-ok' }, t('catalog.upload_ok', r)));
        if (r.replace) outcome.append(el('div', { 'data-test': 'upload-removed' }, t('catalog.replaced', { n: r.removed })));
        if (r.warnings.length) outcome.append(el('div', {}, t('catalog.warnings') + ':'),
          el('ul', { 'data-test': 'upload-warnings' }, r.warnings.map((w) => el('li', {}, warningText(w)))));
        replace.checked = false;
        onDone();
      } catch (err) {
        outcome.classList.add('error');
        const body = err.data && err.data.import_error ? K.importErrorText(err.data.import_error) : err.message;
        outcome.append(el('strong', {}, t('catalog.upload_failed')), el('div', { 'data-test': 'upload-error' }, body));
      }
    });
    return upload;
  }

  K.pages.catalog = function (main) {
    const results = el('div', { 'data-test': 'catalog-results' });
    const size = el('span', { class: 'muted', 'data-test': 'catalog-size' });
    const total = el('span', { class: 'muted', 'data-test': 'catalog-total' });
    const q = el('input', { type: 'search', placeholder: t('catalog.search'), class: 'search', 'data-test': 'catalog-search' });
    const inStock = el('input', { type: 'checkbox', 'data-test': 'filter-in-stock' });
    const category = K.select('category', [['', t('catalog.all_categories')]], '', { 'data-test': 'filter-category' });
    const disc = K.select('discontinued', [['', t('catalog.disc.any')], ['hide', t('catalog.disc.hide')], ['only', t('catalog.disc.only')]], '', { 'data-test': 'filter-discontinued' });
    const prev = el('button', { type: 'button', class: 'btn small', 'data-test': 'pager-prev' }, t('catalog.prev'));
    const next = el('button', { type: 'button', class: 'btn small', 'data-test': 'pager-next' }, t('catalog.next'));
    const discontinued = el('div', { class: 'scroll', 'data-test': 'discontinued' });
    let timer = null, offset = 0, seq = 0;

    async function loadCategories() {
      try {
        const r = await K.api('GET', '/api/catalog/categories');
        const keep = category.value;
        K.clear(category).append(el('option', { value: '' }, t('catalog.all_categories')),
          ...r.categories.map((c) => el('option', { value: c.name }, c.name + ' (' + K.fmtNum(c.count) + ')')));
        category.value = r.categories.some((c) => c.name === keep) ? keep : '';
      } catch (e) { /* the list below shows the error */ }
    }
    async function search() {
      const my = ++seq;
      const params = new URLSearchParams({ limit: PAGE, offset, q: q.value });
      if (inStock.checked) params.set('in_stock', '1');
      if (category.value) params.set('category', category.value);
      if (disc.value) params.set('discontinued', disc.value);
      try {
        const r = await K.api('GET', '/api/catalog/products?' + params);
        if (my !== seq) return;
        size.textContent = t('catalog.size', { n: K.fmtNum(r.catalog_size) });
        total.textContent = r.total ? t('catalog.range', { from: K.fmtNum(offset + 1), to: K.fmtNum(offset + r.products.length), n: K.fmtNum(r.total) + (r.total_capped ? '+' : '') }) : '';
        prev.disabled = offset === 0;
        next.disabled = offset + r.products.length >= r.total;
        K.clear(results).appendChild(r.products.length ? productTable(r.products) : el('p', { class: 'muted' }, t('catalog.nothing')));
      } catch (e) {
        K.clear(results).appendChild(el('div', { class: 'form-error' }, e.message));
      }
    }
    const restart = () => { offset = 0; search(); };
    async function loadDiscontinued() {
      try {
        const r = await K.api('GET', '/api/catalog/discontinued');
        K.clear(discontinued).append(...(r.items.length ? r.items.map((i) => el('div', { class: 'disc-item' },
          el('div', { class: 'disc-head' }, el('span', { class: 'mono' }, i.product.sku), el('strong', {}, i.product.name),
            el('span', { class: 'muted' }, K.fmtMoney(i.product.price) + '/' + i.product.unit)),
          i.analogs.length ? el('ul', { class: 'analogs' }, i.analogs.map((a) => el('li', {},
            el('span', { class: 'mono' }, a.product.sku), ' ', a.product.name, ' · ', K.fmtMoney(a.product.price), ' · ', stockCell(a.product),
            el('div', { class: 'muted small' }, a.reasons.map((r) => K.label('analog', r)).join(', ')))))
            : el('p', { class: 'muted' }, t('catalog.no_analogs')))) : [el('p', { class: 'muted' }, t('catalog.nothing'))]));
      } catch (e) {
        K.clear(discontinued).appendChild(el('div', { class: 'form-error' }, e.message));
      }
    }

    q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(restart, 200); });
    inStock.addEventListener('change', restart);
    category.addEventListener('change', restart);
    disc.addEventListener('change', restart);
    prev.addEventListener('click', () => { offset = Math.max(0, offset - PAGE); search(); });
    next.addEventListener('click', () => { offset += PAGE; search(); });
    main.append(
      el('div', { class: 'page-head' }, el('h1', {}, t('catalog.title')), size),
      el('div', { class: 'card' },
        el('div', { class: 'search-row' }, q, category, disc, el('label', { class: 'check' }, inStock, t('catalog.in_stock'))),
        results,
        el('div', { class: 'pager' }, prev, total, next)),
      el('div', { class: 'two-col' },
        el('div', { class: 'card' }, el('h3', {}, t('catalog.upload')), uploadCard(() => { loadCategories(); restart(); loadDiscontinued(); })),
        el('div', { class: 'card' }, el('h3', {}, t('catalog.discontinued_title')), discontinued)));
    loadCategories();
    search();
    loadDiscontinued();
  };
})();
