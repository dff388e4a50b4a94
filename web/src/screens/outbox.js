// The outbox (발송 내역): every notice the server wrote for the tenant, newest first, with
// the masked recipient, the delivery status and attempts, and the consent decision that let
// it go (or kept it back). Filters live in the address (?status=, ?receipt_no=) so a view
// can be bookmarked or linked from a complaint; pages follow next_cursor, and the cursors
// already seen are kept so "이전" goes back without asking the server for one.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t, label } from '../i18n/index.js';
import { staff, qs } from '../lib/api.js';
import { navigate } from '../lib/router.js';
import { Async, PageTitle, Link, Field, useId, useCursorPages, CursorPager, useOpenSet } from '../components/ui.js';
import { fmtDateTime } from '../lib/time.js';

export const OUTBOX_ROLES = ['cs_manager', 'admin', 'privacy_officer', 'dept_head'];
const STATUSES = ['queued', 'sending', 'sent', 'dead', 'suppressed'];
const PAGE = 50;
const STATUS_BADGE = { queued: 'badge-info', sending: 'badge-info', sent: 'badge-ok', dead: 'badge-danger', suppressed: 'badge-warn' };

function readFilters(search) {
  const p = new URLSearchParams(search || '');
  const status = p.get('status') || '';
  return { status: STATUSES.includes(status) ? status : '', receipt: (p.get('receipt_no') || '').trim() };
}

export function Outbox({ search }) {
  const f = readFilters(search);
  // The list starts again (first page, rows closed) whenever the filters change; the
  // filter form stays, so the keyboard focus stays where it was.
  return html`<div>
    <${PageTitle} sub=${t('outbox.intro')}>${t('outbox.title')}<//>
    <${Filters} f=${f} />
    <${List} key=${f.status + '|' + f.receipt} f=${f} />
  </div>`;
}

function Filters({ f }) {
  const [status, setStatus] = useState(f.status);
  const [receipt, setReceipt] = useState(f.receipt);
  useEffect(() => {
    setStatus(f.status);
    setReceipt(f.receipt);
  }, [f.status, f.receipt]);
  const ids = { s: useId('ob-st'), r: useId('ob-rc') };
  const go = (st, rc) => navigate('/outbox' + qs({ status: st, receipt_no: rc.trim() }));
  return html`<form class="filters" role="search" aria-label=${t('outbox.filters')} onSubmit=${(e) => { e.preventDefault(); go(status, receipt); }}>
    <${Field} label=${t('outbox.status')} id=${ids.s}>
      <select id=${ids.s} value=${status} onChange=${(e) => { setStatus(e.currentTarget.value); go(e.currentTarget.value, receipt); }}>
        <option value="">${t('common.all')}</option>
        ${STATUSES.map((s) => html`<option value=${s}>${label('outbox.statuses', s)}</option>`)}
      </select>
    <//>
    <${Field} label=${t('outbox.receipt')} id=${ids.r} hint=${t('outbox.receiptHint')}>
      <input id=${ids.r} type="search" value=${receipt} maxlength="20" autocomplete="off" aria-describedby=${ids.r + '-hint'}
        onInput=${(e) => setReceipt(e.currentTarget.value)} />
    <//>
    <div class="button-row filters-actions">
      <button type="submit" class="btn btn-primary">${t('outbox.apply')}</button>
      ${f.status || f.receipt ? html`<button type="button" class="btn btn-ghost" onClick=${() => navigate('/outbox')}>${t('outbox.clear')}</button>` : null}
    </div>
  </form>`;
}

