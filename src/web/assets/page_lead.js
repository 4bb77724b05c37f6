// The lead page: contact, conversations with transcripts and recordings, orders, tasks, the
// timeline and Vera's result (approve / send again).
'use strict';
(function () {
  const el = K.el, t = K.t;

  function dl(pairs) {
    return el('dl', { class: 'dl' }, pairs.filter((p) => p).map(([k, v]) => [el('dt', {}, k), el('dd', {}, v === '' || v === null || v === undefined ? t('common.none') : v)]));
  }

  function conversation(c) {
    const turns = el('div', { class: 'transcript', 'data-test': 'transcript' },
      c.turns.map((turn) => el('div', { class: 'turn ' + turn.speaker },
        el('div', { class: 'turn-who' }, turn.speaker === 'caller' ? t('lead.speaker.caller') : K.label('agent', c.agent),
          el('span', { class: 'muted' }, ' · ' + K.fmtTime(turn.at))),
        el('div', { class: 'bubble' }, turn.text))));
    return el('section', { class: 'conversation', 'data-test': 'conversation' },
      el('div', { class: 'conv-head' },
        el('strong', {}, K.label('agent', c.agent)),
        K.badge('channel', c.channel), K.badge('outcome', c.outcome),
        el('span', { class: 'muted' }, K.fmtTime(c.started_at))),
      c.summary ? el('p', { class: 'conv-summary' }, c.summary) : null,
      c.has_recording ? el('div', { class: 'recording' }, el('span', { class: 'muted' }, t('lead.recording')),
        el('audio', { controls: true, preload: 'none', src: '/api/conversations/' + c.id + '/recording', 'data-test': 'recording' })) : null,
      el('h4', {}, t('lead.transcript')), turns);
  }

  function ordersTable(orders, reload) {
    if (!orders.length) return el('p', { class: 'muted' }, t('lead.no_orders'));
    return orders.map((o) => K.orderCard(o, reload));
  }

  function tasksTable(tasks) {
    if (!tasks.length) return el('p', { class: 'muted' }, t('lead.no_tasks'));
    return el('table', { class: 'table compact', 'data-test': 'tasks' },
      el('thead', {}, el('tr', {}, ['task.kind', 'task.not_before', 'task.status', 'task.result'].map((k) => el('th', {}, t(k))))),
      el('tbody', {}, tasks.map((tk) => el('tr', { 'data-test': 'task-row' },
        el('td', {}, t('task_kind.' + tk.kind), tk.note ? el('div', { class: 'muted small' }, tk.note) : null),
        el('td', { class: 'nowrap' }, tk.not_before ? K.fmtTime(tk.not_before) : t('common.none')),
        el('td', {}, K.label('task_status', tk.status)), el('td', {}, tk.last_result ? K.label('outcome', tk.last_result) : t('common.none'))))));
  }

  function timeline(items) {
    return el('ol', { class: 'timeline' }, items.slice().reverse().map((i) => el('li', {},
      el('div', { class: 'tl-when' }, K.fmtTime(i.at)),
      el('div', {}, K.label('timeline', i.type),
        i.actor ? el('span', { class: 'muted' }, ' · ' + i.actor.replace(/^user:/, '')) : null,
        i.type === 'conversation.ended' && i.detail ? el('span', { class: 'muted' }, ' · ' + K.label('outcome', i.detail)) : null,
        i.type === 'order.status' ? el('span', { class: 'muted' }, ' · №' + i.ref + ' ' + i.detail.split(' -> ').map((s) => K.label('order_status', s)).join(' → ')) : null))));
  }

  function veraCard(data, reload) {
    const v = data.vera;
    if (!v) return null;
    const finished = v.task.status === 'done' || v.task.status === 'failed';
    const result = finished ? (v.task.last_result || v.outcome) : '';
    return el('div', { class: 'card vera', 'data-test': 'vera-card' },
      el('h3', {}, t('vera.result')),
      finished ? el('div', {}, K.badge('outcome', result), v.summary ? el('p', {}, v.summary) : null)
               : el('p', { class: 'muted', 'data-test': 'vera-pending' }, t('vera.pending'), ' · ', K.fmtTime(v.task.not_before || v.task.created_at)),
      v.task.note ? el('p', { class: 'muted small' }, v.task.note) : null,
      v.approved ? el('p', { class: 'ok' }, t('vera.approved')) : el('div', { class: 'row-actions' },
        finished ? el('button', { class: 'btn primary small', 'data-test': 'approve', onclick: async () => {
          try { await K.api('POST', '/api/leads/' + data.lead.id + '/approve'); reload(); } catch (e) { K.toast(e.message, 'error'); }
        } }, t('action.approve')) : null,
        finished && data.lead.status !== 'closed' ? el('button', { class: 'btn small', onclick: () => K.sendVera(data.lead, reload) }, t('action.send_again')) : null));
  }

  K.pages.lead = async function (main, id) {
    main.appendChild(el('p', { class: 'muted' }, t('common.loading')));
    let data;
    try {
      data = await K.api('GET', '/api/leads/' + encodeURIComponent(id));
    } catch (e) {
      K.clear(main).appendChild(el('div', { class: 'card error' }, e.message));
      return;
    }
    const reload = () => { if (main.isConnected) { K.clear(main); K.pages.lead(main, id); } };
    const lead = data.lead, c = data.contact || {};
    const guard = (fn) => async () => { try { await fn(); } catch (e) { K.toast(e.message, 'error'); } };
    K.clear(main).append(
      el('a', { href: '#/queue', class: 'back' }, t('lead.back')),
      el('div', { class: 'page-head' },
        el('h1', { 'data-test': 'lead-title' }, t('lead.title', { id: lead.id })),
        K.badge('status', lead.status), K.badge('outcome', lead.outcome),
        el('div', { class: 'spacer' }),
        lead.status === 'new' ? el('button', { class: 'btn', 'data-test': 'take', onclick: guard(async () => { await K.takeLead(lead); reload(); }) }, t('action.take')) : null,
        lead.status !== 'closed' ? el('button', { class: 'btn accent', 'data-test': 'send-vera', onclick: () => K.sendVera(lead, reload) }, t('action.vera')) : null,
        lead.status !== 'closed' ? el('button', { class: 'btn ghost', 'data-test': 'close', onclick: () => K.closeLead(lead, reload) }, t('action.close')) : null),
      el('div', { class: 'lead-grid' },
        el('div', { class: 'col-main' },
          el('div', { class: 'card' }, el('h3', {}, t('lead.details')),
            dl([[t('lead.summary'), lead.summary], [t('queue.col.outcome'), K.label('outcome', lead.outcome)],
                [t('queue.col.reason'), lead.reason ? K.label('reason', lead.reason) : ''], [t('lead.interest'), lead.interest],
                [t('queue.col.channel'), K.label('channel', lead.channel)], [t('lead.source'), lead.source],
                [t('lead.assigned'), lead.assigned_to], [t('lead.created'), K.fmtTime(lead.created_at)]])),
          el('div', { class: 'card' }, el('h3', {}, t('lead.conversations')),
            data.conversations.length ? data.conversations.map(conversation) : el('p', { class: 'muted' }, t('lead.no_conversations'))),
          el('div', { class: 'card' }, el('h3', {}, t('lead.orders')), ordersTable(data.orders, reload))),
        el('div', { class: 'col-side' },
          el('div', { class: 'card' }, el('h3', {}, t('lead.contact')),
            dl([[t('lead.name'), c.name], [t('lead.phone'), el('span', { class: 'mono', 'data-test': 'contact-phone' }, c.phone || '')], [t('lead.timezone'), c.timezone]]),
            lead.source_flagged ? el('p', { class: 'warn' }, t('lead.flagged')) : null),
          veraCard(data, reload),
          el('div', { class: 'card' }, el('h3', {}, t('lead.tasks')), tasksTable(data.tasks)),
          el('div', { class: 'card' }, el('h3', {}, t('lead.timeline')), timeline(data.timeline)))));
    const onUpdate = (e) => { if (main.isConnected && e.detail && (e.detail.id === lead.id || e.detail.lead_id === lead.id)) reload(); };
    for (const ev of ['lead.updated', 'conversation.ended', 'order.created', 'order.updated']) K.bus.addEventListener(ev, onUpdate);
    const stop = () => {
      for (const ev of ['lead.updated', 'conversation.ended', 'order.created', 'order.updated']) K.bus.removeEventListener(ev, onUpdate);
      window.removeEventListener('hashchange', stop);
    };
    window.addEventListener('hashchange', stop);
  };
})();
