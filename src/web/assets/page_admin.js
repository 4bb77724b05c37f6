// Administration (admins): what of Kira is live (the report `kira serve` prints at start),
// users, outgoing webhooks with their recent deliveries, and erasing one person's data by
// phone number (152-FZ).
'use strict';
(function () {
  const el = K.el, t = K.t;

  function areaName(i) {
    const name = t('setup.area.' + i.area);
    return i.language ? name + ' · ' + K.label('setup.lang', i.language) : name;
  }
  // One row per part: its name, live/off/missing/failed, what runs or why not, and the
  // setting that fixes it. Essential gaps come first as warnings, in the UI's language.
  function statusCard(r) {
    const gaps = r.items.filter((i) => i.essential && i.state !== 'live');
    const warnings = gaps.map((i) => el('div', { class: 'status-warning', role: 'alert', 'data-test': 'status-warning' },
      t(i.area === 'asr' ? 'setup.warn.asr' : 'setup.warn.other',
        { lang: K.label('setup.lang', i.language), area: areaName(i), fix: i.fix })));
    const rows = r.items.map((i) => el('li', { class: 'status-item state-' + i.state, 'data-test': 'status-row',
      'data-area': i.area, 'data-lang': i.language, 'data-state': i.state },
      el('span', { class: 'status-name' }, areaName(i)),
      el('span', { class: 'badge status-' + i.state }, t('setup.state.' + i.state)),
      el('span', { class: 'status-detail' },
        i.problem ? t('setup.problem.' + i.problem) : i.detail,
        i.problem && i.detail ? el('span', { class: 'muted mono' }, ' ' + i.detail) : null),
      i.fix ? el('span', { class: 'status-fix' }, t('setup.fix') + ' ', el('code', { 'data-test': 'status-fix' }, i.fix)) : null));
    return el('div', { class: 'card', 'data-test': 'status' }, el('h3', {}, t('setup.title')),
      gaps.length ? warnings : el('p', { class: 'ok', 'data-test': 'status-ok' }, t('setup.ok')),
      el('ul', { class: 'status-list' }, rows),
      el('p', { class: 'muted small' }, t('setup.docs')));
  }

  K.pages.admin = async function (main) {
    main.append(el('div', { class: 'page-head' }, el('h1', {}, t('admin.title'))));
    let users, hooks, status;
    try {
      [status, users, hooks] = await Promise.all([K.api('GET', '/api/admin/status'), K.api('GET', '/api/users'), K.api('GET', '/api/webhooks')]);
    } catch (e) {
      main.appendChild(el('div', { class: 'card error' }, e.message));
      return;
    }
    const reload = () => { K.clear(main); K.pages.admin(main); };
    const uname = el('input', { name: 'name', required: true });
    const upass = el('input', { name: 'password', type: 'password', required: true, minlength: 8 });
    const urole = K.select('role', [['manager', t('admin.role.manager')], ['admin', t('admin.role.admin')]], 'manager');
    const uerr = el('div', { class: 'form-error' });
    const uform = el('form', { class: 'inline-form' }, K.field(t('login.name'), uname), K.field(t('login.password'), upass),
      K.field(t('admin.role'), urole), el('button', { class: 'btn primary', type: 'submit' }, t('admin.add_user')), uerr);
    uform.addEventListener('submit', async (e) => {
      e.preventDefault();
      try { await K.api('POST', '/api/users', { name: uname.value, password: upass.value, role: urole.value }); reload(); } catch (err) { uerr.textContent = err.message; }
    });
    const wurl = el('input', { name: 'url', type: 'url', required: true, placeholder: 'https://crm.example/hooks/kira' });
    const wsecret = el('input', { name: 'secret', required: true, minlength: 16 });
    const werr = el('div', { class: 'form-error' });
    const wform = el('form', { class: 'inline-form' }, K.field(t('admin.webhook_url'), wurl), K.field(t('admin.webhook_secret'), wsecret),
      el('button', { class: 'btn primary', type: 'submit' }, t('admin.add_webhook')), werr);
    wform.addEventListener('submit', async (e) => {
      e.preventDefault();
      try { await K.api('POST', '/api/webhooks', { url: wurl.value, secret: wsecret.value }); reload(); } catch (err) { werr.textContent = err.message; }
    });
    const fphone = el('input', { name: 'phone', required: true, placeholder: '+7 916 123-45-67' });
    const ferr = el('div', { class: 'form-error' });
    const fform = el('form', { class: 'inline-form' }, K.field(t('admin.forget_phone'), fphone),
      el('button', { class: 'btn primary', type: 'submit' }, t('admin.forget')), ferr);
    fform.addEventListener('submit', async (e) => {
      e.preventDefault();
      ferr.textContent = '';
      if (!window.confirm(t('admin.forget_confirm'))) return;
      try {
        const r = await K.api('POST', '/api/admin/forget', { phone: fphone.value });
        K.toast(r.found || r.dnc_hashed ? t('admin.forget_done') + ' (' + r.leads_deleted + ' / ' + r.conversations + ' / ' + r.recordings + ')' : t('admin.forget_none'));
        fphone.value = '';
      } catch (err) { ferr.textContent = err.message; }
    });
    main.append(
      statusCard(status),
      el('div', { class: 'card' }, el('h3', {}, t('admin.users')),
        el('table', { class: 'table compact' }, el('tbody', {}, users.users.map((u) => el('tr', {},
          el('td', {}, u.name), el('td', {}, t('admin.role.' + u.role)), el('td', { class: 'muted' }, K.fmtTime(u.created_at)))))), uform),
      el('div', { class: 'card' }, el('h3', {}, t('admin.webhooks')),
        el('table', { class: 'table compact' }, el('tbody', {}, hooks.webhooks.map((w) => el('tr', {},
          el('td', { class: 'mono' }, w.url), el('td', {}, w.events.join(', ')),
          el('td', {}, el('button', { class: 'btn small ghost', onclick: async () => { try { await K.api('DELETE', '/api/webhooks/' + w.id); reload(); } catch (e) { K.toast(e.message, 'error'); } } }, t('admin.delete'))))))),
        wform,
        el('h4', {}, t('admin.deliveries')),
        el('table', { class: 'table compact' }, el('tbody', {}, hooks.deliveries.map((d) => el('tr', {},
          el('td', {}, '#' + d.id), el('td', {}, d.event), el('td', {}, d.status), el('td', {}, String(d.attempts)),
          el('td', { class: 'muted small' }, d.last_error), el('td', { class: 'muted' }, K.fmtTime(d.created_at))))))),
      // Last: the one action here that cannot be undone.
      el('div', { class: 'card' }, el('h3', {}, t('admin.forget_title')), el('p', { class: 'muted' }, t('admin.forget_help')), fform));
  };
})();
