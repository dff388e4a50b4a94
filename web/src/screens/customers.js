// Customer search (masked summaries) and the 360° view: profile, household, consents,
// complaints, contacts, merge history (with undo), source records and changes.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t, label, table } from '../i18n/index.js';
import { staff, qs } from '../lib/api.js';
import { navigate } from '../lib/router.js';
import { useAsync, Async, PageTitle, Link, StatusBadge, ErrorBox, Field, Submit, useId, Section, Facts, Notice, Empty } from '../components/ui.js';
import { UnmaskButton } from '../components/unmask.js';
import { fmtDate, fmtDateTime } from '../lib/time.js';

export const MERGE_ROLES = ['cs_manager', 'privacy_officer', 'admin'];

export function SummaryTable({ items, onPick, pickLabel, selectedId }) {
  return html`<div class="table-wrap"><table class="table">
    <thead><tr>
      <th scope="col">${t('customers.colName')}</th><th scope="col">${t('customers.colBirth')}</th>
      <th scope="col">${t('customers.colMobile')}</th><th scope="col">${t('customers.colPhone')}</th>
      <th scope="col">${t('customers.colEmail')}</th><th scope="col">${t('customers.colArea')}</th>
      <th scope="col">${t('customers.colRrn')}</th>${onPick ? html`<th scope="col"><span class="sr-only">${t('calls.choose')}</span></th>` : null}
    </tr></thead>
    <tbody>${items.map((c) => html`<tr key=${c.id} class=${selectedId === c.id ? 'row-selected' : ''} data-customer=${c.id}>
      <td>${onPick ? c.name : html`<${Link} href=${'/customers/' + c.id}>${c.name}<//>`}</td>
      <td>${c.birth_year || ''}${c.sex ? ' · ' + label('sex', c.sex) : ''}</td>
      <td class="nowrap">${c.mobile_masked || ''}</td><td class="nowrap">${c.phone_masked || ''}</td>
      <td>${c.email_masked || ''}</td><td>${c.address_area || ''}</td><td class="nowrap">${c.rrn_masked || ''}</td>
      ${onPick ? html`<td><button type="button" class="btn btn-small" aria-pressed=${selectedId === c.id ? 'true' : 'false'}
        onClick=${() => onPick(c)}>${selectedId === c.id ? t('calls.chosen') : pickLabel || t('calls.choose')}<span class="sr-only"> ${c.name}</span></button></td>` : null}
    </tr>`)}</tbody>
  </table></div>`;
}

