// The duplicate review queue: two masked customers side by side, merge (B into A) or
// mark as different people. Undo lives in the survivor's 360° view (merge history).
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t, label, table } from '../i18n/index.js';
import { staff, qs } from '../lib/api.js';
import { useAsync, Async, PageTitle, Link, ErrorBox, Notice } from '../components/ui.js';
import { fmtDateTime } from '../lib/time.js';

const FIELDS = [
  ['name', 'customers.colName'],
  ['birth_year', 'customers.colBirth'],
  ['sex', 'c360.sex'],
  ['mobile_masked', 'customers.colMobile'],
  ['phone_masked', 'customers.colPhone'],
  ['email_masked', 'customers.colEmail'],
  ['address_area', 'customers.colArea'],
  ['rrn_masked', 'customers.colRrn'],
];

function reasonsText(r) {
  const names = table('reviews.reasonNames');
  return String(r || '').split('+').filter(Boolean).map((x) => names[x] || x).join(', ');
}

export function Reviews() {
  const [status, setStatus] = useState('open');
  const state = useAsync(() => staff.get('/match-reviews' + qs({ status, limit: 50 })), [status]);
  const [notice, setNotice] = useState('');
  return html`<div>
    <${PageTitle} sub=${t('reviews.intro')}>${t('reviews.title')}<//>
    <div class="quick" role="group" aria-label=${t('reviews.show')}>
      ${[['open', 'reviews.statusOpen'], ['merged', 'reviews.statusMerged'], ['distinct', 'reviews.statusDistinct']].map(([s, k]) => html`
        <button type="button" class=${'chip' + (status === s ? ' chip-on' : '')} aria-pressed=${status === s ? 'true' : 'false'} onClick=${() => { setStatus(s); setNotice(''); }}>${t(k)}</button>`)}
    </div>
    <${Notice} text=${notice} />
    <${Async} state=${state} empty=${t('reviews.empty')}>
      ${(d) => html`<div class="stack">${d.items.map((r) => html`<${ReviewCard} key=${r.id} r=${r} onDecided=${(msg) => { setNotice(msg); state.reload(); }} />`)}</div>`}
    <//>
  </div>`;
}

function ReviewCard({ r, onDecided }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  async function decide(decision) {
    setBusy(true);
    setError(null);
    try {
      await staff.post('/match-reviews/' + r.id, { decision });
      onDecided(decision === 'merge' ? t('reviews.merged') : t('reviews.markedDistinct'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const val = (c, f) => (f === 'sex' ? label('sex', c[f]) : c[f] == null ? '' : String(c[f]));
  return html`<section class="card review" aria-label=${'#' + r.id}>
    <div class="card-head"><h2>${r.a.name} · ${r.b.name}</h2>
      <span class="muted">${t('reviews.score', { score: r.score })} · ${t('reviews.reasons', { reasons: reasonsText(r.reasons) })}</span></div>
    <div class="table-wrap"><table class="table compare">
      <thead><tr><th scope="col">${t('reviews.field')}</th>
        <th scope="col"><${Link} href=${'/customers/' + r.a.id}>${t('reviews.a', { id: r.a.id })}<//></th>
        <th scope="col"><${Link} href=${'/customers/' + r.b.id}>${t('reviews.b', { id: r.b.id })}<//></th>
        <th scope="col"><span class="sr-only">${t('reviews.same')}</span></th></tr></thead>
      <tbody>${FIELDS.map(([f, k]) => {
        const a = val(r.a, f);
        const b = val(r.b, f);
        const both = a && b;
        return html`<tr class=${both ? (a === b ? 'same' : 'differs') : ''}><th scope="row">${t(k)}</th><td>${a}</td><td>${b}</td>
          <td class="nowrap">${both ? (a === b ? html`<span class="badge badge-ok">${t('reviews.same')}</span>` : html`<span class="badge badge-warn">${t('reviews.differs')}</span>`) : ''}</td></tr>`;
      })}</tbody>
    </table></div>
    <${ErrorBox} error=${error} />
    ${r.status === 'open' ? html`<div class="button-row">
      <button type="button" class="btn btn-primary" disabled=${busy} onClick=${() => decide('merge')}>${t('reviews.merge')}</button>
      <button type="button" class="btn" disabled=${busy} onClick=${() => decide('distinct')}>${t('reviews.distinct')}</button>
    </div>` : html`<p class="muted small">${t('reviews.decided', { at: fmtDateTime(r.decided_at), by: r.decided_by || '' })}</p>`}
  </section>`;
}
