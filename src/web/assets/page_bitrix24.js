// Settings → Bitrix24 (admins): the portal's inbound webhook (docs/integrations.md, Bitrix24),
// the user calls and leads go to, the lead stage and source, which lead fields (UF_CRM_ codes) get
// the call's facts, the call log switch, and the latest conversations sent. The webhook's address
// holds its secret code: it is never shown back (the page says whose portal it is), and a blank
// field keeps the stored one. The server checks everything and names a bad key.
'use strict';
(function () {
  const el = K.el, t = K.t;
  const FIELDS = ['summary', 'outcome', 'order', 'total', 'recording_url', 'conversation_id'];

  K.settingsBitrix24 = async function (main, head) {
    main.appendChild(el('p', { class: 'muted' }, t('common.loading')));
    let data;
    try {
      data = await K.api('GET', '/api/settings/bitrix24');
    } catch (e) {
      K.clear(main).append(head, el('div', { class: 'card error' }, e.message));
      return;
    }
    const s = data.settings;
    const input = (name, value, attrs) => el('input', Object.assign({ name, value: value === undefined || value === null ? '' : String(value), 'data-test': 'bitrix24-' + name }, attrs || {}));
    const f = {
      enabled: el('input', { type: 'checkbox', name: 'enabled', checked: s.enabled, 'data-test': 'bitrix24-enabled' }),
      auth: K.select('auth', [['webhook', t('bitrix24.auth.webhook')], ['app', t('bitrix24.auth.app')]], s.auth, { 'data-test': 'bitrix24-auth' }),
      portal_url: input('portal_url', s.portal_url, { maxlength: 512, placeholder: 'https://myshop.bitrix24.ru' }),
      client_id: input('client_id', s.client_id, { maxlength: 64, autocomplete: 'off', placeholder: 'local.…' }),
      client_secret: input('client_secret', '', { type: 'password', autocomplete: 'off', maxlength: 256,
        placeholder: s.client_secret_set ? t('bitrix24.webhook_kept') : '' }),
      webhook_url: input('webhook_url', '', { type: 'password', autocomplete: 'off', maxlength: 512,
        placeholder: s.webhook_url_set ? t('bitrix24.webhook_kept') : 'https://myshop.bitrix24.ru/rest/1/…/' }),
      user_id: input('user_id', s.user_id ? String(s.user_id) : '', { inputmode: 'numeric', maxlength: 9 }),
      lead_status: input('lead_status', s.lead_status, { maxlength: 50, placeholder: 'NEW' }),
      source_id: input('source_id', s.source_id, { maxlength: 50, placeholder: 'CALL' }),
      currency: input('currency', s.currency, { maxlength: 3, placeholder: 'RUB' }),
      telephony: el('input', { type: 'checkbox', name: 'telephony', checked: s.telephony, 'data-test': 'bitrix24-telephony' }),
      language: K.select('language', [['ru', 'Русский'], ['en', 'English']], s.language, { 'data-test': 'bitrix24-language' }),
    };
    const map = {};
    FIELDS.forEach((k) => { map[k] = input('fields.' + k, s.fields[k] || '', { maxlength: 64, placeholder: 'UF_CRM_…' }); });
    const error = el('div', { class: 'form-error', role: 'alert', 'data-test': 'bitrix24-error' });
    const num = (node) => { const v = node.value.trim(); return /^\d+$/.test(v) ? Number(v) : (v === '' ? 0 : v); };

    function body() {
      const fields = {};
      FIELDS.forEach((k) => { const v = map[k].value.trim(); if (v !== '') fields[k] = v; });
      return {
        enabled: f.enabled.checked, auth: f.auth.value, portal_url: f.portal_url.value.trim(),
        client_id: f.client_id.value.trim(), client_secret: f.client_secret.value.trim(),
        webhook_url: f.webhook_url.value.trim(), user_id: num(f.user_id),
        lead_status: f.lead_status.value.trim(), source_id: f.source_id.value.trim(),
        currency: f.currency.value.trim().toUpperCase(), telephony: f.telephony.checked,
        fields, language: f.language.value,
      };
    }
    async function save(e) {
      if (e) e.preventDefault();
      error.textContent = '';
      try {
        await K.api('POST', '/api/settings/bitrix24', body());
        K.toast(t('bitrix24.saved'), 'ok');
        K.pages.settings(K.clear(main), 'bitrix24');
      } catch (err) {
        error.textContent = t('bitrix24.invalid') + ' ' + err.message;
      }
    }
    // As an application: the settings are saved, then the browser goes to the portal to allow
    // Kira, and Bitrix24 sends it back to /api/bitrix24/oauth.
    async function connect(e) {
      if (e) e.preventDefault();
      error.textContent = '';
      try {
        await K.api('POST', '/api/settings/bitrix24', body());
        const r = await K.api('POST', '/api/settings/bitrix24/connect', {});
        window.location.href = r.url;
      } catch (err) {
        error.textContent = t('bitrix24.invalid') + ' ' + err.message;
      }
    }
    const webhookPart = el('div', { 'data-test': 'bitrix24-webhook-part' }, K.field(t('bitrix24.field.webhook_url'), f.webhook_url), el('p', { class: 'muted small' }, t('bitrix24.help')));
    const appPart = el('div', { 'data-test': 'bitrix24-app-part' }, K.field(t('bitrix24.field.portal_url'), f.portal_url),
      K.field(t('bitrix24.field.client_id'), f.client_id), K.field(t('bitrix24.field.client_secret'), f.client_secret),
      el('p', { class: 'muted small' }, t('bitrix24.app_help', { address: location.origin + '/api/bitrix24/oauth' })),
      el('button', { type: 'button', class: 'btn', 'data-test': 'bitrix24-connect', onclick: connect }, t('bitrix24.connect')));
    const showAuth = () => { webhookPart.hidden = f.auth.value !== 'webhook'; appPart.hidden = f.auth.value !== 'app'; };
    f.auth.addEventListener('change', showAuth);
    showAuth();
    const section = (title, ...nodes) => el('fieldset', { class: 'settings-group' }, el('legend', {}, title), nodes);
    const L = (k, node) => K.field(t('bitrix24.field.' + k), node);
    const cols = ['time', 'conversation', 'status', 'attempts', 'error'];
    const td = (col, text, attrs) => el('td', Object.assign({ 'data-label': t('bitrix24.col.' + col) }, attrs || {}), text);
    const recent = el('table', { class: 'table compact cards-narrow', 'data-test': 'bitrix24-recent' },
      el('thead', {}, el('tr', {}, cols.map((k) => el('th', {}, t('bitrix24.col.' + k))))),
      el('tbody', {}, data.recent.map((r) => el('tr', {},
        td('time', K.fmtTime(r.created_at)), td('conversation', '№' + r.conversation_id),
        td('status', t('alerts.status.' + r.status)), td('attempts', String(r.attempts)),
        td('error', r.last_error, { class: 'muted small' })))));
    const state = s.connected ? t(s.auth === 'app' ? 'bitrix24.connected_app' : 'bitrix24.connected', { portal: s.portal }) : t('bitrix24.not_connected');
    K.clear(main).append(head,
      el('form', { class: 'card form settings', 'data-test': 'bitrix24-form', onsubmit: save },
        el('p', { class: 'muted', 'data-test': 'bitrix24-state' }, state),
        s.telephony_error ? el('p', { class: 'form-error', 'data-test': 'bitrix24-telephony-error' }, t('bitrix24.telephony_refused') + ' ' + s.telephony_error) : null,
        section(t('bitrix24.account'), el('label', { class: 'check' }, f.enabled, ' ', t('bitrix24.on')),
          L('auth', f.auth), webhookPart, appPart, L('user_id', f.user_id)),
        section(t('bitrix24.leads'), L('lead_status', f.lead_status), L('source_id', f.source_id), L('currency', f.currency), L('language', f.language),
          el('label', { class: 'check' }, f.telephony, ' ', t('bitrix24.telephony')), el('p', { class: 'muted small' }, t('bitrix24.telephony_help'))),
        section(t('bitrix24.mapping'), FIELDS.map((k) => K.field(t('bitrix24.map.' + k), map[k])),
          el('p', { class: 'muted small' }, t('bitrix24.mapping_help'))),
        error,
        el('div', { class: 'modal-actions' }, el('button', { type: 'submit', class: 'btn primary', 'data-test': 'bitrix24-save' }, t('settings.save')))),
      el('div', { class: 'card table-wrap' }, el('h2', {}, t('bitrix24.recent')), data.recent.length ? recent : el('p', { class: 'muted' }, t('bitrix24.none'))));
  };
})();
