// Settings → Alerts (admins): where the managers get alerts (a Telegram chat, e-mail), about
// what (a switch per event), and when not (quiet hours, in the shop's time zone: held alerts are
// sent when they end). Secrets (the bot token, the SMTP password) are never shown back: a blank
// field keeps the stored one. The server checks everything and names a bad key.
'use strict';
(function () {
  const el = K.el, t = K.t;
  const EVENTS = ['new_order', 'qualified_lead', 'callback_requested', 'transfer_failed', 'vera_result'];

  K.settingsAlerts = async function (main, head) {
    main.appendChild(el('p', { class: 'muted' }, t('common.loading')));
    let data;
    try {
      data = await K.api('GET', '/api/settings/alerts');
    } catch (e) {
      K.clear(main).append(head, el('div', { class: 'card error' }, e.message));
      return;
    }
    const s = data.settings;
    const input = (name, value, attrs) => el('input', Object.assign({ name, value: value === undefined || value === null ? '' : String(value), 'data-test': 'alert-' + name }, attrs || {}));
    const check = (name, on) => el('input', { type: 'checkbox', name, checked: on, 'data-test': 'alert-' + name });
    const f = {
      language: K.select('language', [['ru', 'Русский'], ['en', 'English']], s.language, { 'data-test': 'alert-language' }),
      workspace_url: input('workspace_url', s.workspace_url, { placeholder: 'https://kira.shop.ru', maxlength: 512 }),
      quiet: check('quiet_hours.enabled', s.quiet_hours.enabled),
      quiet_from: input('quiet_hours.from', s.quiet_hours.from, { type: 'time' }),
      quiet_to: input('quiet_hours.to', s.quiet_hours.to, { type: 'time' }),
      tg: check('telegram.enabled', s.telegram.enabled),
      tg_token: input('telegram.bot_token', '', { type: 'password', autocomplete: 'off', maxlength: 128,
        placeholder: s.telegram.bot_token_set ? t('alerts.secret_kept') : '123456:ABC-DEF…' }),
      tg_chat: input('telegram.chat_id', s.telegram.chat_id, { maxlength: 64, placeholder: '-1001234567890' }),
      mail: check('email.enabled', s.email.enabled),
      smtp_url: input('email.smtp_url', s.email.smtp_url, { maxlength: 512, placeholder: 'smtp://smtp.yandex.ru:587' }),
      smtp_user: input('email.username', s.email.username, { maxlength: 256, autocomplete: 'off' }),
      smtp_pass: input('email.password', '', { type: 'password', autocomplete: 'off', maxlength: 256,
        placeholder: s.email.password_set ? t('alerts.secret_kept') : '' }),
      from: input('email.from', s.email.from, { maxlength: 254, placeholder: 'kira@shop.ru' }),
      to: input('email.to', s.email.to.join(', '), { maxlength: 2600, placeholder: 'olga@shop.ru, boss@shop.ru' }),
      ca_file: input('email.ca_file', s.email.ca_file, { maxlength: 512, placeholder: '/etc/ssl/certs/shop-ca.pem' }),
    };
    const ev = {};
    EVENTS.forEach((k) => { ev[k] = check('events.' + k, s.events[k]); });
    const error = el('div', { class: 'form-error', role: 'alert', 'data-test': 'alerts-error' });

    function body() {
      const events = {};
      EVENTS.forEach((k) => { events[k] = ev[k].checked; });
      return {
        language: f.language.value, workspace_url: f.workspace_url.value.trim(), events,
        quiet_hours: { enabled: f.quiet.checked, from: f.quiet_from.value || '22:00', to: f.quiet_to.value || '08:00' },
        telegram: { enabled: f.tg.checked, bot_token: f.tg_token.value.trim(), chat_id: f.tg_chat.value.trim() },
        email: {
          enabled: f.mail.checked, smtp_url: f.smtp_url.value.trim(), username: f.smtp_user.value,
          password: f.smtp_pass.value, from: f.from.value.trim(), ca_file: f.ca_file.value.trim(),
          to: f.to.value.split(/[,;\s]+/).map((a) => a.trim()).filter((a) => a),
        },
      };
    }
    async function save(e) {
      if (e) e.preventDefault();
      error.textContent = '';
      try {
        await K.api('POST', '/api/settings/alerts', body());
        f.tg_token.value = ''; f.smtp_pass.value = '';
        K.toast(t('alerts.saved'), 'ok');
        return true;
      } catch (err) {
        error.textContent = t('alerts.invalid') + ' ' + err.message;
        return false;
      }
    }
    async function test(channel) {
      if (!(await save())) return;
      try {
        await K.api('POST', '/api/settings/alerts/test', { channel });
        K.toast(t('alerts.test_sent'), 'ok');
        setTimeout(() => { if (location.hash === '#/settings/alerts') K.pages.settings(K.clear(main), 'alerts'); }, 3000);
      } catch (err) {
        error.textContent = t('alerts.test_failed') + ' ' + err.message;
      }
    }
    const section = (title, ...fields) => el('fieldset', { class: 'settings-group' }, el('legend', {}, title), fields);
    const L = (k, node) => K.field(t('alerts.field.' + k), node);
    // On a phone each row becomes a card (.cards-narrow), its cells labelled.
    const cols = ['time', 'channel', 'kind', 'status', 'attempts', 'error'];
    const td = (col, text, attrs) => el('td', Object.assign({ 'data-label': t('alerts.col.' + col) }, attrs || {}), text);
    const recent = el('table', { class: 'table compact cards-narrow', 'data-test': 'alerts-recent' },
      el('thead', {}, el('tr', {}, cols.map((k) => el('th', {}, t('alerts.col.' + k))))),
      el('tbody', {}, data.recent.map((r) => el('tr', {},
        td('time', K.fmtTime(r.created_at)), td('channel', t('alerts.channel.' + r.channel)),
        td('kind', r.kind ? t('alerts.event.' + r.kind) : ''), td('status', t('alerts.status.' + r.status)),
        td('attempts', String(r.attempts)), td('error', r.last_error, { class: 'muted small' })))));
    K.clear(main).append(head,
      el('form', { class: 'card form settings', 'data-test': 'alerts-form', onsubmit: save },
        section(t('alerts.events'), EVENTS.map((k) => el('label', { class: 'check' }, ev[k], ' ', t('alerts.event.' + k)))),
        section(t('alerts.quiet'), el('label', { class: 'check' }, f.quiet, ' ', t('alerts.quiet_on')),
          L('quiet_from', f.quiet_from), L('quiet_to', f.quiet_to), el('p', { class: 'muted small' }, t('alerts.quiet_help'))),
        section('Telegram', el('label', { class: 'check' }, f.tg, ' ', t('alerts.tg_on')),
          L('bot_token', f.tg_token), L('chat_id', f.tg_chat), el('p', { class: 'muted small' }, t('alerts.tg_help')),
          el('button', { type: 'button', class: 'btn small', 'data-test': 'alerts-test-telegram', onclick: () => test('telegram') }, t('alerts.test'))),
        section(t('alerts.email'), el('label', { class: 'check' }, f.mail, ' ', t('alerts.mail_on')),
          L('smtp_url', f.smtp_url), L('username', f.smtp_user), L('password', f.smtp_pass), L('from', f.from), L('to', f.to), L('ca_file', f.ca_file),
          el('p', { class: 'muted small' }, t('alerts.mail_help')),
          el('button', { type: 'button', class: 'btn small', 'data-test': 'alerts-test-email', onclick: () => test('email') }, t('alerts.test'))),
        section(t('alerts.texts'), L('language', f.language), L('workspace_url', f.workspace_url), el('p', { class: 'muted small' }, t('alerts.privacy'))),
        error,
        el('div', { class: 'modal-actions' }, el('button', { type: 'submit', class: 'btn primary', 'data-test': 'alerts-save' }, t('settings.save')))),
      el('div', { class: 'card table-wrap' }, el('h2', {}, t('alerts.recent')), data.recent.length ? recent : el('p', { class: 'muted' }, t('alerts.none'))));
  };
})();
