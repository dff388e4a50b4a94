// The complaint inbox: the open work of my department (officers, department heads) or the
// tenant (other roles). The working set (the open statuses and answered-not-closed) is
// loaded once; filters, counts and the due-time sort are computed here, because the API
// filters by one status at a time and not by type or channel.
import { useMemo, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t, label, table } from '../i18n/index.js';
import { staff, getAll } from '../lib/api.js';
import { complaintTypes, typeMap } from '../lib/catalog.js';
import { useAsync, Async, PageTitle, Link, StatusBadge, DueBadge, ErrorBox, Field, Submit, useId } from '../components/ui.js';
import { fmtDateTime, dueShort, endOfTodayKst } from '../lib/time.js';

const OPEN = ['received', 'assigned', 'in_progress', 'awaiting_supplement', 'extended'];
const WORKING = [...OPEN, 'answered'];
const CLOSED = ['closed', 'transferred_out', 'withdrawn', 'repeat_closed'];
const TICKING = ['received', 'assigned', 'in_progress', 'extended'];

const QUICK = {
  open: { key: 'inbox.qOpen', test: (c) => OPEN.includes(c.status) },
  today: { key: 'inbox.qToday', test: (c, eod) => TICKING.includes(c.status) && new Date(c.due_at).getTime() <= eod },
  overdue: { key: 'inbox.qOverdue', test: (c) => !!c.overdue },
  supplement: { key: 'inbox.qSupplement', test: (c) => c.status === 'awaiting_supplement' },
  triage: { key: 'inbox.qTriage', test: (c) => c.status === 'received' && !c.department },
  answered: { key: 'inbox.qAnswered', test: (c) => c.status === 'answered' },
};

async function loadStatuses(statuses) {
  const parts = await Promise.all(statuses.map((s) => getAll(staff, '/complaints', { status: s, limit: 200 }, 5)));
  const seen = new Set();
  const items = [];
  let more = false;
  for (const p of parts) {
    more = more || p.more;
    for (const it of p.items) {
      if (!seen.has(it.receipt_no)) {
        seen.add(it.receipt_no);
        items.push(it);
      }
    }
  }
  return { items, more };
}

