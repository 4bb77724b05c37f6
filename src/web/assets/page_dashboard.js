// The dashboard: requests per channel per day/week, targeted share and reasons, who handled,
// orders, Vera's outcomes, requests by hour of day. Charts are SVG drawn by charts.js.
'use strict';
(function () {
  const el = K.el, t = K.t;
  const state = { days: 30, period: 'day' };
  const CH = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'];

  function card(title, body, wide) {
    const cls = wide === true ? ' wide' : wide ? ' ' + wide : '';
    return el('div', { class: 'card chart-card' + cls, 'data-test': 'chart' }, el('h3', {}, title), body);
  }
  function kpi(label, value, test) {
    return el('div', { class: 'kpi', 'data-test': test }, el('div', { class: 'kpi-value' }, value), el('div', { class: 'kpi-label' }, label));
  }
  function shortDate(key) {
    const [y, m, d] = key.split('-');
    return d + '.' + m;
  }

  K.pages.dashboard = function (main) {
    const body = el('div', { class: 'dash' }, el('p', { class: 'muted' }, t('common.loading')));
    const rangeSel = K.select('days', [7, 30, 90, 365].map((n) => [String(n), t('dash.days', { n })]), String(state.days),
      { onchange: (e) => { state.days = Number(e.target.value); load(); } });
    const periodSel = K.select('period', [['day', t('dash.day')], ['week', t('dash.week')]], state.period,
      { onchange: (e) => { state.period = e.target.value; load(); } });
    const tz = el('span', { class: 'muted' });
    main.append(el('div', { class: 'page-head' }, el('h1', {}, t('dash.title')), tz, el('div', { class: 'spacer' }),
      K.field(t('dash.range'), rangeSel), K.field(t('dash.by'), periodSel)), body);

    async function load() {
      const to = Date.now();
      const from = to - state.days * 86400000;
      let d;
      try {
        d = await K.api('GET', `/api/dashboard?from=${from}&to=${to}&period=${state.period}`);
      } catch (e) {
        K.clear(body).appendChild(el('div', { class: 'card error' }, e.message));
        return;
      }
      tz.textContent = t('dash.tz', { tz: d.timezone });
      const tot = d.totals;
      const channels = Object.keys(d.channels).sort();
      const labels = d.series.map((s) => shortDate(s.period));
      const share = tot.leads ? Math.round(100 * tot.targeted / tot.leads) + '%' : '—';
      const sortEntries = (o) => Object.entries(o).sort((a, b) => b[1] - a[1]);
      const hourLabels = Array.from({ length: 24 }, (_, h) => String(h));
      K.clear(body).append(
        el('div', { class: 'kpis' },
          kpi(t('dash.requests'), K.fmtNum(tot.leads), 'kpi-leads'), kpi(t('dash.targeted_share'), share, 'kpi-targeted'),
          kpi(t('dash.orders'), K.fmtNum(tot.orders), 'kpi-orders'), kpi(t('dash.orders_value'), K.fmtMoney(tot.orders_value), 'kpi-value')),
        el('div', { class: 'chart-grid' },
          card(t('dash.per_channel'), tot.leads ? K.charts.bars({ labels, stacked: true, width: 1200, height: 240,
            series: channels.map((c, i) => ({ name: K.label('channel', c), cls: CH[i % 8], values: d.series.map((s) => s.channels[c] || 0) })) })
            : el('p', { class: 'muted' }, t('dash.no_data')), true),
          card(t('dash.targeting'), K.charts.donut([
            { label: t('dash.targeted'), value: tot.targeted, cls: 'c2' },
            { label: t('dash.non_targeted'), value: tot.non_targeted, cls: 'c5' },
            { label: t('dash.unknown'), value: tot.unknown, cls: 'c8' }], share)),
          card(t('dash.reasons'), Object.keys(d.reasons).length ? K.charts.hbars(sortEntries(d.reasons).map(([k, v]) => ({ label: K.label('reason', k), value: v, cls: 'c5' })))
            : el('p', { class: 'muted' }, t('dash.no_data'))),
          card(t('dash.handled'), K.charts.donut([
            { label: t('dash.agent'), value: d.handled.agent, cls: 'c1' },
            { label: t('dash.manager'), value: d.handled.manager, cls: 'c3' }],
            tot.leads ? Math.round(100 * d.handled.agent / tot.leads) + '%' : '—')),
          card(t('dash.vera'), Object.keys(d.vera).length ? K.charts.hbars(sortEntries(d.vera).map(([k, v]) => ({ label: K.label('outcome', k), value: v, cls: 'c4' })))
            : el('p', { class: 'muted' }, t('dash.no_data'))),
          card(t('dash.orders_chart'), K.charts.bars({ labels, width: 800, height: 230, axisWidth: 64,
            axisFormat: (v) => new Intl.NumberFormat(K.state.lang === 'ru' ? 'ru-RU' : 'en-GB', { notation: 'compact', maximumFractionDigits: 1 }).format(v) + ' ₽',
            series: [{ name: t('dash.orders_value'), cls: 'c2', values: d.series.map((s) => s.orders_value) }],
            format: (v) => K.fmtMoney(v) }), 'span2'),
          card(t('dash.by_hour'), K.charts.bars({ labels: hourLabels, stacked: true, width: 1200, height: 220,
            highlight: [21, 22, 23, 0, 1, 2, 3, 4, 5, 6, 7],
            series: [{ name: t('dash.calls'), cls: 'c1', values: d.calls_by_hour },
                     { name: t('dash.all_requests') + ' − ' + t('dash.calls'), cls: 'c6', values: d.by_hour.map((v, h) => v - d.calls_by_hour[h]) }] }), true)));
    }
    load();
  };
})();