export function CustomerSearch({ search }) {
  const q0 = new URLSearchParams(search || '').get('q') || '';
  const [q, setQ] = useState(q0);
  const id = useId('q');
  const state = useAsync(() => (q0 ? staff.get('/customers' + qs({ q: q0, limit: 50 })) : Promise.resolve(null)), [q0]);
  return html`<div>
    <${PageTitle} sub=${t('customers.intro')}>${t('customers.title')}<//>
    <form class="searchbar" role="search" onSubmit=${(e) => { e.preventDefault(); navigate('/customers' + qs({ q: q.trim() })); }}>
      <${Field} label=${t('customers.query')} id=${id} class="grow">
        <input id=${id} type="search" value=${q} maxlength="100" onInput=${(e) => setQ(e.currentTarget.value)} autocomplete="off" />
      <//>
      <div class="field field-button"><button type="submit" class="btn btn-primary" disabled=${!q.trim()}>${t('customers.submit')}</button></div>
    </form>
    ${!q0 ? html`<p class="muted">${t('customers.startHint')}</p>` : html`<${Async} state=${state} empty=${t('customers.empty')}>
      ${(d) => html`<div>
        <p class="muted small" role="status">${t('customers.kind', { kind: (table('customers.kinds') || {})[d.kind] || d.kind })} · ${t('common.count', { n: d.items.length })}</p>
        <${SummaryTable} items=${d.items} />
      </div>`}
    <//>`}
  </div>`;
}

export function Customer360({ id, user }) {
  const state = useAsync(() => staff.get('/customers/' + encodeURIComponent(id)), [id]);
  return html`<div>
    <${Async} state=${state}>
      ${(v) => html`<${View360} v=${v} user=${user} reload=${state.reload} setData=${state.setData} />`}
    <//>
  </div>`;
}

export function View360({ v, user, reload, compact }) {
  const p = v.profile || {};
  return html`<div class="c360">
    ${compact ? html`<h2 class="h-compact">${p.name} <span class="muted small">#${v.id}</span></h2>` : html`<${PageTitle} sub=${t('c360.title') + ' · #' + v.id}>${p.name}<//>`}
    ${p.merged_into ? html`<p class="notice notice-warn" role="status">${t('c360.mergedInto', { id: p.merged_into })} <${Link} href=${'/customers/' + p.merged_into}>${t('c360.goSurvivor')}<//></p>` : null}
    <div class=${compact ? 'stack' : 'grid-2'}>
      <div class="col-main">
        <${Section} title=${t('c360.profile')}>
          ${p.contact_masked ? html`<p class="muted small">${t('c360.masked')}</p>` : null}
          <${Facts} skipEmpty=${compact} rows=${[
            [t('c360.name'), p.name],
            [t('c360.kind'), label('kind', p.kind)],
            [t('c360.birth'), p.birth_date],
            [t('c360.sex'), label('sex', p.sex)],
            [t('c360.rrn'), p.rrn_masked ? html`<span>${p.rrn_masked} ${p.has_rrn && !compact ? html`<${UnmaskButton} customerId=${v.id} user=${user} />` : null}</span>` : null],
            [t('c360.mobile'), p.mobile],
            [t('c360.phone'), p.phone],
            [t('c360.email'), p.email],
            [t('c360.address'), p.address],
            [t('c360.postal'), p.postal_code],
          ]} />
        <//>
        <${ComplaintsList} items=${v.complaints || []} />
        <${ContactsList} items=${v.contacts || []} />
        ${compact ? null : html`<${Merges} v=${v} user=${user} reload=${reload} />`}
      </div>
      <div class="col-side">
        <${Section} title=${t('c360.household')}>
          ${(v.household || []).length === 0 ? html`<${Empty} text=${t('c360.householdEmpty')} />` : html`<ul class="plain">
            ${v.household.map((h) => html`<li><${Link} href=${'/customers/' + h.id}>${h.name}<//> <span class="muted">${h.birth_year || ''}</span></li>`)}</ul>`}
        <//>
        <${Consents} v=${v} user=${user} reload=${reload} compact=${compact} />
        ${compact ? null : html`<${Sources} v=${v} />`}
      </div>
    </div>
  </div>`;
}

function ComplaintsList({ items }) {
  return html`<${Section} title=${t('c360.complaints') + ' (' + items.length + ')'}>
    ${items.length === 0 ? html`<${Empty} text=${t('c360.complaintsEmpty')} />` : html`<div class="table-wrap"><table class="table">
      <thead><tr><th scope="col">${t('inbox.colReceipt')}</th><th scope="col">${t('inbox.colTitle')}</th><th scope="col">${t('inbox.colStatus')}</th><th scope="col">${t('complaint.receivedAt')}</th></tr></thead>
      <tbody>${items.map((c) => html`<tr><td class="nowrap"><${Link} href=${'/complaints/' + c.receipt_no}>${c.receipt_no}<//></td>
        <td>${c.title}</td><td><${StatusBadge} status=${c.status} /></td><td class="nowrap">${fmtDate(c.received_at)}</td></tr>`)}</tbody>
    </table></div>`}
  <//>`;
}

function ContactsList({ items }) {
  return html`<${Section} title=${t('c360.contacts') + ' (' + items.length + ')'}>
    ${items.length === 0 ? html`<${Empty} text=${t('c360.contactsEmpty')} />` : html`<div class="table-wrap"><table class="table contacts">
      <thead><tr><th scope="col">${t('complaint.colAt')}</th><th scope="col">${t('inbox.colChannel')}</th><th scope="col">${t('c360.colSummary')}</th><th scope="col">${t('c360.colStaff')}</th><th scope="col">${t('c360.colReceipt')}</th></tr></thead>
      <tbody>${items.map((c) => html`<tr><td class="nowrap">${fmtDateTime(c.at)}</td>
        <td class="nowrap">${label('channel', c.channel)} · ${label('direction', c.direction)}</td>
        <td>${c.summary}</td><td>${c.staff_name || c.staff || ''}</td>
        <td class="nowrap">${c.receipt_no ? html`<${Link} href=${'/complaints/' + c.receipt_no}>${c.receipt_no}<//>` : ''}</td></tr>`)}</tbody>
    </table></div>`}
  <//>`;
}

function Merges({ v, user, reload }) {
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const items = v.merges || [];
  async function undo(m) {
    setError(null);
    try {
      await staff.post('/merges/' + m.id + '/undo');
      setNotice(t('c360.undoDone'));
      reload();
    } catch (err) {
      setError(err);
    }
  }
  return html`<${Section} title=${t('c360.merges')}>
    <${Notice} text=${notice} /><${ErrorBox} error=${error} />
    ${items.length === 0 ? html`<${Empty} text=${t('c360.mergesEmpty')} />` : html`<ul class="plain">
      ${items.map((m) => html`<li class="merge-row">
        ${fmtDateTime(m.at)} · ${t('c360.mergeRow', { merged: m.merged_id, survivor: m.survivor_id, how: m.how })}
        ${m.undone_at ? html` <span class="muted">${t('c360.undone', { at: fmtDateTime(m.undone_at) })}</span>`
          : MERGE_ROLES.includes(user.role) ? html` <button type="button" class="btn btn-small" onClick=${() => undo(m)}>${t('c360.undo')}</button>` : null}
      </li>`)}</ul>`}
  <//>`;
}

const CONSENT_ROLES = ['agent', 'officer', 'dept_head', 'cs_manager', 'privacy_officer'];

function Consents({ v, user, reload, compact }) {
  const rows = (v.consents || []).filter((c) => c.purpose !== 'complaint_handling');
  const [form, setForm] = useState({ purpose: 'status_notice', channel: 'sms', granted: true, source: 'phone' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const ids = { p: useId('cp'), c: useId('cc'), g: useId('cg'), s: useId('cs') };
  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await staff.post('/customers/' + v.id + '/consents', form);
      setNotice(t('c360.consentSaved'));
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const purposes = [...new Set(rows.map((c) => c.purpose))];
  const channels = ['sms', 'email', 'phone', 'mail'].filter((ch) => rows.some((c) => c.channel === ch));
  const cell = (p, ch) => rows.find((c) => c.purpose === p && c.channel === ch);
  const shownPurposes = compact ? purposes.filter((p) => rows.some((c) => c.purpose === p && c.at)) : purposes;
  const mark = (c) => {
    if (!c || !c.at) return html`<span class="consent-mark muted" title=${t('c360.notAsked')}>–<span class="sr-only">${t('c360.notAsked')}</span></span>`;
    const tip = fmtDate(c.at) + (c.source ? ' · ' + c.source : '');
    return c.granted
      ? html`<span class="badge badge-ok" title=${tip}>${t('c360.granted')}</span>`
      : html`<span class="badge" title=${tip}>${t('c360.withdrawn')}</span>`;
  };
  return html`<${Section} title=${t('c360.consents')}>
    ${shownPurposes.length === 0 ? html`<${Empty} />` : html`<div class="table-wrap"><table class="table consents">
      <thead><tr><th scope="col">${t('c360.consentPurpose')}</th>${channels.map((ch) => html`<th scope="col">${label('channel', ch)}</th>`)}</tr></thead>
      <tbody>${shownPurposes.map((p) => html`<tr><th scope="row">${label('purpose', p)}</th>${channels.map((ch) => html`<td>${mark(cell(p, ch))}</td>`)}</tr>`)}</tbody>
    </table></div>`}
    ${!compact && CONSENT_ROLES.includes(user.role) && !v.profile.merged_into ? html`<form class="stack consent-form" onSubmit=${submit}>
      <h3>${t('c360.changeConsent')}</h3>
      <div class="row">
        <${Field} label=${t('c360.consentPurpose')} id=${ids.p}><select id=${ids.p} value=${form.purpose} onChange=${(e) => setForm({ ...form, purpose: e.currentTarget.value })}>
          ${Object.keys(table('purpose')).filter((p) => p !== 'complaint_handling').map((p) => html`<option value=${p}>${label('purpose', p)}</option>`)}</select><//>
        <${Field} label=${t('c360.consentChannel')} id=${ids.c}><select id=${ids.c} value=${form.channel} onChange=${(e) => setForm({ ...form, channel: e.currentTarget.value })}>
          ${['sms', 'email', 'phone', 'mail'].map((p) => html`<option value=${p}>${label('channel', p)}</option>`)}</select><//>
      </div>
      <div class="row">
        <${Field} label=${t('c360.consentState')} id=${ids.g}><select id=${ids.g} value=${form.granted ? '1' : '0'} onChange=${(e) => setForm({ ...form, granted: e.currentTarget.value === '1' })}>
          <option value="1">${t('c360.granted')}</option><option value="0">${t('c360.withdrawn')}</option></select><//>
        <${Field} label=${t('c360.consentSourceField')} id=${ids.s}><select id=${ids.s} value=${form.source} onChange=${(e) => setForm({ ...form, source: e.currentTarget.value })}>
          ${['phone', 'visit', 'web', 'paper', 'email'].map((p) => html`<option value=${p}>${label('channel', p === 'paper' ? 'mail' : p)}</option>`)}</select><//>
      </div>
      <${ErrorBox} error=${error} /><${Notice} text=${notice} />
      <div><${Submit} busy=${busy}>${t('common.save')}<//></div>
    </form>` : null}
  <//>`;
}

function Sources({ v }) {
  const items = v.sources || [];
  return html`<${Section} title=${t('c360.sources') + ' (' + items.length + ')'}>
    ${items.length === 0 ? html`<${Empty} />` : html`<ul class="plain sources">
      ${items.slice(0, 20).map((s) => html`<li><strong>${s.source}</strong> ${s.source_id} <span class="muted small">${s.match_rule || ''} ${s.match_score != null ? '· ' + s.match_score : ''} · ${fmtDate(s.created_at)}</span></li>`)}
    </ul>`}
    ${(v.changes || []).length ? html`<details><summary>${t('c360.changes')} (${v.changes.length})</summary><ul class="plain small">
      ${v.changes.map((c) => html`<li>${fmtDateTime(c.at)} · ${c.field}: ${c.old_value || '—'} → ${c.new_value || '—'} (${c.actor})</li>`)}</ul></details>` : null}
  <//>`;
}