export function Inbox({ user }) {
  const [quick, setQuick] = useState('open');
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  const [channel, setChannel] = useState('');
  const [desc, setDesc] = useState(false);
  const [selected, setSelected] = useState(new Set());
  const closedStatus = CLOSED.includes(status) ? status : null;
  const working = useAsync(() => loadStatuses(WORKING), []);
  const closed = useAsync(() => (closedStatus ? loadStatuses([closedStatus]) : Promise.resolve(null)), [closedStatus]);
  const types = useAsync(() => complaintTypes().catch(() => []), []);
  const tmap = useMemo(() => typeMap(types.data), [types.data]);
  const ids = { status: useId('st'), type: useId('ty'), channel: useId('ch'), sort: useId('so') };
  const eod = endOfTodayKst();
  const now = Date.now();

  const base = closedStatus ? closed : working;
  const all = (base.data && base.data.items) || [];
  const byQuick = closedStatus ? all : all.filter((c) => QUICK[quick].test(c, eod));
  const filtered = byQuick
    .filter((c) => (closedStatus || !status ? true : c.status === status))
    .filter((c) => !type || c.type_code === type)
    .filter((c) => !channel || c.channel === channel)
    .sort((a, b) => {
      const d = new Date(a.due_at).getTime() - new Date(b.due_at).getTime();
      return desc ? -d : d;
    });

  const workingItems = (working.data && working.data.items) || [];
  const quickCounts = Object.fromEntries(Object.entries(QUICK).map(([k, q]) => [k, workingItems.filter((c) => q.test(c, eod)).length]));
  const inQuick = closedStatus ? all : workingItems.filter((c) => QUICK[quick].test(c, eod));
  const countBy = (f) => inQuick.reduce((m, c) => m.set(f(c), (m.get(f(c)) || 0) + 1), new Map());
  const statusCounts = countBy((c) => c.status);
  const typeCounts = countBy((c) => c.type_code);
  const channelCounts = countBy((c) => c.channel);

  const isSimple = (c) => tmap.get(c.type_code) && tmap.get(c.type_code).service_class === 'simple';
  const canBulk = ['officer', 'dept_head'].includes(user.role);
  const visibleSimple = filtered.filter(isSimple);

  function toggle(r) {
    const s = new Set(selected);
    if (s.has(r)) s.delete(r);
    else s.add(r);
    setSelected(s);
  }
  function toggleAll(on) {
    setSelected(on ? new Set(visibleSimple.map((c) => c.receipt_no)) : new Set());
  }

  const sub = ['officer', 'dept_head'].includes(user.role) && user.department
    ? t('inbox.subDept', { dept: user.department.name })
    : t('inbox.subAll');

  return html`<div>
    <${PageTitle} sub=${sub}>${t('inbox.title')}<//>
    <div class="quick" role="group" aria-label=${t('inbox.quick')}>
      ${Object.entries(QUICK).map(([k, q]) => html`<button type="button" class=${'chip' + (!closedStatus && quick === k ? ' chip-on' : '')}
          aria-pressed=${!closedStatus && quick === k ? 'true' : 'false'} data-quick=${k}
          onClick=${() => { setQuick(k); if (closedStatus) setStatus(''); setSelected(new Set()); }}>
          ${t(q.key)} <span class="chip-count">${working.data ? quickCounts[k] : '…'}</span></button>`)}
    </div>
    <form class="filters" aria-label=${t('inbox.filters')} onSubmit=${(e) => e.preventDefault()}>
      <${Field} label=${t('inbox.status')} id=${ids.status}>
        <select id=${ids.status} value=${status} onChange=${(e) => { setStatus(e.currentTarget.value); setSelected(new Set()); }}>
          <option value="">${t('common.all')}${closedStatus ? '' : ' (' + inQuick.length + ')'}</option>
          ${WORKING.map((s) => html`<option value=${s}>${label('status', s)} (${statusCounts.get(s) || 0})</option>`)}
          ${CLOSED.map((s) => html`<option value=${s}>${label('status', s)}${status === s && closed.data ? ' (' + closed.data.items.length + ')' : ''}</option>`)}
        </select>
      <//>
      <${Field} label=${t('inbox.type')} id=${ids.type}>
        <select id=${ids.type} value=${type} onChange=${(e) => setType(e.currentTarget.value)}>
          <option value="">${t('common.all')}</option>
          ${[...typeCounts.keys()].sort().map((code) => html`<option value=${code}>${(tmap.get(code) || {}).name || code} (${typeCounts.get(code)})</option>`)}
        </select>
      <//>
      <${Field} label=${t('inbox.channel')} id=${ids.channel}>
        <select id=${ids.channel} value=${channel} onChange=${(e) => setChannel(e.currentTarget.value)}>
          <option value="">${t('common.all')}</option>
          ${Object.keys(table('channel')).filter((c) => channelCounts.get(c)).map((c) => html`<option value=${c}>${label('channel', c)} (${channelCounts.get(c)})</option>`)}
        </select>
      <//>
      <${Field} label=${t('inbox.sort')} id=${ids.sort}>
        <select id=${ids.sort} value=${desc ? 'desc' : 'asc'} onChange=${(e) => setDesc(e.currentTarget.value === 'desc')}>
          <option value="asc">${t('inbox.sortAsc')}</option>
          <option value="desc">${t('inbox.sortDesc')}</option>
        </select>
      <//>
      <button type="button" class="btn btn-ghost btn-small filters-refresh" onClick=${() => { working.reload(); closed.reload(); }}>${t('common.refresh')}</button>
    </form>
    ${canBulk ? html`<${Bulk} selected=${selected} onDone=${() => { setSelected(new Set()); working.reload(); }} />` : null}
    <${Async} state=${base} empty=${t('inbox.empty')} isEmpty=${() => filtered.length === 0}>
      ${(data) => html`<div class="table-wrap">
        ${data.more ? html`<p class="notice notice-warn">${t('common.moreNotShown', { n: data.items.length })}</p>` : null}
        <table class="table inbox-table">
          <caption class="sr-only">${t('inbox.tableCaption')}</caption>
          <thead><tr>
            ${canBulk ? html`<th scope="col" class="col-check"><input type="checkbox" aria-label=${t('inbox.selectAll')}
              checked=${visibleSimple.length > 0 && visibleSimple.every((c) => selected.has(c.receipt_no))}
              disabled=${visibleSimple.length === 0} onChange=${(e) => toggleAll(e.currentTarget.checked)} /></th>` : null}
            <th scope="col">${t('inbox.colReceipt')}</th>
            <th scope="col">${t('inbox.colTitle')}</th>
            <th scope="col">${t('inbox.colType')}</th>
            <th scope="col">${t('inbox.colChannel')}</th>
            <th scope="col">${t('inbox.colStatus')}</th>
            <th scope="col">${t('inbox.colDue')}</th>
            <th scope="col">${t('inbox.colDept')}</th>
          </tr></thead>
          <tbody>
            ${filtered.map((c) => html`<tr key=${c.receipt_no} class=${c.overdue ? 'row-overdue' : ''} data-receipt=${c.receipt_no}>
              ${canBulk ? html`<td class="col-check">${isSimple(c)
                ? html`<input type="checkbox" aria-label=${t('inbox.selectRow', { receipt: c.receipt_no })} checked=${selected.has(c.receipt_no)} onChange=${() => toggle(c.receipt_no)} />`
                : html`<span class="sr-only">${t('inbox.onlySimple')}</span>`}</td>` : null}
              <td class="nowrap"><${Link} href=${'/complaints/' + encodeURIComponent(c.receipt_no)}>${c.receipt_no}<//></td>
              <td class="col-title">${c.title}</td>
              <td>${(tmap.get(c.type_code) || {}).name || c.type_code || ''}</td>
              <td class="nowrap">${label('channel', c.channel)}</td>
              <td class="nowrap"><${StatusBadge} status=${c.status} /></td>
              <td class="nowrap"><span class="due">${fmtDateTime(c.due_at)}</span><br /><span class="muted small">${TICKING.includes(c.status) ? dueShort(c.due_at, now) : ''}</span> <${DueBadge} item=${c} now=${now} /></td>
              <td>${c.department || html`<span class="badge badge-info">${t('inbox.triage')}</span>`}</td>
            </tr>`)}
          </tbody>
        </table>
        <p class="muted small" role="status">${t('inbox.caption', { n: filtered.length })}</p>
      </div>`}
    <//>
  </div>`;
}

