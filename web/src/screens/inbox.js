// The complaint inbox: the open work of my department (officers, department heads) or the
// tenant (other roles). The quick-filter counts come from GET /complaints/counts (counted
// by the database, in the same type/channel scope as the list); the list itself is read
// from GET /complaints with the chosen filters, soonest due first, 50 rows at a time with
// "더 보기" following next_cursor. The server filters by one status at a time, so "처리할
// 민원" (the five open statuses) reads one list per status and merges them by due time.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t, label, table } from '../i18n/index.js';
import { staff, qs, mergedPager } from '../lib/api.js';
import { complaintTypes, typeMap } from '../lib/catalog.js';
import { useAsync, Async, PageTitle, Link, StatusBadge, DueBadge, ErrorBox, Field, Submit, useId } from '../components/ui.js';
import { fmtDateTime, dueShort } from '../lib/time.js';

const PAGE = 50;
const OPEN = ['received', 'assigned', 'in_progress', 'awaiting_supplement', 'extended'];
const WORKING = [...OPEN, 'answered'];
const CLOSED = ['closed', 'transferred_out', 'withdrawn', 'repeat_closed'];
const TICKING = ['received', 'assigned', 'in_progress', 'extended'];
const KIND_ORDER = ['고충', '건의', '질의', '법정', '기타'];

// Each quick filter: the server lists it is read from, and its number in /complaints/counts.
const QUICK = {
  open: { key: 'inbox.qOpen', count: 'open', lists: OPEN.map((status) => ({ status })) },
  today: { key: 'inbox.qToday', count: 'due_today', lists: [{ due: 'today' }] },
  overdue: { key: 'inbox.qOverdue', count: 'overdue', lists: [{ due: 'overdue' }] },
  supplement: { key: 'inbox.qSupplement', count: 'awaiting_supplement', lists: [{ status: 'awaiting_supplement' }] },
  triage: { key: 'inbox.qTriage', count: 'triage', lists: [{ status: 'triage' }] },
  answered: { key: 'inbox.qAnswered', count: 'answered', lists: [{ status: 'answered' }] },
};

const dueMs = (c) => (c.due_at ? Date.parse(c.due_at) : -Infinity); // the server sorts NULL first

/** The first `want` rows of the filter, with the pager that gives the rows after them. */
async function loadList(key, lists, want) {
  const pager = mergedPager(staff, '/complaints', lists, { limit: PAGE, sortKey: dueMs, idKey: (c) => c.receipt_no });
  const first = await pager.take(Math.max(PAGE, want));
  return { key, pager, items: first.items, more: first.more };
}

