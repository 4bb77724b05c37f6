// Catalog and stock: search, shop and distributor stock, discontinued items with analogs,
// and uploads of catalog or stock files (all-or-nothing; errors shown as the importer wrote them).
'use strict';
(function () {
  const el = K.el, t = K.t;

  function stockCell(p) {
    return el('span', { class: p.stock > 0 ? 'ok' : 'muted' }, K.fmtNum(p.stock) + ' ' + p.unit);
  }
  function distCell(p) {
    if (!p.distributor) return el('span', { class: 'muted' }, t('common.none'));
    return el('span', {}, K.fmtNum(p.distributor.qty) + ' ' + p.unit,
      el('span', { class: 'muted' }, ' · ' + t('catalog.days', { n: p.distributor.lead_days })));
  }
  function productRow(p) {
    return el('tr', { 'data-test': 'product-row' },
      el('td', { class: 'mono' }, p.sku),
      el('td', {}, p.name, p.discontinued ? el('span', { class: 'badge outcome-non_targeted small' }, t('catalog.discontinued')) : null),
      el('td', {}, p.category), el('td', {}, p.format || t('common.none')), el('td', {}, p.color || t('common.none')),
      el('td', { class: 'num' }, K.fmtMoney(p.price), el('span', { class: 'muted' }, '/' + p.unit)),
      el('td', { class: 'num' }, stockCell(p)), el('td', { class: 'num' }, distCell(p)));
  }
  function productTable(products) {
    return el('div', { class: 'table-wrap scroll' }, el('table', { class: 'table' },
      el('thead', {}, el('tr', {}, ['sku', 'name', 'category', 'format', 'color', 'price', 'stock', 'distributor'].map((c) =>
        el('th', { class: ['price', 'stock', 'distributor'].includes(c) ? 'num' : '' }, t('catalog.col.' + c))))),
      el('tbody', {}, products.map(productRow))));
  }

  K.pages.catalog = function (main) {
    const results = el('div', { 'data-test': 'catalog-results' });
    const size = el('span', { class: 'muted', 'data-test': 'catalog-size' });
    const q = el('input', { type: 'search', placeholder: t('catalog.search'), class: 'search', 'data-test': 'catalog-search' });
    const inStock = el('input', { type: 'checkbox' });
    const discontinued = el('div', { class: 'scroll', 'data-test': 'discontinued' });
    let timer = null;

    async function search() {
      try {
        const r = await K.api('GET', '/api/catalog/search?limit=30&q=' + encodeURIComponent(q.value) + (inStock.checked ? '&in_stock=1' : ''));
        size.textContent = t('catalog.size', { n: r.catalog_size });
        K.clear(results).appendChild(r.products.length ? productTable(r.products) : el('p', { class: 'muted' }, t('catalog.nothing')));
      } catch (e) {
        K.clear(results).appendChild(el('div', { class: 'form-error' }, e.message));
      }
    }
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

    const mb = Math.round((K.state.meta.max_upload_bytes || 0) / 1048576);
    const kind = K.select('kind', [['catalog', t('catalog.kind.catalog')], ['distributor', t('catalog.kind.distributor')], ['shop', t('catalog.kind.shop')]], 'catalog', { 'data-test': 'upload-kind' });
    const file = el('input', { type: 'file', accept: '.csv,.yml,.xml,text/csv,text/xml', 'data-test': 'upload-file' });
    const outcome = el('div', { class: 'upload-result', 'data-test': 'upload-result', role: 'status' });
    const upload = el('form', { class: 'upload', 'data-test': 'upload-form' },
      el('p', { class: 'muted' }, t('catalog.upload_hint', { mb })),
      el('div', { class: 'upload-row' }, K.field(t('catalog.upload_kind'), kind), file,
        el('button', { type: 'submit', class: 'btn primary' }, t('catalog.upload_submit'))),
      outcome);
    upload.addEventListener('submit', async (e) => {
      e.preventDefault();
      K.clear(outcome).className = 'upload-result';
      const f = file.files[0];
      if (!f) return;
      if (f.size > K.state.meta.max_upload_bytes) {
        outcome.classList.add('error');
        outcome.append(el('strong', {}, t('catalog.upload_failed')), el('div', {}, t('catalog.too_large', { mb })));
        return;
      }
      const k = kind.value;
      const params = new URLSearchParams({ kind: k === 'catalog' ? 'catalog' : 'stock', name: f.name });
      if (k !== 'catalog') params.set('source', k);
      try {
        const r = await K.api('POST', '/api/catalog/import?' + params, undefined, { raw: await f.arrayBuffer(), type: f.type || 'text/csv' });
        outcome.classList.add('ok');
        outcome.append(el('strong', {}, t('catalog.upload_ok', r)));
        if (r.warnings.length) outcome.append(el('div', {}, t('catalog.warnings') + ':'), el('ul', {}, r.warnings.map((w) => el('li', {}, w))));
        search();
        loadDiscontinued();
      } catch (err) {
        outcome.classList.add('error');
        outcome.append(el('strong', {}, t('catalog.upload_failed')), el('div', { 'data-test': 'upload-error' }, err.message));
      }
    });

    q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, 200); });
    inStock.addEventListener('change', search);
    main.append(
      el('div', { class: 'page-head' }, el('h1', {}, t('catalog.title')), size),
      el('div', { class: 'card' }, el('div', { class: 'search-row' }, q, el('label', { class: 'check' }, inStock, t('catalog.in_stock'))), results),
      el('div', { class: 'two-col' },
        el('div', { class: 'card' }, el('h3', {}, t('catalog.upload')), upload),
        el('div', { class: 'card' }, el('h3', {}, t('catalog.discontinued_title')), discontinued)));
    search();
    loadDiscontinued();
  };
})();
