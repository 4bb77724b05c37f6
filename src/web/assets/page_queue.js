// The review queue: newest leads first, filters, actions (take, send Vera, close), live rows.
'use strict';
(function () {
  const el = K.el, t = K.t;
  const filter = (K.queueFilter = { status: 'new', outcome: '', reason: '', channel: '', from: '', to: '' });

  // Shared lead actions (also used by the lead page). Each resolves with the updated lead.
  K.takeLead = async function (lead) {
    const r = await K.api('POST', '/api/leads/' + lead.id + '/take');
    return r.lead;
  };
  K.sendVera = function (lead, done) {
    const note = el('textarea', { name: 'note', rows: 4, maxlength: 2000, placeholder: t('vera.note_hint'), 'data-test': 'vera-note' });
    const when = el('input', { name: 'when', type: 'datetime-local', 'data-test': 'vera-time' });
    K.modal({
      title: t('vera.title'), submit: t('vera.submit'), test: 'vera-modal',
      body: el('div', { class: 'form' }, K.field(t('vera.note'), note), K.field(t('vera.time'), when)),
      onSubmit: async () => {
        const body = { note: note.value };
        // datetime-local is the manager's local time; send an absolute instant.
        if (when.value) body.preferred_time = new Date(when.value).getTime();
        const r = await K.api('POST', '/api/leads/' + lead.id + '/vera', body);
        K.toast(t('vera.sent'), 'ok');
        done(r.lead, r.task);
      },
    });
  };
  K.closeLead = function (lead, done) {
    const reasons = (K.state.meta.close_reasons || []).map((r) => [r, K.label('reason', r)]);
    const sel = K.select('reason', reasons, reasons.length ? reasons[0][0] : '', { 'data-test': 'close-reason' });
    K.modal({
      title: t('close.title'), submit: t('close.submit'), test: 'close-modal',
      body: el('div', { class: 'form' }, K.field(t('close.reason'), sel)),
      onSubmit: async () => {
        const r = await K.api('POST', '/api/leads/' + lead.id + '/close', { reason: sel.value });
        done(r.lead);
      },
    });
  };

  function matches(lead) {
    return (!filter.status || lead.status === filter.status) &&
      (!filter.outcome || lead.outcome === filter.outcome) &&
      (!filter.reason || lead.reason === filter.reason) &&
      (!filter.channel || lead.channel === filter.channel) && !filter.to;
  }

  K.pages.queue = function (main) {
    let next = null;
    const rows = el('tbody', { 'data-test': 'queue-body' });
    const total = el('span', { class: 'muted', 'data-test': 'queue-total' });
    const more = el('button', { class: 'btn', hidden: true, onclick: () => load(false) }, t('common.more'));
    const empty = el('div', { class: 'empty', hidden: true }, t('queue.empty'));
    let count = 0;
    const contacts = new Map();  // lead id -> contact (updates carry the lead only)

    function actions(lead, tr) {
      const refresh = (l) => { if (l) replace(l, tr); };
      const box = el('div', { class: 'row-actions' });
      const guard = (fn) => async (e) => {
        e.stopPropagation();
        try { await fn(); } catch (err) { K.toast(err.message, 'error'); }
      };
      if (lead.status === 'new')
        box.appendChild(el('button', { class: 'btn small', 'data-test': 'take', onclick: guard(async () => refresh(await K.takeLead(lead))) }, t('action.take')));
      if (lead.status !== 'closed') {
        box.appendChild(el('button', { class: 'btn small accent', 'data-test': 'send-vera', onclick: guard(async () => K.sendVera(lead, refresh)) }, t('action.vera')));
        box.appendChild(el('button', { class: 'btn small ghost', 'data-test': 'close', onclick: guard(async () => K.closeLead(lead, refresh)) }, t('action.close')));
      }
      return box;
    }
    function row(lead, fresh) {
      if (lead.contact) contacts.set(lead.id, lead.contact);
      else lead.contact = contacts.get(lead.id);
      const tr = el('tr', { class: 'clickable' + (fresh ? ' fresh' : ''), 'data-test': 'queue-row', 'data-id': lead.id,
                            onclick: () => { location.hash = '#/lead/' + lead.id; } });
      tr.append(
        el('td', { class: 'nowrap' }, K.fmtTime(lead.created_at)),
        el('td', {}, K.caller(lead)),
        el('td', {}, K.badge('channel', lead.channel)),
        el('td', {}, K.badge('outcome', lead.outcome)),
        el('td', {}, lead.reason ? K.label('reason', lead.reason) : el('span', { class: 'muted' }, t('common.none'))),
        el('td', { class: 'summary' }, el('div', { class: 'clamp', title: lead.summary }, lead.summary)),
        el('td', {}, K.badge('status', lead.status), lead.assigned_to ? el('div', { class: 'muted small' }, lead.assigned_to) : null),
        el('td', {}, actions(lead, tr)));
      return tr;
    }
    function replace(lead, tr) {
      if (!matches(lead) && filter.status) { tr.remove(); return; }
      tr.replaceWith(row(lead));
    }
    async function load(reset) {
      if (reset) { K.clear(rows); next = null; count = 0; }
      const q = new URLSearchParams();
      for (const k of ['status', 'outcome', 'reason', 'channel']) if (filter[k]) q.set(k, filter[k]);
      if (filter.from) q.set('from', new Date(filter.from + 'T00:00:00').getTime());
      if (filter.to) q.set('to', new Date(filter.to + 'T00:00:00').getTime() + 86400000);
      if (next) q.set('before_id', next);
      try {
        const r = await K.api('GET', '/api/leads?' + q.toString());
        r.leads.forEach((l) => rows.appendChild(row(l)));
        count += r.leads.length;
        next = r.next_before_id;
        more.hidden = !next;
        if (r.total !== null) {
          // Counted up to 10,000 by the server: beyond that the queue says "10 000+", as the
          // catalog page does.
          total.dataset.capped = r.total_capped ? '1' : '';
          total.textContent = t('queue.total', { n: r.total_capped ? K.fmtNum(r.total) + '+' : r.total });
          total.dataset.n = r.total;
        }
        empty.hidden = count > 0;
      } catch (err) {
        if (err.status !== 401) K.toast(err.message, 'error');
      }
    }

    const meta = K.state.meta;
    const tabs = el('div', { class: 'tabs', role: 'tablist' },
      [['new', t('status.new')], ['taken', t('status.taken')], ['vera_assigned', t('status.vera_assigned')],
       ['closed', t('status.closed')], ['', t('common.all')]].map(([v, label]) =>
        el('button', { class: 'tab' + (filter.status === v ? ' active' : ''), 'data-test': 'tab-' + (v || 'all'),
                       onclick: (e) => { filter.status = v; tabs.querySelectorAll('.tab').forEach((b) => b.classList.remove('active')); e.target.classList.add('active'); load(true); } }, label)));
    const opt = (list, group) => [['', t('common.any')]].concat(list.map((c) => [c, K.label(group, c)]));
    const onChange = (key) => (e) => { filter[key] = e.target.value; load(true); };
    // "other" is a non-targeted and a closing reason (crm/outcome.h): listed once, it finds both.
    const filters = el('div', { class: 'filters' },
      K.field(t('filter.outcome'), K.select('outcome', opt(meta.outcomes, 'outcome'), filter.outcome, { onchange: onChange('outcome'), 'data-test': 'filter-outcome' })),
      K.field(t('filter.reason'), K.select('reason', opt([...new Set(meta.reasons.concat(meta.close_reasons))], 'reason'), filter.reason, { onchange: onChange('reason'), 'data-test': 'filter-reason' })),
      K.field(t('filter.channel'), K.select('channel', opt(meta.channels, 'channel'), filter.channel, { onchange: onChange('channel'), 'data-test': 'filter-channel' })),
      K.field(t('filter.from'), el('input', { type: 'date', value: filter.from, onchange: onChange('from') })),
      K.field(t('filter.to'), el('input', { type: 'date', value: filter.to, onchange: onChange('to') })),
      el('button', { class: 'btn ghost', onclick: () => { Object.assign(filter, { outcome: '', reason: '', channel: '', from: '', to: '' }); K.clear(main); K.pages.queue(main); } }, t('common.reset')));

    // The exports take the queue's filters as they are when the link is followed.
    const exportParams = () => {
      const q = {};
      for (const k of ['status', 'outcome', 'reason', 'channel']) if (filter[k]) q[k] = filter[k];
      if (filter.from) q.from = new Date(filter.from + 'T00:00:00').getTime();
      if (filter.to) q.to = new Date(filter.to + 'T00:00:00').getTime() + 86400000;
      return q;
    };
    const exports = el('div', { class: 'exports', 'data-test': 'queue-exports',
      onclick: (e) => { const a = e.target.closest('a'); if (!a) return; const u = new URL(a.href); const p = exportParams();
        for (const k of ['status', 'outcome', 'reason', 'channel', 'from', 'to']) { if (p[k] !== undefined) u.searchParams.set(k, p[k]); else u.searchParams.delete(k); }
        a.href = u.pathname + u.search; } },
      K.exportLinks('leads'), K.exportLinks('conversations'));
    main.append(
      el('div', { class: 'page-head' }, el('h1', {}, t('queue.title')), total, el('div', { class: 'spacer' }), exports),
      el('div', { class: 'card' }, tabs, filters,
        el('div', { class: 'table-wrap' }, el('table', { class: 'table queue' },
          el('thead', {}, el('tr', {}, ['time', 'caller', 'channel', 'outcome', 'reason', 'summary', 'status', 'actions'].map((c) => el('th', {}, t('queue.col.' + c))))),
          rows)),
        empty, el('div', { class: 'more' }, more)));

    const onCreated = (e) => {
      if (!main.isConnected) return;
      const lead = e.detail;
      K.toast(t('queue.new_lead', { who: (lead.contact && (lead.contact.name || lead.contact.phone)) || lead.id }), 'info');
      if (!matches(lead) || rows.querySelector('[data-id="' + lead.id + '"]')) return;
      rows.insertBefore(row(lead, true), rows.firstChild);
      empty.hidden = true;
      if (total.dataset.capped) return;  // still "10 000+"
      const n = Number(total.dataset.n || 0) + 1;
      total.dataset.n = n;
      total.textContent = t('queue.total', { n });
    };
    const onUpdated = (e) => {
      if (!main.isConnected) return;
      const tr = rows.querySelector('[data-id="' + e.detail.id + '"]');
      if (tr) {
        replace(Object.assign({}, e.detail), tr);
      }
    };
    K.bus.addEventListener('lead.created', onCreated);
    K.bus.addEventListener('lead.updated', onUpdated);
    const stop = () => {
      K.bus.removeEventListener('lead.created', onCreated);
      K.bus.removeEventListener('lead.updated', onUpdated);
      window.removeEventListener('hashchange', stop);
    };
    window.addEventListener('hashchange', stop);
    load(true);
  };
})();
