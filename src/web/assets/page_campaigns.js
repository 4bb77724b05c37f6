// Campaigns: upload a list of numbers (CSV) to become Vera's calls. Refused rows (do-not-call,
// no consent for an advertising call, a malformed number, a repeat, an unreadable time) are
// listed with their line and reason in the UI's language; nothing is created unless every row
// passes or the user chooses to skip the refused ones. Below: each campaign's progress and
// outcomes.
'use strict';
(function () {
  const el = K.el, t = K.t;

  function refusedTable(rows) {
    return el('div', { class: 'table-wrap' }, el('table', { class: 'table compact cards-narrow', 'data-test': 'campaign-refused' },
      el('thead', {}, el('tr', {}, el('th', {}, t('campaign.col.line')), el('th', {}, t('campaign.col.value')), el('th', {}, t('campaign.col.reason')))),
      el('tbody', {}, rows.map((r) => el('tr', { 'data-test': 'refused-row', 'data-reason': r.reason },
        el('td', { 'data-label': t('campaign.col.line') }, String(r.line)),
        el('td', { class: 'mono', 'data-label': t('campaign.col.value') }, r.value || t('common.none')),
        el('td', { 'data-label': t('campaign.col.reason') }, K.label('campaign.reason', r.reason)))))));
  }

  function progressCard(p) {
    const c = p.campaign;
    const pct = p.total ? Math.round(100 * (p.done + p.failed + p.cancelled) / p.total) : 0;
    // Through the CSSOM: the CSP (style-src 'self') refuses style attributes.
    const bar = el('div', { class: 'progress-bar' });
    bar.style.width = pct + '%';
    return el('div', { class: 'card campaign', 'data-test': 'campaign-row', 'data-id': c.id },
      el('div', { class: 'campaign-head' }, el('h3', {}, c.name),
        el('span', { class: 'badge' }, t(c.advertising ? 'campaign.kind.advertising' : 'campaign.kind.service')),
        el('span', { class: 'muted' }, K.fmtTime(c.created_at) + ' · ' + c.file)),
      el('div', { class: 'progress', title: pct + '%' }, bar),
      el('div', { class: 'campaign-counts', 'data-test': 'campaign-counts' },
        t('campaign.counts', { total: p.total, open: p.open + p.in_progress, done: p.done, failed: p.failed + p.cancelled })),
      p.results.length ? el('ul', { class: 'campaign-results' }, p.results.map((r) =>
        el('li', {}, K.label('outcome', r.result) + ': ' + r.n))) : el('p', { class: 'muted' }, t('campaign.no_results')),
      c.refused.length ? el('p', { class: 'muted small' }, t('campaign.refused_count', { n: c.refused.length })) : null);
  }

  K.pages.campaigns = function (main) {
    const list = el('div', { 'data-test': 'campaigns' });
    const name = el('input', { name: 'name', required: true, maxlength: 200, 'data-test': 'campaign-name' });
    const advertising = el('input', { type: 'checkbox', checked: true, 'data-test': 'campaign-advertising' });
    const skip = el('input', { type: 'checkbox', 'data-test': 'campaign-skip' });
    const encoding = K.select('encoding', [['auto', t('catalog.encoding.auto')], ['utf-8', 'UTF-8'], ['windows-1251', 'Windows-1251']], 'auto');
    const file = el('input', { type: 'file', accept: '.csv,.txt,text/csv', required: true, 'data-test': 'campaign-file' });
    const outcome = el('div', { class: 'upload-result', role: 'status', 'data-test': 'campaign-result' });
    const form = el('form', { class: 'upload', 'data-test': 'campaign-form' },
      el('p', { class: 'muted' }, t('campaign.hint')),
      el('p', { class: 'small' }, t('campaign.columns')),
      el('div', { class: 'upload-row' }, K.field(t('campaign.name'), name), K.field(t('catalog.encoding'), encoding)),
      el('div', { class: 'upload-row' }, el('label', { class: 'check' }, advertising, t('campaign.advertising'))),
      el('div', { class: 'upload-row' }, file, el('label', { class: 'check' }, skip, t('campaign.skip'))),
      el('div', { class: 'upload-row' }, el('button', { type: 'submit', class: 'btn primary', 'data-test': 'campaign-submit' }, t('campaign.submit'))),
      outcome);

    async function send(skipRefused) {
      K.clear(outcome).className = 'upload-result';
      const f = file.files[0];
      if (!f) return;
      if (f.size > K.state.meta.max_upload_bytes) {
        outcome.classList.add('error');
        outcome.append(el('div', {}, t('catalog.too_large', { mb: Math.round(K.state.meta.max_upload_bytes / 1048576) })));
        return;
      }
      const params = new URLSearchParams({ name: name.value, file: f.name, encoding: encoding.value,
        advertising: advertising.checked ? '1' : '0', skip: skipRefused ? '1' : '0' });
      try {
        const r = await K.api('POST', '/api/campaigns?' + params, undefined, { raw: await f.arrayBuffer(), type: 'application/octet-stream' });
        outcome.classList.add('ok');
        outcome.append(el('strong', { 'data-test': 'campaign-created' }, t('campaign.created', { n: r.campaign.calls })));
        if (r.refused.length) outcome.append(el('div', {}, t('campaign.skipped', { n: r.refused.length })), refusedTable(r.refused));
        load();
      } catch (err) {
        outcome.classList.add('error');
        if (err.data && err.data.code === 'rows_refused') {
          const n = err.data.refused.length;
          outcome.append(el('strong', { 'data-test': 'campaign-error' }, t('campaign.refused', { n, rows: err.data.rows })),
            refusedTable(err.data.refused),
            n < err.data.rows ? el('button', { type: 'button', class: 'btn', 'data-test': 'campaign-skip-now', onclick: () => send(true) },
              t('campaign.skip_now', { n: err.data.rows - n })) : null);
        } else {
          outcome.append(el('strong', { 'data-test': 'campaign-error' }, t('campaign.failed')), el('div', {}, err.message));
        }
      }
    }
    form.addEventListener('submit', (e) => { e.preventDefault(); send(skip.checked); });

    async function load() {
      try {
        const r = await K.api('GET', '/api/campaigns');
        K.clear(list).append(...(r.campaigns.length ? r.campaigns.map(progressCard) : [el('p', { class: 'muted' }, t('campaign.none'))]));
      } catch (e) {
        K.clear(list).appendChild(el('div', { class: 'form-error' }, e.message));
      }
    }
    main.append(
      el('div', { class: 'page-head' }, el('h1', {}, t('campaign.title'))),
      el('div', { class: 'card' }, el('h3', {}, t('campaign.upload')), form),
      list);
    load();
  };
})();
