// Settings (admins), the shop's words: the agents' phrases (#/settings/phrases) and the
// catalog lexicon (#/settings/lexicon). The server judges an edit with the same loader as the
// files; a refused edit names its field (a phrase key, a lexicon path and line).
'use strict';
(function () {
  const el = K.el, t = K.t;

  // A list to spread into Node.append (which would write a null as the text "null").
  function readOnly(data) {
    return data.editable ? [] : [el('div', { class: 'card warn', 'data-test': 'settings-read-only' }, t('settings.read_only'),
      data.read_only_reason ? el('div', { class: 'muted small' }, data.read_only_reason) : null)];
  }

  // Phrases of one agent in one language: a text box per phrase, one variant a line.
  K.settingsPhrases = async function (main, head) {
    const state = { agent: 'kira', language: K.state.lang === 'en' ? 'en' : 'ru' };
    const body = el('div', {});
    main.append(head, body);
    async function load() {
      K.clear(body).appendChild(el('p', { class: 'muted' }, t('common.loading')));
      let data;
      try {
        data = await K.api('GET', '/api/settings/phrases?agent=' + state.agent + '&language=' + state.language);
      } catch (e) {
        K.clear(body).appendChild(el('div', { class: 'card error' }, e.message));
        return;
      }
      let version = data.version;
      const error = el('div', { class: 'form-error', role: 'alert', 'data-test': 'phrases-error' });
      const saved = el('span', { class: 'muted', 'data-test': 'phrases-version' }, t('settings.version', { n: version }));
      const rows = data.phrases.map((p) => {
        const box = el('textarea', { name: 'phrases.' + p.key, rows: Math.max(1, p.text.length), maxlength: 10000,
                                     'data-test': 'phrase-' + p.key, 'data-initial': p.text.join('\n') }, p.text.join('\n'));
        const hint = p.values.length ? t('texts.values', { values: p.values.map((v) => '{' + v + '}').join(' ') }) : t('texts.no_values');
        return el('div', { class: 'phrase-row', 'data-key': p.key },
          el('div', { class: 'phrase-head' }, el('code', {}, p.key),
            p.own ? el('span', { class: 'badge small' }, t('texts.own')) : null),
          box,
          el('div', { class: 'muted small' }, hint),
          p.own ? el('div', { class: 'muted small phrase-builtin' }, t('texts.builtin'), ' ', p.builtin.join(' / ')) : null);
      });
      const search = el('input', { type: 'search', placeholder: t('texts.search'), 'data-test': 'phrases-search', oninput: () => {
        const q = search.value.trim().toLowerCase();
        rows.forEach((r) => { r.hidden = q !== '' && !r.textContent.toLowerCase().includes(q) && !r.querySelector('textarea').value.toLowerCase().includes(q); });
      } });
      async function save(e) {
        e.preventDefault();
        error.textContent = '';
        body.querySelectorAll('.invalid').forEach((n) => n.classList.remove('invalid'));
        const phrases = {};
        rows.forEach((r) => {
          const box = r.querySelector('textarea');
          if (box.value !== box.dataset.initial) phrases[r.dataset.key] = box.value.split('\n');
        });
        if (!Object.keys(phrases).length) { K.toast(t('texts.nothing'), 'ok'); return; }
        try {
          await K.api('POST', '/api/settings/phrases', { agent: state.agent, language: state.language, phrases, version });
          K.toast(t('texts.saved'), 'ok');
          await load();
        } catch (err) {
          if (err.status === 400) {
            // The server's English message only for a problem it gives no code for (a broken file);
            // the value the user typed goes in last, so its braces are never filled in.
            const pr = (err.data && err.data.problem) || {};
            const known = pr.code && pr.code !== 'other' && ('texts.error.' + pr.code) in K.state.strings;
            error.textContent = t('texts.invalid', { field: err.field || '—' }) + ': ' +
              (known ? t('texts.error.' + pr.code, { allowed: pr.allowed || '—', limit: pr.limit || '', value: pr.value || '' }) : err.message);
            const target = err.field && body.querySelector('[name="' + err.field + '"]');
            if (target) { target.classList.add('invalid'); target.focus(); }
          } else {
            error.textContent = err.status === 409 && err.code === 'conflict' ? t('settings.conflict') : err.message;
          }
        }
      }
      K.clear(body).append(...readOnly(data),
        el('form', { class: 'card form settings', 'data-test': 'phrases-form', onsubmit: save },
          el('p', { class: 'muted' }, t('texts.phrases_help')),
          el('div', { class: 'toolbar' }, search, el('div', { class: 'spacer' }), saved),
          rows, error,
          el('div', { class: 'modal-actions' }, el('button', { type: 'submit', class: 'btn primary', 'data-test': 'phrases-save', disabled: !data.editable }, t('settings.save')))));
    }
    const pick = (name, options) => el('select', { name, 'data-test': 'phrases-' + name, onchange: (e) => { state[name] = e.target.value; load(); } },
      options.map(([v, label]) => el('option', { value: v, selected: state[name] === v }, label)));
    head.appendChild(el('div', { class: 'toolbar' },
      K.field(t('texts.agent'), pick('agent', [['kira', t('texts.agent.kira')], ['vera', t('texts.agent.vera')]])),
      K.field(t('texts.language'), pick('language', [['ru', 'Русский'], ['en', 'English']]))));
    await load();
  };

  // The shop's lexicon.yaml: its words over the built-in ones.
  K.settingsLexicon = async function (main, head) {
    const body = el('div', {});
    main.append(head, body);
    async function load() {
      K.clear(body).appendChild(el('p', { class: 'muted' }, t('common.loading')));
      let data;
      try {
        data = await K.api('GET', '/api/settings/lexicon');
      } catch (e) {
        K.clear(body).appendChild(el('div', { class: 'card error' }, e.message));
        return;
      }
      let version = data.version;
      const box = el('textarea', { name: 'yaml', rows: 22, class: 'code', spellcheck: 'false', maxlength: 524288, 'data-test': 'lexicon-yaml' }, data.yaml);
      const error = el('div', { class: 'form-error', role: 'alert', 'data-test': 'lexicon-error' });
      const saved = el('span', { class: 'muted', 'data-test': 'lexicon-version' }, t('settings.version', { n: version }));
      const c = data.counts || {};
      const counts = ['categories', 'colors', 'surfaces', 'materials', 'looks', 'not_sold']
        .map((k) => t('texts.lex.' + k) + ': ' + (c[k] || 0)).join(' · ');
      async function save(e) {
        e.preventDefault();
        error.textContent = '';
        box.classList.remove('invalid');
        try {
          await K.api('POST', '/api/settings/lexicon', { yaml: box.value, version });
          K.toast(t('texts.saved'), 'ok');
          await load();
        } catch (err) {
          if (err.status === 400) {
            const d = err.data || {};
            // As on the phrases tab: the English message only for what has no code (YAML syntax).
            const pr = d.problem || {};
            const known = pr.code && pr.code !== 'other' && ('texts.lex_error.' + pr.code) in K.state.strings;
            error.textContent = t('texts.lexicon_invalid', { field: d.field || '—', line: d.line || '—' }) + ': ' +
              (known ? t('texts.lex_error.' + pr.code, { allowed: pr.allowed || '—', value: pr.value || '' }) : err.message);
            box.classList.add('invalid');
            box.focus();
          } else {
            error.textContent = err.status === 409 && err.code === 'conflict' ? t('settings.conflict') : err.message;
          }
        }
      }
      K.clear(body).append(...readOnly(data),
        el('form', { class: 'card form settings', 'data-test': 'lexicon-form', onsubmit: save },
          el('p', { class: 'muted' }, t('texts.lexicon_help')),
          el('div', { class: 'toolbar' }, el('span', { class: 'muted small', 'data-test': 'lexicon-counts' }, counts), el('div', { class: 'spacer' }), saved),
          box, error,
          el('div', { class: 'modal-actions' }, el('button', { type: 'submit', class: 'btn primary', 'data-test': 'lexicon-save', disabled: !data.editable }, t('settings.save')))));
    }
    await load();
  };
})();
