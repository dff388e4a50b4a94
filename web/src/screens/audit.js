// The audit log (감사 로그) for privacy officers and admins: every audited event of the
// tenant, newest first, filtered the way GET /audit allows (action — exact or a prefix such
// as "auth" —, actor, target type and id, a day range) and paged by cursor. The purpose
// stated for an RRN reveal has its own, highlighted column; a row opens to show the
// event's detail as pretty-printed JSON text. The filters live in the address so a view can
// be bookmarked. Opening the screen is itself audited by the server (audit.read).
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t, label, table } from '../i18n/index.js';
import { staff, qs } from '../lib/api.js';
import { navigate } from '../lib/router.js';
import { Async, PageTitle, Link, Field, useId, useCursorPages, CursorPager, useOpenSet } from '../components/ui.js';
import { fmtDateTime } from '../lib/time.js';

export const AUDIT_ROLES = ['privacy_officer', 'admin'];
const PAGE = 50;
export const RRN_READ = 'customer.rrn.read';
// Exact actions offered in the filter, then the prefixes (a whole family of actions).
const ACTIONS = [
  RRN_READ, 'auth.login', 'auth.login.failed', 'auth.login.throttled', 'customer.read', 'customer.update',
  'customer.merge', 'customer.unmerge', 'complaint.create', 'complaint.update', 'complaint.disclose',
  'consent.grant', 'consent.withdraw', 'template.update', 'call_task.create', 'call_task.claim',
  'call_task.complete', 'resident.signin', 'contact.create', 'audit.read',
];
const PREFIXES = ['auth', 'customer', 'complaint', 'consent', 'call_task', 'template', 'resident', 'user'];
const TARGET_TYPES = ['customer', 'complaint', 'user', 'session', 'message_template', 'call_task', 'match_review', 'source', 'department', 'audit_log'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The Korean name of an action; an unknown one stays as its code. */
export function actionLabel(code) {
  if (!code) return '';
  const own = table('audit.actions')[code];
  return typeof own === 'string' ? own : code;
}

function readFilters(search) {
  const p = new URLSearchParams(search || '');
  const day = (k) => {
    const v = (p.get(k) || '').trim();
    return DAY.test(v) ? v : '';
  };
  return {
    action: (p.get('action') || '').trim(),
    actor: (p.get('actor') || '').trim(),
    target_type: (p.get('target_type') || '').trim(),
    target_id: (p.get('target_id') || '').trim(),
    from: day('from'),
    to: day('to'),
  };
}

const keyOf = (f) => [f.action, f.actor, f.target_type, f.target_id, f.from, f.to].join('|');
const anyFilter = (f) => Object.values(f).some((v) => v);

// The day after a YYYY-MM-DD (the screen's "to" includes its day; the API's excludes it).
function nextDay(d) {
  const ms = Date.parse(d + 'T00:00:00Z');
  return isNaN(ms) ? d : new Date(ms + 86400e3).toISOString().slice(0, 10);
}

export function AuditLog({ search }) {
  const f = readFilters(search);
  return html`<div>
    <${PageTitle} sub=${t('audit.intro')}>${t('audit.title')}<//>
    <${Filters} f=${f} />
    <${List} key=${keyOf(f)} f=${f} />
  </div>`;
}

function Filters({ f }) {
  const [v, setV] = useState(f);
  useEffect(() => setV(f), [keyOf(f)]);
  const ids = { a: useId('au-ac'), u: useId('au-us'), tt: useId('au-tt'), ti: useId('au-ti'), fr: useId('au-fr'), to: useId('au-to') };
  const go = (next) => {
    const n = { ...next };
    for (const k of Object.keys(n)) n[k] = (n[k] || '').trim();
    navigate('/audit' + qs(n));
  };
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const typeLabels = table('audit.targets');
  const known = ACTIONS.includes(v.action) || PREFIXES.includes(v.action) || !v.action;
  const knownType = TARGET_TYPES.includes(v.target_type) || !v.target_type;
  return html`<form class="filters audit-filters" role="search" aria-label=${t('audit.filters')} onSubmit=${(e) => { e.preventDefault(); go(v); }}>
    <${Field} label=${t('audit.action')} id=${ids.a}>
      <select id=${ids.a} value=${v.action} data-filter="action" onChange=${(e) => { const n = { ...v, action: e.currentTarget.value }; setV(n); go(n); }}>
        <option value="">${t('common.all')}</option>
        ${known ? null : html`<option value=${v.action}>${actionLabel(v.action)}</option>`}
        <optgroup label=${t('audit.actionsExact')}>
          ${ACTIONS.map((a) => html`<option value=${a}>${actionLabel(a)}</option>`)}
        </optgroup>
        <optgroup label=${t('audit.actionsFamily')}>
          ${PREFIXES.map((p) => html`<option value=${p}>${t('audit.family', { name: label('audit.families', p) })}</option>`)}
        </optgroup>
      </select>
    <//>
    <${Field} label=${t('audit.actor')} id=${ids.u} hint=${t('audit.actorHint')}>
      <input id=${ids.u} type="search" value=${v.actor} maxlength="64" autocomplete="off" aria-describedby=${ids.u + '-hint'} onInput=${set('actor')} />
    <//>
    <${Field} label=${t('audit.targetType')} id=${ids.tt}>
      <select id=${ids.tt} value=${v.target_type} onChange=${set('target_type')}>
        <option value="">${t('common.all')}</option>
        ${knownType ? null : html`<option value=${v.target_type}>${v.target_type}</option>`}
        ${TARGET_TYPES.map((k) => html`<option value=${k}>${typeLabels[k] || k}</option>`)}
      </select>
    <//>
    <${Field} label=${t('audit.targetId')} id=${ids.ti} hint=${t('audit.targetIdHint')}>
      <input id=${ids.ti} type="search" value=${v.target_id} maxlength="64" autocomplete="off" aria-describedby=${ids.ti + '-hint'} onInput=${set('target_id')} />
    <//>
    <${Field} label=${t('audit.from')} id=${ids.fr}>
      <input id=${ids.fr} type="date" value=${v.from} onInput=${set('from')} />
    <//>
    <${Field} label=${t('audit.to')} id=${ids.to}>
      <input id=${ids.to} type="date" value=${v.to} onInput=${set('to')} />
    <//>
    <div class="button-row filters-actions">
      <button type="submit" class="btn btn-primary">${t('audit.apply')}</button>
      ${f.action !== RRN_READ ? html`<button type="button" class="btn" data-preset="rrn" onClick=${() => go({ ...v, action: RRN_READ })}>${t('audit.presetRrn')}</button>` : null}
      ${anyFilter(f) ? html`<button type="button" class="btn btn-ghost" onClick=${() => navigate('/audit')}>${t('audit.clear')}</button>` : null}
    </div>
  </form>`;
}

function List({ f }) {
  const p = useCursorPages((cursor) => staff.get('/audit' + qs({ ...f, to: f.to ? nextDay(f.to) : '', limit: PAGE, cursor })));
  const [open, toggle] = useOpenSet();
  const state = p.state;
  return html`<div>
    <${Async} state=${state} empty=${anyFilter(f) ? t('audit.emptyFiltered') : t('audit.empty')} loadingText=${t('audit.loading')}>
      ${(d) => html`<div class="table-wrap" aria-busy=${state.loading ? 'true' : 'false'}>
        <table class="table audit-table">
          <caption class="sr-only">${t('audit.caption')}</caption>
          <thead><tr>
            <th scope="col"><span class="sr-only">${t('audit.colDetail')}</span></th>
            <th scope="col">${t('audit.colAt')}</th>
            <th scope="col">${t('audit.colActor')}</th>
            <th scope="col">${t('audit.colAction')}</th>
            <th scope="col">${t('audit.colTarget')}</th>
            <th scope="col" class="col-purpose">${t('audit.colPurpose')}</th>
            <th scope="col">${t('audit.colRequest')}</th>
            <th scope="col">${t('audit.colAddr')}</th>
          </tr></thead>
          ${d.items.map((e) => html`<${Row} key=${e.id} e=${e} open=${open.has(e.id)} onToggle=${() => toggle(e.id)} />`)}
        </table>
      </div>`}
    <//>
    <${CursorPager} p=${p} />
  </div>`;
}

function Target({ e }) {
  if (!e.target_type && !e.target_id) return html`<span class="muted">${t('common.none')}</span>`;
  const kind = e.target_type ? label('audit.targets', e.target_type) : '';
  let id = e.target_id || '';
  if (id && e.target_type === 'customer' && /^\d+$/.test(id)) id = html`<${Link} href=${'/customers/' + id}>${id}<//>`;
  else if (id && e.target_type === 'complaint' && /^\d{4}-\d{6}$/.test(id)) id = html`<${Link} href=${'/complaints/' + encodeURIComponent(id)}>${id}<//>`;
  return html`<span>${kind}${kind && e.target_id ? ' ' : ''}${id}</span>`;
}

function pretty(detail) {
  if (detail === null || detail === undefined) return null;
  try {
    return JSON.stringify(detail, null, 2);
  } catch {
    return String(detail);
  }
}

// Each event is its own <tbody>: the summary row and, when opened, the detail row under it.
function Row({ e, open, onToggle }) {
  const detailId = 'audit-detail-' + e.id;
  const known = table('audit.actions')[e.action];
  const rrn = e.action === RRN_READ;
  const text = open ? pretty(e.detail) : null;
  return html`<tbody class=${'audit-entry' + (open ? ' audit-open' : '') + (rrn ? ' audit-rrn' : '')} data-audit=${e.id} data-action=${e.action}>
    <tr>
      <td class="col-toggle"><button type="button" class="btn btn-small btn-ghost toggle" aria-expanded=${open ? 'true' : 'false'} aria-controls=${detailId}
        onClick=${onToggle}><span aria-hidden="true">${open ? '▾' : '▸'}</span><span class="sr-only">${t(open ? 'audit.hideDetail' : 'audit.showDetail', { id: e.id })}</span></button></td>
      <td class="nowrap">${fmtDateTime(e.at)}</td>
      <td class="nowrap">${e.actor_type ? html`<span class="badge">${label('audit.actors', e.actor_type)}</span> ` : null}${e.actor_name || (e.actor_id != null ? '#' + e.actor_id : html`<span class="muted">${t('common.none')}</span>`)}</td>
      <td>${actionLabel(e.action)}${typeof known === 'string' ? html`<span class="muted small block"><code>${e.action}</code></span>` : null}</td>
      <td class="nowrap"><${Target} e=${e} /></td>
      <td class="col-purpose" data-col="purpose">${e.purpose ? html`<strong>${e.purpose}</strong>` : html`<span class="muted">${rrn ? t('audit.noPurpose') : ''}</span>`}</td>
      <td class="nowrap"><code class="small">${e.request_id || ''}</code></td>
      <td class="nowrap">${e.client_addr || ''}</td>
    </tr>
    <tr id=${detailId} class="audit-detail-row" hidden=${!open}>
      <td></td>
      <td colspan="7">${open ? html`<div class="audit-detail">
        <p class="muted small" id=${detailId + '-label'}>${t('audit.detailOf', { id: e.id })}</p>
        ${text === null ? html`<p class="muted">${t('audit.noDetail')}</p>` : html`<pre class="json" data-testid="audit-detail" tabindex="0" role="region" aria-labelledby=${detailId + '-label'}>${text}</pre>`}
      </div>` : null}</td>
    </tr>
  </tbody>`;
}
