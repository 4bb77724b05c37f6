// Kira workspace: sign-in, the page shell (sidebar), the hash router and the live event stream.
'use strict';
(function () {
  const el = K.el, t = K.t;
  let events = null;

  K.showLogin = function (notice) {
    if (events) { events.close(); events = null; }
    K.state.user = null;
    const app = K.clear(document.getElementById('app'));
    const error = el('div', { class: 'form-error', role: 'alert', 'data-test': 'login-error' }, notice || '');
    const form = el('form', { class: 'login-card', 'data-test': 'login-form' },
      el('div', { class: 'login-brand' }, el('div', { class: 'logo' }, 'K'),
        el('div', {}, el('div', { class: 'brand-name' }, t('app.name')),
          el('div', { class: 'brand-sub' }, t('app.tagline')))),
      el('h1', {}, t('login.title')),
      K.field(t('login.name'), el('input', { name: 'name', autocomplete: 'username', required: true })),
      K.field(t('login.password'), el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
      error,
      el('button', { type: 'submit', class: 'btn primary wide' }, t('login.submit')),
      el('button', { type: 'button', class: 'link lang', onclick: K.switchLang }, t('lang.switch')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.textContent = '';
      try {
        const r = await K.api('POST', '/api/login', { name: form.name.value, password: form.password.value });
        K.state.csrf = r.csrf;
        K.state.user = r.user;
        await start();
      } catch (err) {
        error.textContent = err.status === 401 ? t('login.wrong')
          : err.status === 429 ? t('login.limited', { s: err.retryAfter || '60' }) : err.message;
      }
    });
    app.appendChild(el('div', { class: 'login-page' }, form));
    form.name.focus();
  };

  K.renderShell = function () {
    const app = K.clear(document.getElementById('app'));
    const nav = [['#/queue', 'nav.queue', 'queue'], ['#/orders', 'nav.orders', 'orders'], ['#/catalog', 'nav.catalog', 'catalog'],
                 ['#/dashboard', 'nav.dashboard', 'dashboard'], ['#/campaigns', 'nav.campaigns', 'campaigns']];
    if (K.state.user.role === 'admin') nav.push(['#/settings', 'nav.settings', 'settings'], ['#/admin', 'nav.admin', 'admin']);
    const side = el('aside', { class: 'sidebar' },
      el('div', { class: 'brand' }, el('div', { class: 'logo' }, 'K'),
        el('div', {}, el('div', { class: 'brand-name' }, t('app.name')),
          el('div', { class: 'brand-sub' }, (K.state.meta && K.state.meta.shop) || t('app.tagline'))),
        // On a phone the navigation folds into this button (app.css, max-width 700px).
        el('button', { class: 'nav-toggle', type: 'button', 'aria-label': t('nav.menu'), 'data-test': 'nav-toggle',
          onclick: () => side.classList.toggle('open') }, '☰')),
      el('nav', {}, nav.map(([href, key, id]) =>
        el('a', { href, class: 'nav-item', 'data-nav': id, 'data-test': 'nav-' + id }, t(key)))),
      el('div', { class: 'side-foot' },
        el('div', { class: 'live', id: 'live', title: t('queue.live') }, el('span', { class: 'dot' }), t('queue.live')),
        el('div', { class: 'user' }, el('span', { class: 'user-name', 'data-test': 'user-name' }, K.state.user.name),
          el('span', { class: 'muted' }, ' · ' + t('admin.role.' + K.state.user.role))),
        el('div', { class: 'side-actions' },
          el('button', { class: 'link', onclick: K.switchLang, 'data-test': 'lang' }, t('lang.switch')),
          el('button', { class: 'link', 'data-test': 'logout', onclick: async () => {
            try { await K.api('POST', '/api/logout'); } catch (e) { /* signed out anyway */ }
            K.showLogin();
          } }, t('nav.logout')))));
    K.main = el('main', { class: 'main', id: 'main' });
    app.appendChild(el('div', { class: 'shell' }, side, K.main));
    route();
  };

  function route() {
    if (!K.state.user || !K.main) return;
    const hash = location.hash || '#/queue';
    const m = hash.match(/^#\/(\w+)(?:\/(.+))?$/);
    const name = m ? m[1] : 'queue';
    const arg = m ? m[2] : undefined;
    const side = document.querySelector('.sidebar');
    if (side) side.classList.remove('open');
    document.querySelectorAll('.nav-item').forEach((a) => {
      a.classList.toggle('active', a.dataset.nav === (name === 'lead' ? 'queue' : name));
    });
    const page = K.pages[name] || K.pages.queue;
    K.clear(K.main);
    K.main.scrollTop = 0;
    page(K.main, arg);
  }
  window.addEventListener('hashchange', route);

  function connectEvents() {
    if (events) events.close();
    events = new EventSource('/api/events');
    const live = () => document.getElementById('live');
    events.onopen = () => { const l = live(); if (l) { l.classList.remove('off'); l.lastChild.textContent = t('queue.live'); } };
    events.onerror = () => { const l = live(); if (l) { l.classList.add('off'); l.lastChild.textContent = t('queue.offline'); } };
    for (const type of ['lead.created', 'lead.updated', 'conversation.ended', 'order.created', 'order.updated']) {
      events.addEventListener(type, (e) => {
        let data = null;
        try { data = JSON.parse(e.data); } catch (err) { return; }
        K.bus.dispatchEvent(new CustomEvent(type, { detail: data }));
      });
    }
  }

  async function start() {
    K.state.meta = await K.api('GET', '/api/meta');
    if (!localStorage.getItem('kira.lang') && K.state.meta.language !== K.state.lang) {
      await K.loadStrings(K.state.meta.language === 'en' ? 'en' : 'ru');
    }
    K.renderShell();
    connectEvents();
  }

  async function boot() {
    await K.loadStrings(localStorage.getItem('kira.lang') || 'ru');
    try {
      const s = await K.api('GET', '/api/session');
      K.state.csrf = s.csrf;
      K.state.user = s.user;
      await start();
    } catch (e) {
      K.showLogin();
    }
  }
  boot();
})();