function List({ f }) {
  const p = useCursorPages((cursor) => staff.get('/messages' + qs({ status: f.status, receipt_no: f.receipt, limit: PAGE, cursor })));
  const [open, toggle] = useOpenSet();
  const state = p.state;
  return html`<div>
    <${Async} state=${state} empty=${f.status || f.receipt ? t('outbox.emptyFiltered') : t('outbox.empty')} loadingText=${t('outbox.loading')}>
      ${(d) => html`<div class="table-wrap" aria-busy=${state.loading ? 'true' : 'false'}>
        <table class="table outbox-table">
          <caption class="sr-only">${t('outbox.caption')}</caption>
          <thead><tr>
            <th scope="col"><span class="sr-only">${t('outbox.colBody')}</span></th>
            <th scope="col">${t('outbox.colAt')}</th>
            <th scope="col">${t('outbox.colEvent')}</th>
            <th scope="col">${t('outbox.colReceipt')}</th>
            <th scope="col">${t('outbox.colMedium')}</th>
            <th scope="col">${t('outbox.colRecipient')}</th>
            <th scope="col">${t('outbox.colStatus')}</th>
            <th scope="col" class="num">${t('outbox.colAttempts')}</th>
            <th scope="col">${t('outbox.colError')}</th>
            <th scope="col">${t('outbox.colConsent')}</th>
          </tr></thead>
          ${d.items.map((m) => html`<${Row} key=${m.id} m=${m} open=${open.has(m.id)} onToggle=${() => toggle(m.id)} />`)}
        </table>
      </div>`}
    <//>
    <${CursorPager} p=${p} />
  </div>`;
}

// Each message is its own <tbody>: the summary row and, when opened, the body row under it.
function Row({ m, open, onToggle }) {
  const bodyId = 'msg-body-' + m.id;
  const at = m.sent_at || m.created_at;
  return html`<tbody class=${'msg' + (open ? ' msg-open' : '')} data-message=${m.id}>
    <tr>
      <td class="col-toggle"><button type="button" class="btn btn-small btn-ghost toggle" aria-expanded=${open ? 'true' : 'false'} aria-controls=${bodyId}
        onClick=${onToggle}><span aria-hidden="true">${open ? '▾' : '▸'}</span><span class="sr-only">${t(open ? 'outbox.hideBody' : 'outbox.showBody', { id: m.id })}</span></button></td>
      <td class="nowrap">${fmtDateTime(m.created_at)}${m.sent_at ? html`<span class="muted small block">${t('outbox.sentAt', { at: fmtDateTime(at) })}</span>` : m.next_at && (m.status === 'queued' || m.status === 'sending') ? html`<span class="muted small block">${t('outbox.nextAt', { at: fmtDateTime(m.next_at) })}</span>` : null}</td>
      <td>${m.event_label || m.event}</td>
      <td class="nowrap">${m.receipt_no ? html`<${Link} href=${'/complaints/' + encodeURIComponent(m.receipt_no)}>${m.receipt_no}<//>` : html`<span class="muted">${t('common.none')}</span>`}</td>
      <td class="nowrap">${label('outbox.media', m.medium)}${m.class ? html`<span class="muted small block">${m.class}${m.bytes ? ' · ' + t('outbox.bytes', { n: m.bytes }) : ''}</span>` : null}</td>
      <td class="nowrap">${m.recipient || ''}</td>
      <td class="nowrap"><span class=${'badge ' + (STATUS_BADGE[m.status] || '')}>${label('outbox.statuses', m.status)}</span></td>
      <td class="num">${String(m.attempts || 0)}</td>
      <td class="col-error">${m.last_error ? html`<span class="text-danger">${m.last_error}</span>` : ''}</td>
      <td>${label('outbox.consents', m.consent)}${m.purpose ? html`<span class="muted small block">${label('purpose', m.purpose)}</span>` : null}</td>
    </tr>
    <tr id=${bodyId} class="msg-body-row" hidden=${!open}>
      <td></td>
      <td colspan="9">${open ? html`<div class="msg-detail">
        <p class="muted small">${t('outbox.bodyOf', { id: m.id })}${m.transport ? ' · ' + t('outbox.transport', { transport: m.transport }) : ''}${m.unit_price != null ? ' · ' + t('outbox.price', { price: m.unit_price }) : ''}</p>
        <div class="body-text" data-testid="message-body">${m.body || ''}</div>
      </div>` : null}</td>
    </tr>
  </tbody>`;
}
