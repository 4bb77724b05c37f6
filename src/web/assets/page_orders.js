// Orders: the order card (customer, phone, address, fulfilment, items with amounts, status
// and its next steps) shared with the lead page, the orders page with status tabs, and the
// export links (CSV / XLSX) the queue and the orders page offer.
'use strict';
(function () {
  const el = K.el, t = K.t;

  // Download links for an export with the given filters (URLSearchParams or object).
  K.exportLinks = function (what, params) {
    const href = (format) => {
      const q = new URLSearchParams(params || {});
      q.set('what', what);
      q.set('format', format);
      q.set('lang', K.state.lang);
      return '/api/export?' + q.toString();
    };
    return el('div', { class: 'export-links', 'data-test': 'export-' + what },
      el('span', { class: 'muted small' }, t('export.' + what)),
      el('a', { class: 'btn small', href: href('csv'), download: 'kira-' + what + '.csv', 'data-test': 'export-' + what + '-csv' }, 'CSV'),
      el('a', { class: 'btn small', href: href('xlsx'), download: 'kira-' + what + '.xlsx', 'data-test': 'export-' + what + '-xlsx' }, 'Excel'));
  };

  async function setStatus(o, status, done) {
    if (status === 'cancelled' && !window.confirm(t('order.cancel_confirm', { id: o.id }))) return;
    try {
      const r = await K.api('POST', '/api/orders/' + o.id + '/status', { status });
      K.toast(t('order.status_changed', { id: o.id, status: K.label('order_status', r.order.status) }), 'ok');
      done(r.order);
    } catch (e) {
      K.toast(e.status === 409 ? t('order.status_refused') : e.message, 'error');
    }
  }

  // The order card. `done(order)` is called after a status change.
  K.orderCard = function (o, done) {
    const lines = el('table', { class: 'table compact order-lines' },
      el('thead', {}, el('tr', {}, ['sku', 'product', 'qty', 'price', 'amount'].map((c) => el('th', { class: c === 'sku' || c === 'product' ? '' : 'num' }, t('order.col.' + c))))),
      el('tbody', {}, o.lines.map((l) => el('tr', { 'data-test': 'order-line' },
        el('td', { class: 'mono' }, l.sku), el('td', {}, l.name),
        el('td', { class: 'num nowrap' }, K.fmtNum(l.qty) + ' ' + l.unit),
        el('td', { class: 'num nowrap' }, K.fmtMoney(l.price)),
        el('td', { class: 'num nowrap', 'data-test': 'line-amount' }, K.fmtMoney(l.qty * l.price))))));
    const fulfil = o.fulfilment ? K.label('fulfilment', o.fulfilment) : t('common.none');
    const supply = o.supply ? K.label('supply', o.supply) + (o.lead_days ? ' · ' + t('catalog.days', { n: o.lead_days }) : '') : '';
    const next = o.next_statuses || [];
    return el('div', { class: 'order card-inner', 'data-test': 'order', 'data-id': o.id },
      el('div', { class: 'order-head' },
        el('strong', {}, t('order.title', { id: o.id })),
        el('span', { 'data-test': 'order-status' }, K.badge('order_status', o.status)),
        el('span', { class: 'muted' }, K.fmtTime(o.created_at)),
        el('span', { class: 'total', 'data-test': 'order-total' }, K.fmtMoney(o.total))),
      el('dl', { class: 'dl' },
        el('dt', {}, t('order.customer')), el('dd', { 'data-test': 'order-customer' }, o.customer_name || t('common.none')),
        el('dt', {}, t('order.phone')), el('dd', { class: 'mono', 'data-test': 'order-phone' }, o.phone || t('common.none')),
        el('dt', {}, t('order.fulfilment')), el('dd', { 'data-test': 'order-fulfilment' }, fulfil),
        o.fulfilment === 'delivery' || o.address ? [el('dt', {}, t('order.address')), el('dd', { 'data-test': 'order-address' }, o.address || t('common.none'))] : null,
        supply ? [el('dt', {}, t('order.supply')), el('dd', {}, supply)] : null),
      el('div', { class: 'table-wrap' }, lines),
      next.length ? el('div', { class: 'row-actions order-actions' },
        el('span', { class: 'muted small' }, t('order.move_to')),
        next.map((s) => el('button', { class: 'btn small' + (s === 'cancelled' ? ' ghost' : ' primary'), 'data-test': 'order-to-' + s,
                                        onclick: () => setStatus(o, s, done) }, K.label('order_action', s)))) : null);
  };

  K.pages.orders = function (main) {
    const state = { status: '', next: null };
    const list = el('div', { class: 'orders-list', 'data-test': 'orders-list' });
    const total = el('span', { class: 'muted', 'data-test': 'orders-total' });
    const more = el('button', { class: 'btn', hidden: true, onclick: () => load(false) }, t('common.more'));
    const exportBox = el('div', {});
    async function load(reset) {
      if (reset) { K.clear(list); state.next = null; }
      const q = new URLSearchParams();
      if (state.status) q.set('status', state.status);
      if (state.next) q.set('before_id', state.next);
      K.clear(exportBox).appendChild(K.exportLinks('orders', state.status ? { order_status: state.status } : {}));
      try {
        const r = await K.api('GET', '/api/orders?' + q.toString());
        r.orders.forEach((o) => list.appendChild(card(o)));
        state.next = r.next_before_id;
        more.hidden = !state.next;
        total.textContent = t('orders.total', { n: r.total });
        if (!list.firstChild) list.appendChild(el('div', { class: 'empty' }, t('orders.empty')));
      } catch (e) {
        if (e.status !== 401) K.toast(e.message, 'error');
      }
    }
    function card(o) {
      const node = K.orderCard(o, (changed) => {
        if (state.status && changed.status !== state.status) node.remove();
        else node.replaceWith(card(changed));
      });
      node.appendChild(el('a', { href: '#/lead/' + o.lead_id, class: 'small' }, t('orders.open_lead', { id: o.lead_id })));
      return node;
    }
    const statuses = ['', 'new', 'confirmed', 'paid', 'shipped', 'picked_up', 'done', 'cancelled'];
    const tabs = el('div', { class: 'tabs tabs-wrap', role: 'tablist' }, statuses.map((s) =>
      el('button', { class: 'tab' + (s === state.status ? ' active' : ''), 'data-test': 'orders-tab-' + (s || 'all'), onclick: (e) => {
        state.status = s;
        tabs.querySelectorAll('.tab').forEach((b) => b.classList.remove('active'));
        e.target.classList.add('active');
        load(true);
      } }, s ? K.label('order_status', s) : t('common.all'))));
    main.append(
      el('div', { class: 'page-head' }, el('h1', {}, t('orders.title')), total, el('div', { class: 'spacer' }), exportBox),
      el('div', { class: 'card' }, tabs, list, el('div', { class: 'more' }, more)));
    const onChange = () => { if (main.isConnected) load(true); };
    K.bus.addEventListener('order.created', onChange);
    const stop = () => { K.bus.removeEventListener('order.created', onChange); window.removeEventListener('hashchange', stop); };
    window.addEventListener('hashchange', stop);
    load(true);
  };
})();