function Bulk({ selected, onDone }) {
  const [action, setAction] = useState('answer');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [result, setResult] = useState(null);
  const ids = { action: useId('ba'), text: useId('bt') };

  async function run(e) {
    e.preventDefault();
    if (!selected.size) {
      setError({ message: t('inbox.bulkNone') });
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const body = { action, receipts: [...selected] };
      if (action === 'answer') body.text = text;
      const r = await staff.post('/complaints/bulk-actions', body);
      setResult(r);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const results = result ? result.results || result.items || [] : [];
  const ok = results.filter((r) => !r.error).length;
  return html`<section class="bulkbar" aria-label=${t('inbox.bulkTitle')}>
    <form class="bulk" onSubmit=${run}>
      <div class="row">
        <p class="bulk-count" role="status"><strong>${t('inbox.bulkSelected', { n: selected.size })}</strong><span class="muted small block">${t('inbox.onlySimple')}</span></p>
        <${Field} label=${t('inbox.bulkAction')} id=${ids.action}>
          <select id=${ids.action} value=${action} onChange=${(e) => setAction(e.currentTarget.value)}>
            ${['assign', 'start', 'answer', 'close'].map((a) => html`<option value=${a}>${label('action', a)}</option>`)}
          </select>
        <//>
        ${action === 'answer' ? html`<${Field} label=${t('inbox.bulkText')} id=${ids.text} class="grow">
          <input id=${ids.text} maxlength="4000" value=${text} onInput=${(e) => setText(e.currentTarget.value)} />
        <//>` : null}
        <div class="field field-button"><${Submit} busy=${busy} disabled=${!selected.size}>${t('inbox.bulkRun')}<//></div>
      </div>
    </form>
    <${ErrorBox} error=${error} />
    ${result ? html`<div role="status">
      <p><strong>${t('inbox.bulkResult', { ok, fail: results.length - ok })}</strong></p>
      <ul class="bulk-results">${results.map((r) => html`<li>${r.receipt_no}: ${r.error ? html`<span class="text-danger">${r.error.message}</span>` : label('status', r.status)}</li>`)}</ul>
    </div>` : null}
  </section>`;
}
