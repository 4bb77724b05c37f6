// Settings → amoCRM (admins): the account and the integration's OAuth client (docs/integrations.md,
// amoCRM), the pipeline and stage new leads go to, which lead fields get the call's facts, and the
// latest conversations sent. Secrets (the client secret, the one-use authorization code) are never
// shown back: a blank field keeps the stored one. The server checks everything and names a bad key.
'use strict';
(function () {
  const el = K.el, t = K.t;
  const FIELDS = ['summary', 'outcome', 'order', 'total', 'recording_url', 'conversation_id'];

  K.settingsAmoCrm = async function (main, head) {
    main.appendChild(el('p', { class: 'muted' }, t('common.loading')));
    let data;
    try {
      data = await K.api('GET', '/api/settings/amocrm');
    } catch (e) {
      K.clear(main).append(head, el('div', { class: 'card error' }, e.message));
      return;
    }
    const s = data.settings;
    const input = (name, value, attrs) => el('input', Object.assign({ name, value: value === undefined || value === null ? '' : String(value), 'data-test': 'amocrm-' + name }, attrs || {}));
    const num = (v) => (v ? String(v) : '');
    const f = {
      enabled: el('input', { type: 'checkbox', name: 'enabled', checked: s.enabled, 'data-test': 'amocrm-enabled' }),
      subdomain: input('subdomain', s.subdomain, { maxlength: 63, placeholder: 'myshop' }),
      client_id: input('client_id', s.client_id, { maxlength: 64, autocomplete: 'off' }),
      client_secret: input('client_secret', '', { type: 'password', autocomplete: 'off', maxlength: 256,
        placeholder: s.client_secret_set ? t('amocrm.secret_kept') : '' }),
      redirect_uri: input('redirect_uri', s.redirect_uri, { maxlength: 512, placeholder: 'https://kira.myshop.ru/amocrm' }),
      auth_code: input('auth_code', '', { type: 'password', autocomplete: 'off', maxlength: 2048,
        placeholder: s.auth_code_set ? t('amocrm.secret_kept') : 'def50200…' }),
      pipeline_id: input('pipeline_id', num(s.pipeline_id), { inputmode: 'numeric', maxlength: 18 }),
      status_id: input('status_id', num(s.status_id), { inputmode: 'numeric', maxlength: 18 }),
      language: K.select('language', [['ru', 'Русский'], ['en', 'English']], s.language, { 'data-test': 'amocrm-language' }),
    };
    const map = {};
    FIELDS.forEach((k) => { map[k] = input('fields.' + k, num(s.fields[k]), { inputmode: 'numeric', maxlength: 18 }); });
    const error = el('div', { class: 'form-error', role: 'alert', 'data-test': 'amocrm-error' });
    const id = (node) => { const v = node.value.trim(); return /^\d+$/.test(v) ? Number(v) : (v === '' ? 0 : v); };

    function body() {
      const fields = {};
      FIELDS.forEach((k) => { const v = id(map[k]); if (v !== 0) fields[k] = v; });
      return {
        enabled: f.enabled.checked, subdomain: f.subdomain.value.trim(), client_id: f.client_id.value.trim(),
        client_secret: f.client_secret.value.trim(), redirect_uri: f.redirect_uri.value.trim(),
        auth_code: f.auth_code.value.trim(), pipeline_id: id(f.pipeline_id), status_id: id(f.status_id),
        fields, language: f.language.value,
      };
    }
    async function save(e) {
      if (e) e.preventDefault();
      error.textContent = '';
      try {
        await K.api('POST', '/api/settings/amocrm', body());
        K.toast(t('amocrm.saved'), 'ok');
        K.pages.settings(K.clear(main), 'amocrm');
      } catch (err) {
        error.textContent = t('amocrm.invalid') + ' ' + err.message;
      }
    }
    const section = (title, ...nodes) => el('fieldset', { class: 'settings-group' }, el('legend', {}, title), nodes);
    const L = (k, node) => K.field(t('amocrm.field.' + k), node);
    const cols = ['time', 'conversation', 'status', 'attempts', 'error'];
    const td = (col, text, attrs) => el('td', Object.assign({ 'data-label': t('amocrm.col.' + col) }, attrs || {}), text);
    const recent = el('table', { class: 'table compact cards-narrow', 'data-test': 'amocrm-recent' },
      el('thead', {}, el('tr', {}, cols.map((k) => el('th', {}, t('amocrm.col.' + k))))),
      el('tbody', {}, data.recent.map((r) => el('tr', {},
        td('time', K.fmtTime(r.created_at)), td('conversation', '№' + r.conversation_id),
        td('status', t('alerts.status.' + r.status)), td('attempts', String(r.attempts)),
        td('error', r.last_error, { class: 'muted small' })))));
    K.clear(main).append(head,
      el('form', { class: 'card form settings', 'data-test': 'amocrm-form', onsubmit: save },
        el('p', { class: 'muted', 'data-test': 'amocrm-state' }, t(s.connected ? 'amocrm.connected' : 'amocrm.not_connected')),
        section(t('amocrm.account'), el('label', { class: 'check' }, f.enabled, ' ', t('amocrm.on')),
          L('subdomain', f.subdomain), L('client_id', f.client_id), L('client_secret', f.client_secret),
          L('redirect_uri', f.redirect_uri), L('auth_code', f.auth_code), el('p', { class: 'muted small' }, t('amocrm.help'))),
        section(t('amocrm.pipeline'), L('pipeline_id', f.pipeline_id), L('status_id', f.status_id), L('language', f.language)),
        section(t('amocrm.mapping'), FIELDS.map((k) => K.field(t('amocrm.map.' + k), map[k])),
          el('p', { class: 'muted small' }, t('amocrm.mapping_help'))),
        error,
        el('div', { class: 'modal-actions' }, el('button', { type: 'submit', class: 'btn primary', 'data-test': 'amocrm-save' }, t('settings.save')))),
      el('div', { class: 'card table-wrap' }, el('h2', {}, t('amocrm.recent')), data.recent.length ? recent : el('p', { class: 'muted' }, t('amocrm.none'))));
  };
})();
