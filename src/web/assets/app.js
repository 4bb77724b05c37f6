// Kira workspace: shared helpers (i18n, DOM builder, API client, formatting, modals, router).
// Every user-visible string comes from /assets/i18n/<lang>.json; data is inserted as text
// nodes only (never as HTML).
'use strict';
const K = (window.K = {
  state: { lang: 'ru', strings: {}, meta: null, csrf: '', user: null },
  pages: {},
  bus: new EventTarget(),
});

K.t = function (key, vars) {
  let s = K.state.strings[key];
  if (s === undefined) s = key;
  if (vars) for (const k of Object.keys(vars)) s = s.split('{' + k + '}').join(String(vars[k]));
  return s;
};
// A label for a code in a group ("outcome", "reason", "status", "channel"), or the code itself.
K.label = function (group, code) {
  if (!code) return K.t('common.none');
  // A lead closed with Vera's approved result has the reason "vera_<result>" (crm/outcome.h).
  if (group === 'reason' && code.startsWith('vera_') && 'reason.vera' in K.state.strings)
    return K.state.strings['reason.vera'] + ': ' + K.label('outcome', code.slice(5));
  const key = group + '.' + code;
  return key in K.state.strings ? K.state.strings[key] : code;
};

// el('div', {class: 'x', onclick: fn, 'data-test': 'y'}, 'text', child, [more])
K.el = function (tag, attrs, ...children) {
  const svg = tag.startsWith('svg:');
  const node = svg
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'value' && !svg) node.value = v;
    else if (k === 'checked' && !svg) node.checked = !!v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  const add = (c) => {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) return c.forEach(add);
    node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  };
  children.forEach(add);
  return node;
};
K.clear = function (node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
};

class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}
K.ApiError = ApiError;

// JSON API call. A 401 anywhere but /api/session sends the user to the sign-in page.
K.api = async function (method, path, body, opt) {
  opt = opt || {};
  const headers = {};
  let payload;
  if (opt.raw !== undefined) {
    payload = opt.raw;
    headers['Content-Type'] = opt.type || 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET') headers['X-CSRF-Token'] = K.state.csrf;
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, e.message || 'network error', 'network');
  }
  if (res.status === 204) return null;
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    data = null;
  }
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/session' && path !== '/api/login') {
      K.showLogin(K.t('common.session_expired'));
    }
    const err = new ApiError(res.status, (data && data.error) || 'HTTP ' + res.status,
                             data && data.code);
    err.field = data && data.field;
    err.retryAfter = res.headers.get('Retry-After');
    err.data = data;  // the whole error body (e.g. import_error: a code the page words itself)
    throw err;
  }
  return data;
};

K.fmtTime = function (ms) {
  if (!ms) return K.t('common.none');
  const opts = { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' };
  if (K.state.meta && K.state.meta.timezone) opts.timeZone = K.state.meta.timezone;
  try {
    return new Intl.DateTimeFormat(K.state.lang === 'ru' ? 'ru-RU' : 'en-GB', opts).format(ms);
  } catch (e) {
    return new Date(ms).toLocaleString();
  }
};
K.fmtMoney = function (v) {
  return new Intl.NumberFormat(K.state.lang === 'ru' ? 'ru-RU' : 'en-GB', {
    style: 'currency', currency: 'RUB', maximumFractionDigits: 0,
  }).format(v || 0);
};
K.fmtNum = function (v) {
  return new Intl.NumberFormat(K.state.lang === 'ru' ? 'ru-RU' : 'en-GB', {
    maximumFractionDigits: 2,
  }).format(v || 0);
};
K.badge = function (group, code, extra) {
  if (!code) return K.el('span', { class: 'muted' }, K.t('common.none'));
  return K.el('span', { class: 'badge ' + group + '-' + code + (extra ? ' ' + extra : '') },
              K.label(group, code));
};
K.caller = function (lead) {
  const c = lead.contact || {};
  return K.el('div', { class: 'caller' },
              K.el('div', { class: 'caller-name' }, c.name || c.phone || K.t('common.none')),
              c.name ? K.el('div', { class: 'caller-phone' }, c.phone) : null);
};

K.toast = function (msg, kind) {
  let box = document.getElementById('toasts');
  if (!box) {
    box = K.el('div', { id: 'toasts', class: 'toasts', 'aria-live': 'polite' });
    document.body.appendChild(box);
  }
  const t = K.el('div', { class: 'toast ' + (kind || 'info'), 'data-test': 'toast' }, msg);
  box.appendChild(t);
  setTimeout(() => t.classList.add('hide'), 3500);
  setTimeout(() => t.remove(), 4000);
};

// A modal dialog: fields is a node; onSubmit returns a promise; errors are shown in the dialog.
K.modal = function ({ title, body, submit, onSubmit, test }) {
  const error = K.el('div', { class: 'form-error', role: 'alert' });
  const close = () => overlay.remove();
  const form = K.el('form', { class: 'modal', 'data-test': test || 'modal' },
    K.el('h2', {}, title),
    body,
    error,
    K.el('div', { class: 'modal-actions' },
      K.el('button', { type: 'button', class: 'btn', onclick: close }, K.t('common.cancel')),
      K.el('button', { type: 'submit', class: 'btn primary', 'data-test': 'modal-submit' }, submit)));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    try {
      await onSubmit(form);
      close();
    } catch (err) {
      error.textContent = err.message;
      btn.disabled = false;
    }
  });
  const overlay = K.el('div', { class: 'overlay', onclick: (e) => { if (e.target === overlay) close(); } }, form);
  document.body.appendChild(overlay);
  const first = form.querySelector('textarea, input, select');
  if (first) first.focus();
  return overlay;
};

K.field = function (label, input) {
  return K.el('label', { class: 'field' }, K.el('span', {}, label), input);
};
K.select = function (name, options, value, attrs) {
  return K.el('select', Object.assign({ name }, attrs || {}),
    options.map(([v, text]) => K.el('option', { value: v, selected: v === value ? true : null }, text)));
};

K.loadStrings = async function (lang) {
  const res = await fetch('/assets/i18n/' + lang + '.json');
  K.state.strings = await res.json();
  K.state.lang = lang;
  document.documentElement.lang = lang;
  localStorage.setItem('kira.lang', lang);
};
K.switchLang = async function () {
  await K.loadStrings(K.state.lang === 'ru' ? 'en' : 'ru');
  if (K.state.user) K.renderShell();
  else K.showLogin();
};
