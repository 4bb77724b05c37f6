// Small SVG charts drawn in the browser (no libraries, no network): vertical bars (stacked),
// horizontal bars and a donut. Colours come from CSS classes c1..c8.
'use strict';
(function () {
  const el = K.el;
  const S = (tag, attrs, ...kids) => el('svg:' + tag, attrs, ...kids);

  // A round axis maximum with four equal steps; whole steps for whole-number data.
  function niceMax(v, whole) {
    if (v <= 0) return 4;
    const q = v / 4;
    const p = Math.pow(10, Math.floor(Math.log10(q)));
    let step = 10 * p;
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= q) { step = m * p; break; }
    if (whole) step = Math.max(1, Math.ceil(step));
    return 4 * step;
  }

  function legend(series) {
    return el('div', { class: 'legend' }, series.map((s) =>
      el('span', { class: 'legend-item' }, el('span', { class: 'swatch ' + s.cls }), s.name)));
  }

  // opts: {labels: [...], series: [{name, values, cls}], stacked, format, highlight: [idx]}
  function bars(opts) {
    const W = opts.width || 640, H = opts.height || 220, L = opts.axisWidth || 44, R = 8, T = 10, B = 34;
    const n = opts.labels.length;
    const totals = opts.labels.map((_, i) => opts.stacked
      ? opts.series.reduce((a, s) => a + (s.values[i] || 0), 0)
      : Math.max(0, ...opts.series.map((s) => s.values[i] || 0)));
    const whole = opts.series.every((s) => s.values.every((v) => Number.isInteger(v || 0)));
    const max = niceMax(Math.max(0, ...totals), whole);
    const fmt = opts.format || ((v) => K.fmtNum(v));
    const axisFmt = opts.axisFormat || fmt;
    const svg = S('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img' });
    for (let g = 0; g <= 4; g++) {
      const y = T + (H - T - B) * (1 - g / 4);
      svg.appendChild(S('line', { x1: L, x2: W - R, y1: y, y2: y, class: 'grid' }));
      svg.appendChild(S('text', { x: L - 6, y: y + 4, class: 'axis', 'text-anchor': 'end' }, axisFmt(max * g / 4)));
    }
    const slot = (W - L - R) / Math.max(1, n);
    const groups = opts.stacked ? 1 : opts.series.length;
    const bw = Math.max(2, Math.min(36, slot * 0.72 / groups));
    const step = Math.max(1, Math.ceil(n / 12));
    opts.labels.forEach((label, i) => {
      const x0 = L + slot * i + (slot - bw * groups) / 2;
      let acc = 0;
      opts.series.forEach((s, k) => {
        const v = s.values[i] || 0;
        if (!v) return;
        const h = (H - T - B) * v / max;
        const x = opts.stacked ? x0 : x0 + k * bw;
        const y = opts.stacked ? T + (H - T - B) - (H - T - B) * (acc + v) / max : T + (H - T - B) - h;
        acc += v;
        const hi = opts.highlight && opts.highlight.includes(i) ? ' hi' : '';
        svg.appendChild(S('rect', { x, y, width: bw, height: Math.max(1, h), class: 'bar ' + s.cls + hi, rx: 2 },
          S('title', {}, `${label} · ${s.name}: ${fmt(v)}`)));
      });
      if (i % step === 0)
        svg.appendChild(S('text', { x: L + slot * i + slot / 2, y: H - B + 16, class: 'axis', 'text-anchor': 'middle' }, label));
    });
    return el('div', { class: 'chart-box' }, svg, opts.series.length > 1 ? legend(opts.series) : null);
  }

  // items: [{label, value, cls}]
  function hbars(items, format) {
    const fmt = format || ((v) => K.fmtNum(v));
    const max = Math.max(1, ...items.map((i) => i.value));
    return el('div', { class: 'hbars' }, items.map((i) => {
      const fill = el('div', { class: 'hbar-fill ' + i.cls });
      fill.style.width = (100 * i.value / max).toFixed(1) + '%';
      return el('div', { class: 'hbar' }, el('div', { class: 'hbar-label' }, i.label),
        el('div', { class: 'hbar-track' }, fill), el('div', { class: 'hbar-value' }, fmt(i.value)));
    }));
  }

  // items: [{label, value, cls}]; center: text in the middle
  function donut(items, center) {
    const total = items.reduce((a, i) => a + i.value, 0);
    const R = 70, r = 44, C = 90;
    const svg = S('svg', { viewBox: '0 0 180 180', class: 'donut', role: 'img' });
    let a0 = -Math.PI / 2;
    if (!total) svg.appendChild(S('circle', { cx: C, cy: C, r: (R + r) / 2, class: 'empty-ring', 'stroke-width': R - r, fill: 'none' }));
    items.forEach((i) => {
      if (!i.value) return;
      const a1 = a0 + 2 * Math.PI * i.value / total;
      const large = a1 - a0 > Math.PI ? 1 : 0;
      const p = (rad, a) => `${C + rad * Math.cos(a)} ${C + rad * Math.sin(a)}`;
      const d = i.value === total
        ? `M ${p(R, 0)} A ${R} ${R} 0 1 1 ${p(R, Math.PI)} A ${R} ${R} 0 1 1 ${p(R, 0)} M ${p(r, 0)} A ${r} ${r} 0 1 0 ${p(r, Math.PI)} A ${r} ${r} 0 1 0 ${p(r, 0)} Z`
        : `M ${p(R, a0)} A ${R} ${R} 0 ${large} 1 ${p(R, a1)} L ${p(r, a1)} A ${r} ${r} 0 ${large} 0 ${p(r, a0)} Z`;
      svg.appendChild(S('path', { d, class: 'slice ' + i.cls, 'fill-rule': 'evenodd' }, S('title', {}, `${i.label}: ${i.value}`)));
      a0 = a1;
    });
    svg.appendChild(S('text', { x: C, y: C + 6, 'text-anchor': 'middle', class: 'donut-center' }, center));
    return el('div', { class: 'donut-box' }, svg,
      el('div', { class: 'legend vertical' }, items.map((i) => el('span', { class: 'legend-item' },
        el('span', { class: 'swatch ' + i.cls }), i.label, el('span', { class: 'muted' }, ' ' + i.value +
          (total ? ' (' + Math.round(100 * i.value / total) + '%)' : ''))))));
  }

  K.charts = { bars, hbars, donut };
})();