export function Inbox({ user }) {
  const [quick, setQuick] = useState('open');
  const [status, setStatus] = useState(''); // one status from the select; it replaces the quick filter
  const [type, setType] = useState('');
  const [channel, setChannel] = useState('');
  const [selected, setSelected] = useState(new Set());
  const [more, setMore] = useState({ busy: false, error: null });
  const depth = useRef(0); // rows loaded so far: a reload (refresh, bulk action) keeps them
  const focusAfter = useRef(null);
  const tableRef = useRef(null);

  const scope = { type_code: type, channel };
  const lists = (status ? [{ status }] : QUICK[quick].lists).map((p) => ({ ...p, ...scope }));
  const key = JSON.stringify(lists);
  const list = useAsync(() => loadList(key, lists, depth.current), [key]);
  const counts = useAsync(() => staff.get('/complaints/counts' + qs(scope)), [type, channel]);
  const types = useAsync(() => complaintTypes().catch(() => []), []);
  const tmap = useMemo(() => typeMap(types.data), [types.data]);
  const typeGroups = useMemo(() => {
    const all = types.data || [];
    const known = new Set(KIND_ORDER);
    return [...KIND_ORDER, null]
      .map((k) => [k, all.filter((ty) => (k ? ty.kind === k : !known.has(ty.kind)))])
      .filter(([, l]) => l.length);
  }, [types.data]);
  const ids = { status: useId('st'), type: useId('ty'), channel: useId('ch') };
  const now = Date.now();

  // The rows of the filter now chosen (not those of the one before, while it loads).
  const data = list.data && list.data.key === key ? list.data : null;
  const items = data ? data.items : [];
  const live = useRef(null);
  live.current = list.data;

  useEffect(() => {
    const r = focusAfter.current;
    focusAfter.current = null;
    if (!r || !tableRef.current) return;
    const a = tableRef.current.querySelector(`tr[data-receipt="${CSS.escape(r)}"] a`);
    if (a) a.focus();
  });

  const c = counts.data;
  const total = !c ? null : status ? (c.by_status && c.by_status[status]) || 0 : c[QUICK[quick].count];

  function refilter(fn) {
    depth.current = 0;
    setSelected(new Set());
    setMore({ busy: false, error: null });
    fn();
  }
  function refresh() {
    depth.current = items.length;
    counts.reload();
    list.reload();
  }
  async function loadMore() {
    const d = data;
    if (!d || more.busy) return;
    setMore({ busy: true, error: null });
    try {
      const r = await d.pager.take(PAGE);
      if (live.current !== d) {
        setMore({ busy: false, error: null }); // the list was reloaded or refiltered meanwhile
        return;
      }
      depth.current = d.items.length + r.items.length;
      if (r.items.length) focusAfter.current = r.items[0].receipt_no;
      list.setData({ ...d, items: d.items.concat(r.items), more: r.more });
      setMore({ busy: false, error: null });
    } catch (err) {
      setMore({ busy: false, error: err });
    }
  }

  const isSimple = (x) => tmap.get(x.type_code) && tmap.get(x.type_code).service_class === 'simple';
  const canBulk = ['officer', 'dept_head'].includes(user.role);
  const visibleSimple = items.filter(isSimple);

  function toggle(r) {
    const s = new Set(selected);
    if (s.has(r)) s.delete(r);
    else s.add(r);
    setSelected(s);
  }
  function toggleAll(on) {
    setSelected(on ? new Set(visibleSimple.map((x) => x.receipt_no)) : new Set());
  }

  const sub = ['officer', 'dept_head'].includes(user.role) && user.department
    ? t('inbox.subDept', { dept: user.department.name })
    : t('inbox.subAll');
  const num = (n) => (n == null ? '' : ' (' + n.toLocaleString('ko-KR') + ')');

  return html`<div>
    <${PageTitle} sub=${sub}>${t('inbox.title')}<//>
    <div class="quick" role="group" aria-label=${t('inbox.quick')} aria-busy=${counts.loading ? 'true' : 'false'}>
      ${Object.entries(QUICK).map(([k, q]) => html`<button type="button" class=${'chip' + (!status && quick === k ? ' chip-on' : '')}
          aria-pressed=${!status && quick === k ? 'true' : 'false'} data-quick=${k}
          onClick=${() => refilter(() => { setQuick(k); setStatus(''); })}>
          ${t(q.key)} <span class="chip-count">${c ? (c[q.count] || 0).toLocaleString('ko-KR') : counts.error ? '–' : '…'}</span></button>`)}
    </div>
    ${counts.error ? html`<${ErrorBox} error=${counts.error} title=${t('inbox.countsError')} onRetry=${counts.reload} />` : null}
    <form class="filters" aria-label=${t('inbox.filters')} onSubmit=${(e) => e.preventDefault()}>
      <${Field} label=${t('inbox.status')} id=${ids.status}>
        <select id=${ids.status} value=${status} onChange=${(e) => { const v = e.currentTarget.value; refilter(() => setStatus(v)); }}>
          <option value="">${t('inbox.statusQuick', { quick: t(QUICK[quick].key) })}</option>
          ${[...WORKING, ...CLOSED].map((s) => html`<option value=${s}>${label('status', s)}${c ? num((c.by_status && c.by_status[s]) || 0) : ''}</option>`)}
        </select>
      <//>
      <${Field} label=${t('inbox.type')} id=${ids.type}>
        <select id=${ids.type} value=${type} onChange=${(e) => { const v = e.currentTarget.value; refilter(() => setType(v)); }}>
          <option value="">${t('common.all')}</option>
          ${type && !tmap.get(type) ? html`<option value=${type}>${type}</option>` : null}
          ${typeGroups.map(([k, l]) => html`<optgroup label=${k ? label('portal.kindGroups', k) : t('inbox.kindOther')}>
            ${l.map((ty) => html`<option value=${ty.code}>${ty.name}</option>`)}
          </optgroup>`)}
        </select>
      <//>
      <${Field} label=${t('inbox.channel')} id=${ids.channel}>
        <select id=${ids.channel} value=${channel} onChange=${(e) => { const v = e.currentTarget.value; refilter(() => setChannel(v)); }}>
          <option value="">${t('common.all')}</option>
          ${Object.keys(table('channel')).map((ch) => html`<option value=${ch}>${label('channel', ch)}</option>`)}
        </select>
      <//>
      <p class="muted small filters-note">${t('inbox.order')}</p>
      <button type="button" class="btn btn-ghost btn-small filters-refresh" onClick=${refresh}>${t('common.refresh')}</button>
    </form>
    ${canBulk ? html`<${Bulk} selected=${selected} onDone=${() => { setSelected(new Set()); refresh(); }} />` : null}
    <${Async} state=${{ ...list, data }} empty=${t('inbox.empty')} isEmpty=${(d) => d.items.length === 0}>
      ${(d) => html`<div class="table-wrap" aria-busy=${list.loading ? 'true' : 'false'} ref=${tableRef}>
        <table class="table inbox-table">
          <caption class="sr-only">${t('inbox.tableCaption')}</caption>
          <thead><tr>
            ${canBulk ? html`<th scope="col" class="col-check"><input type="checkbox" aria-label=${t('inbox.selectAll')}
              checked=${visibleSimple.length > 0 && visibleSimple.every((x) => selected.has(x.receipt_no))}
              disabled=${visibleSimple.length === 0} onChange=${(e) => toggleAll(e.currentTarget.checked)} /></th>` : null}
            <th scope="col">${t('inbox.colReceipt')}</th>
            <th scope="col">${t('inbox.colTitle')}</th>
            <th scope="col">${t('inbox.colType')}</th>
            <th scope="col">${t('inbox.colChannel')}</th>
            <th scope="col">${t('inbox.colStatus')}</th>
            <th scope="col" aria-sort="ascending">${t('inbox.colDue')}</th>
            <th scope="col">${t('inbox.colDept')}</th>
          </tr></thead>
          <tbody>
            ${d.items.map((x) => html`<tr key=${x.receipt_no} class=${x.overdue ? 'row-overdue' : ''} data-receipt=${x.receipt_no}
                data-status=${x.status} data-type=${x.type_code || ''} data-channel=${x.channel} data-due=${x.due_at || ''}>
              ${canBulk ? html`<td class="col-check">${isSimple(x)
                ? html`<input type="checkbox" aria-label=${t('inbox.selectRow', { receipt: x.receipt_no })} checked=${selected.has(x.receipt_no)} onChange=${() => toggle(x.receipt_no)} />`
                : html`<span class="sr-only">${t('inbox.onlySimple')}</span>`}</td>` : null}
              <td class="nowrap"><${Link} href=${'/complaints/' + encodeURIComponent(x.receipt_no)}>${x.receipt_no}<//></td>
              <td class="col-title">${x.title}</td>
              <td>${(tmap.get(x.type_code) || {}).name || x.type_code || ''}</td>
              <td class="nowrap">${label('channel', x.channel)}</td>
              <td class="nowrap"><${StatusBadge} status=${x.status} /></td>
              <td class="nowrap"><span class="due">${fmtDateTime(x.due_at)}</span><br /><span class="muted small">${TICKING.includes(x.status) ? dueShort(x.due_at, now) : ''}</span> <${DueBadge} item=${x} now=${now} /></td>
              <td>${x.department || html`<span class="badge badge-info">${t('inbox.triage')}</span>`}</td>
            </tr>`)}
          </tbody>
        </table>
        <div class="pager inbox-pager">
          <p class="muted small" role="status" data-testid="inbox-shown">${total != null && total >= d.items.length
            ? t('inbox.captionOf', { n: d.items.length.toLocaleString('ko-KR'), total: total.toLocaleString('ko-KR') })
            : t('inbox.caption', { n: d.items.length.toLocaleString('ko-KR') })}</p>
          ${d.more ? html`<button type="button" class="btn btn-small inbox-more" disabled=${more.busy} aria-busy=${more.busy ? 'true' : 'false'}
            onClick=${loadMore}>${more.busy ? t('common.loading') : (total != null && total > d.items.length ? t('inbox.more', { n: Math.min(PAGE, total - d.items.length) }) : t('inbox.moreAny'))}</button>` : null}
        </div>
        <${ErrorBox} error=${more.error} onRetry=${loadMore} />
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
