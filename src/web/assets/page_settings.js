// Settings (admins): the business profile — address, hours, delivery, the assistant's
// disclosure, the manager, rules, calling windows and the FAQ. The server checks an edit with
// the same loader as the profile file; a refused edit names its field and its problem, here in
// the UI's words.
'use strict';
(function () {
  const el = K.el, t = K.t;

  // "calling_window.weekdays" / "faq[2].a" → the label of the field on this page.
  function fieldLabel(field) {
    if (!field) return '';
    const faq = field.match(/^faq\[(\d+)\]\.?(q|a)?$/);
    if (faq) return t('settings.faq_entry', { n: Number(faq[1]) + 1 }) + (faq[2] ? ' · ' + t('settings.faq.' + faq[2]) : '');
    const key = 'settings.field.' + field;
    return key in K.state.strings ? t(key) : field;
  }

  // The three parts of the settings: the profile, the agents' phrases, the lexicon.
  function tabs(active) {
    return el('div', { class: 'tabs tabs-wrap', role: 'tablist' }, [['profile', '#/settings'], ['phrases', '#/settings/phrases'], ['lexicon', '#/settings/lexicon'], ['alerts', '#/settings/alerts'], ['amocrm', '#/settings/amocrm'], ['bitrix24', '#/settings/bitrix24']]
      .map(([k, href]) => el('a', { class: 'tab' + (k === active ? ' active' : ''), href, 'data-test': 'settings-tab-' + k }, t('settings.tab.' + k))));
  }

  K.pages.settings = async function (main, arg) {
    if (arg === 'phrases' || arg === 'lexicon' || arg === 'alerts' || arg === 'amocrm' || arg === 'bitrix24') {
      const head = el('div', {}, el('div', { class: 'page-head' }, el('h1', {}, t('settings.title'))), tabs(arg));
      if (arg === 'alerts') return K.settingsAlerts(main, head);
      if (arg === 'amocrm') return K.settingsAmoCrm(main, head);
      if (arg === 'bitrix24') return K.settingsBitrix24(main, head);
      return arg === 'phrases' ? K.settingsPhrases(main, head) : K.settingsLexicon(main, head);
    }
    main.appendChild(el('p', { class: 'muted' }, t('common.loading')));
    let data;
    try {
      data = await K.api('GET', '/api/settings/profile');
    } catch (e) {
      K.clear(main).appendChild(el('div', { class: 'card error' }, e.message));
      return;
    }
    const p = data.profile;
    const input = (name, value, attrs) => el('input', Object.assign({ name, value: value === undefined || value === null ? '' : String(value), 'data-test': 'set-' + name }, attrs || {}));
    const area = (name, value, rows) => el('textarea', { name, rows: rows || 3, maxlength: 4000, 'data-test': 'set-' + name }, value || '');
    const f = {
      address: area('address', p.address, 2), hours: input('hours', p.hours, { maxlength: 4000 }),
      delivery: area('delivery', p.delivery, 3), assistant_disclosure: area('assistant_disclosure', p.assistant_disclosure, 2),
      manager_name: input('manager.name', p.manager.name), manager_phone: input('manager.phone', p.manager.phone, { inputmode: 'tel' }),
      manager_sip: input('manager.sip', p.manager.sip),
      min_order: input('rules.min_order_m2', p.rules.min_order_m2, { inputmode: 'decimal' }),
      big_project: input('rules.big_project_m2', p.rules.big_project_m2, { inputmode: 'decimal' }),
      weekdays: input('calling_window.weekdays', p.calling_window.weekdays, { placeholder: '09:00-20:00' }),
      weekends: input('calling_window.weekends', p.calling_window.weekends, { placeholder: '10:00-19:00' }),
    };
    const faqBox = el('div', { class: 'faq-edit', 'data-test': 'faq-list' });
    const faqRow = (e) => {
      const row = el('div', { class: 'faq-row', 'data-test': 'faq-row' },
        K.field(t('settings.faq.q'), el('input', { class: 'faq-q', value: e.q || '', maxlength: 4000 })),
        K.field(t('settings.faq.a'), el('textarea', { class: 'faq-a', rows: 2, maxlength: 4000 }, e.a || '')),
        el('button', { type: 'button', class: 'btn small ghost', onclick: () => row.remove() }, t('settings.faq_remove')));
      return row;
    };
    p.faq.forEach((e) => faqBox.appendChild(faqRow(e)));
    const error = el('div', { class: 'form-error', role: 'alert', 'data-test': 'settings-error' });
    const saved = el('span', { class: 'muted', 'data-test': 'settings-version' }, t('settings.version', { n: data.version }));
    let version = data.version;
    const num = (s) => (s.trim() === '' ? 0 : (isNaN(Number(s.replace(',', '.'))) ? s : Number(s.replace(',', '.'))));
    async function save(e) {
      e.preventDefault();
      error.textContent = '';
      main.querySelectorAll('.invalid').forEach((n) => n.classList.remove('invalid'));
      const profile = {
        address: f.address.value, hours: f.hours.value, delivery: f.delivery.value,
        assistant_disclosure: f.assistant_disclosure.value,
        manager: { name: f.manager_name.value, phone: f.manager_phone.value, sip: f.manager_sip.value },
        rules: { min_order_m2: num(f.min_order.value), big_project_m2: num(f.big_project.value) },
        calling_window: { weekdays: f.weekdays.value, weekends: f.weekends.value },
        faq: Array.from(faqBox.querySelectorAll('.faq-row')).map((r) => ({ q: r.querySelector('.faq-q').value, a: r.querySelector('.faq-a').value })),
      };
      try {
        const r = await K.api('POST', '/api/settings/profile', { profile, version });
        version = r.version;
        saved.textContent = t('settings.version', { n: version });
        K.toast(t('settings.saved'), 'ok');
      } catch (err) {
        if (err.status === 400) {
          // The problem in the page's words (a code and the values it quotes), as the phrases and
          // lexicon tabs do; the server's English message only for what it gives no code for.
          // The value the user typed goes in last, so its braces are never filled in.
          const pr = (err.data && err.data.problem) || {};
          const known = pr.code && pr.code !== 'other' && ('settings.error.' + pr.code) in K.state.strings;
          const allowed = pr.code === 'not_above_min' ? fieldLabel(pr.allowed) : (pr.allowed || '—');
          error.textContent = t('settings.invalid', { field: fieldLabel(err.field) || '—' }) + ': ' +
            (known ? t('settings.error.' + pr.code, { allowed, limit: pr.limit || '', value: pr.value || '' }) : err.message);
          const target = err.field && main.querySelector('[name="' + err.field + '"]');
          if (target) { target.classList.add('invalid'); target.focus(); }
        } else {
          error.textContent = err.status === 409 ? t('settings.conflict') : err.message;
        }
      }
    }
    const section = (title, ...fields) => el('fieldset', { class: 'settings-group' }, el('legend', {}, title), fields);
    const L = (k, node) => K.field(t('settings.field.' + k), node);
    K.clear(main).append(
      el('div', { class: 'page-head' }, el('h1', {}, t('settings.title')), el('span', { class: 'muted' }, p.name), el('div', { class: 'spacer' }), saved),
      tabs('profile'),
      // Node.append writes null as the text "null": only a node goes in.
      ...(data.editable ? [] : [el('div', { class: 'card warn', 'data-test': 'settings-read-only' }, t('settings.read_only'),
        data.read_only_reason ? el('div', { class: 'muted small' }, data.read_only_reason) : null)]),
      el('form', { class: 'card form settings', 'data-test': 'settings-form', onsubmit: save },
        section(t('settings.shop'), L('address', f.address), L('hours', f.hours), L('delivery', f.delivery), L('assistant_disclosure', f.assistant_disclosure)),
        section(t('settings.manager'), L('manager.name', f.manager_name), L('manager.phone', f.manager_phone), L('manager.sip', f.manager_sip)),
        section(t('settings.rules'), L('rules.min_order_m2', f.min_order), L('rules.big_project_m2', f.big_project),
          L('calling_window.weekdays', f.weekdays), L('calling_window.weekends', f.weekends)),
        section(t('settings.faq'), faqBox, el('button', { type: 'button', class: 'btn small', 'data-test': 'faq-add', onclick: () => faqBox.appendChild(faqRow({})) }, t('settings.faq_add'))),
        error,
        el('div', { class: 'modal-actions' }, el('button', { type: 'submit', class: 'btn primary', 'data-test': 'settings-save', disabled: !data.editable }, t('settings.save')))));
  };
})();
