// Complaint detail: the text, the masked resident panel (with the audited unmask), the
// full history, routing suggestions, and a form for every action the server lists in
// allowed_actions, with the due time counting down in working time.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t, label } from '../i18n/index.js';
import { staff, qs } from '../lib/api.js';
import { OUTBOX_ROLES } from './outbox.js';
import { complaintTypes, departments, typeMap } from '../lib/catalog.js';
import { useAsync, Async, PageTitle, Link, StatusBadge, ErrorBox, Field, Submit, useId, Section, Facts, Notice } from '../components/ui.js';
import { UnmaskButton } from '../components/unmask.js';
import { fmtDateTime, workingMs, fmtWorking, fmtCalendar, localInputToIso } from '../lib/time.js';

const TICKING = ['received', 'assigned', 'in_progress', 'extended'];
const DISCLOSE_ROLES = ['officer', 'dept_head', 'cs_manager'];
const DISCLOSE_STATUSES = ['answered', 'closed'];
// What the server puts in place of personal data (docs/API.md, 민원공개).
const REDACTIONS = [
  ['[주민등록번호]', 'rrn'],
  ['[전화번호]', 'phone'],
  ['[전자우편]', 'email'],
  ['○○○', 'name'],
  ['[상세주소]', 'address'],
];

export function ComplaintDetail({ receipt, user }) {
  const state = useAsync(() => staff.get('/complaints/' + encodeURIComponent(receipt)), [receipt]);
  const types = useAsync(() => complaintTypes().catch(() => []), []);
  const [notice, setNotice] = useState('');
  const tmap = useMemo(() => typeMap(types.data), [types.data]);

  return html`<div>
    <p class="backlink"><${Link} href="/inbox">← ${t('complaint.back')}<//></p>
    <${Async} state=${state}>
      ${(c) => html`<div>
        <${PageTitle} sub=${c.receipt_no}>${c.title}<//>
        <div class="detail-head">
          <${StatusBadge} status=${c.status} />
          <${DueCountdown} c=${c} />
          ${OUTBOX_ROLES.includes(user.role) ? html`<${Link} class="btn btn-small btn-ghost" href=${'/outbox' + qs({ receipt_no: c.receipt_no })}>${t('complaint.messages')}<//>` : null}
        </div>
        <${Notice} text=${notice} />
        <div class="grid-2">
          <div class="col-main">
            <${Section} title=${t('complaint.content')}>
              <${Facts} rows=${[
                [t('complaint.receivedAt'), fmtDateTime(c.received_at)],
                [t('complaint.channel'), label('channel', c.channel)],
                [t('complaint.type'), c.type_code ? ((tmap.get(c.type_code) || {}).name || c.type_code) : null],
                [t('complaint.period'), c.period],
                [t('complaint.department'), c.department || t('complaint.noDept')],
                [t('complaint.due'), fmtDateTime(c.due_at)],
                [t('complaint.extensions'), String(c.extensions || 0)],
                c.repeat_of ? [t('complaint.repeatOf'), String(c.repeat_of)] : null,
                c.grievance ? [t('complaint.grievance'), c.grievance.case] : null,
              ]} />
              <div class="body-text">${c.body}</div>
            <//>
            <${Section} title=${t('complaint.answer')}>
              ${c.answer ? html`<div class="body-text answer-text">${c.answer}</div>
                <p class="muted small">${t('complaint.answeredAt')}: ${fmtDateTime(c.answered_at)}${c.closed_at ? ' · ' + t('complaint.closedAt') + ': ' + fmtDateTime(c.closed_at) : ''}</p>`
                : html`<p class="muted">${t('complaint.noAnswer')}</p>`}
            <//>
            ${DISCLOSE_ROLES.includes(user.role) && DISCLOSE_STATUSES.includes(c.status) && c.answer ? html`<${Disclosure} key=${c.receipt_no + c.status} c=${c} />` : null}
            <${Actions} c=${c} user=${user} onDone=${(next, action) => { state.setData({ ...next, resident: next.resident || c.resident }); setNotice(t('complaint.actionDone', { action: label('action', action) })); }} />
            <${History} c=${c} />
          </div>
          <div class="col-side">
            <${ResidentPanel} c=${c} user=${user} />
            <${Routing} c=${c} tmap=${tmap} />
          </div>
        </div>
      </div>`}
    <//>
  </div>`;
}

function DueCountdown({ c }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const i = setInterval(() => setNow(Date.now()), 30000);
    return () => clearInterval(i);
  }, []);
  if (!c.due_at) return null;
  if (c.status === 'awaiting_supplement' || c.paused_at) return html`<span class="due-box due-paused">${t('due.paused')}</span>`;
  if (!TICKING.includes(c.status)) return html`<span class="due-box">${t('complaint.due')}: ${fmtDateTime(c.due_at)}</span>`;
  const due = new Date(c.due_at).getTime();
  if (due < now || c.overdue) {
    return html`<span class="due-box due-over" data-testid="due">${t('due.workingPassed', { time: fmtWorking(workingMs(due, now)) })} ${t('due.calendar', { time: fmtCalendar(now - due) })}</span>`;
  }
  const w = workingMs(now, due);
  return html`<span class=${'due-box' + (w < 8 * 3600e3 ? ' due-soon' : '')} data-testid="due" title=${t('due.note')}>
    ${t('due.workingLeft', { time: fmtWorking(w) })} ${t('due.calendar', { time: fmtCalendar(due - now) })}</span>`;
}

function ResidentPanel({ c, user }) {
  const r = c.resident;
  return html`<${Section} title=${t('complaint.resident')}>
    ${r ? html`<div>
      <p class="muted small">${t('complaint.residentMasked')}</p>
      <${Facts} skipEmpty rows=${[
        [t('c360.name'), r.name],
        [t('c360.sex'), r.sex || r.birth_year ? t('complaint.sexBirth', { sex: label('sex', r.sex) || '-', year: r.birth_year || '-' }) : null],
        [t('c360.mobile'), r.mobile_masked],
        [t('c360.phone'), r.phone_masked],
        [t('c360.email'), r.email_masked],
        [t('c360.address'), r.address_area],
        [t('c360.rrn'), r.rrn_masked],
      ]} />
      <div class="button-row">
        ${r.rrn_masked ? html`<${UnmaskButton} customerId=${r.id} user=${user} />` : null}
        ${user.role !== 'admin' ? html`<${Link} class="btn btn-small btn-ghost" href=${'/customers/' + r.id}>${t('complaint.open360')}<//>` : null}
      </div>
    </div>` : html`<p class="muted">${t('common.none')}</p>`}
  <//>`;
}

function Routing({ c, tmap }) {
  const ty = c.type_code ? tmap.get(c.type_code) : null;
  return html`<${Section} title=${t('complaint.routing')}>
    ${c.route
      ? html`<p>${t('complaint.routeLabel')}: <strong>${c.route.label}</strong> <span class="muted">${t('complaint.routeScore', { score: Math.round((c.route.score || 0) * 100) + '%' })}</span></p>`
      : html`<p class="muted small">${t('complaint.routeNone')}</p>`}
    ${ty && ty.department ? html`<p>${t('complaint.typeDept')}: <strong>${ty.department}</strong></p>` : null}
  <//>`;
}

function History({ c }) {
  const rows = c.history || [];
  return html`<${Section} title=${t('complaint.history')}>
    ${rows.length === 0 ? html`<p class="muted">${t('common.empty')}</p>` : html`<div class="table-wrap"><table class="table history">
      <thead><tr>
        <th scope="col">${t('complaint.colAt')}</th><th scope="col">${t('complaint.colAction')}</th>
        <th scope="col">${t('complaint.colStatus')}</th><th scope="col">${t('complaint.colDept')}</th>
        <th scope="col">${t('complaint.colActor')}</th><th scope="col">${t('complaint.colNote')}</th>
      </tr></thead>
      <tbody>${rows.map((h) => html`<tr>
        <td class="nowrap">${fmtDateTime(h.at)}</td>
        <td>${label('action', h.action)}</td>
        <td class="nowrap">${h.from_status && h.from_status !== h.to_status ? t('complaint.fromTo', { from: label('status', h.from_status), to: label('status', h.to_status) }) : label('status', h.to_status)}</td>
        <td>${h.department || ''}</td>
        <td>${h.actor || ''}</td>
        <td class="pre">${h.note || ''}</td>
      </tr>`)}</tbody>
    </table></div>`}
  <//>`;
}

// What each action asks for. 'confirm' actions have no fields but ask before running.
const FORMS = {
  assign: [{ name: 'officer_id', type: 'staff', key: 'complaint.fOfficer' }],
  reassign: [{ name: 'dept_id', type: 'dept', key: 'complaint.fDept', required: true }],
  start: [],
  request_supplement: [{ name: 'text', type: 'textarea', key: 'complaint.fSupplement', required: true, max: 2000 }],
  supplement_received: [],
  extend: [
    { name: 'text', type: 'textarea', key: 'complaint.fReason', required: true, max: 2000 },
    { name: 'new_due_at', type: 'datetime', key: 'complaint.fNewDue' },
    { name: 'resident_consented', type: 'check', key: 'complaint.fConsented', when: (c) => (c.extensions || 0) >= 1 },
  ],
  answer: [{ name: 'text', type: 'textarea', key: 'complaint.fAnswer', hint: 'complaint.fAnswerHint', required: true, max: 4000, rows: 6 }],
  close: [],
  transfer_out: [{ name: 'destination', type: 'text', key: 'complaint.fDestination', required: true, max: 100 }],
  withdraw: [],
  close_repeat: [{ name: 'text', type: 'textarea', key: 'complaint.fText', required: true, max: 2000 }],
  escalate: [
    { name: 'grievance_case', type: 'text', key: 'complaint.fCase', required: true, max: 60 },
    { name: 'officer_id', type: 'staff', key: 'complaint.fOwner', required: true },
    { name: 'text', type: 'textarea', key: 'complaint.fText', required: true, max: 2000 },
  ],
  note: [{ name: 'text', type: 'textarea', key: 'complaint.fNote', required: true, max: 2000 }],
};
const CONFIRM = ['withdraw', 'close'];

function Actions({ c, user, onDone }) {
  const allowed = c.allowed_actions || [];
  const [open, setOpen] = useState(allowed.includes('answer') ? 'answer' : null);
  return html`<${Section} title=${t('complaint.actions')} id="actions">
    ${allowed.length === 0 ? html`<p class="muted">${t('complaint.noActions')}</p>` : html`<div>
      <div class="action-tabs" role="group" aria-label=${t('complaint.actions')}>
        ${allowed.map((a) => html`<button type="button" class=${'chip' + (open === a ? ' chip-on' : '')} aria-pressed=${open === a ? 'true' : 'false'}
          aria-controls=${open && allowed.includes(open) ? 'action-form' : undefined} data-action=${a} onClick=${() => setOpen(open === a ? null : a)}>${label('action', a)}</button>`)}
      </div>
      ${open && allowed.includes(open) ? html`<${ActionForm} key=${open + c.status} action=${open} c=${c} user=${user}
          onDone=${(next) => { setOpen(null); onDone(next, open); }} />` : null}
    </div>`}
  <//>`;
}

function ActionForm({ action, c, onDone }) {
  const fields = (FORMS[action] || []).filter((f) => !f.when || f.when(c));
  const [values, setValues] = useState({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const depts = useAsync(() => (fields.some((f) => f.type === 'dept') ? departments() : Promise.resolve([])), [action]);
  // Who can take it: the active staff of the complaint's department (names and roles only).
  const members = useAsync(() => (fields.some((f) => f.type === 'staff') && c.dept_id
    ? staff.get('/departments/' + c.dept_id + '/members').then((r) => r.items)
    : Promise.resolve([])), [action, c.dept_id]);
  const base = useId('act');

  async function submit(e) {
    e.preventDefault();
    if (CONFIRM.includes(action) && !confirm(t('complaint.confirm', { action: label('action', action) }))) return;
    const body = { action };
    for (const f of fields) {
      const v = values[f.name];
      if (f.type === 'check') {
        if (v) body[f.name] = true;
      } else if (v !== undefined && v !== '') {
        if (f.type === 'int' || f.type === 'dept' || f.type === 'staff') body[f.name] = parseInt(v, 10);
        else if (f.type === 'datetime') body[f.name] = localInputToIso(v);
        else body[f.name] = v;
      }
    }
    setBusy(true);
    setError(null);
    try {
      const next = await staff.post('/complaints/' + encodeURIComponent(c.receipt_no) + '/actions', body);
      onDone(next);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const set = (name) => (e) => setValues({ ...values, [name]: e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value });
  return html`<form id="action-form" class="stack action-form" onSubmit=${submit} data-form=${action}>
    <h3>${label('action', action)}</h3>
    ${fields.map((f) => {
      const id = base + '-' + f.name;
      if (f.type === 'check') {
        return html`<div class="check"><input type="checkbox" id=${id} checked=${!!values[f.name]} onChange=${set(f.name)} /><label for=${id}>${t(f.key)}</label></div>`;
      }
      let control;
      if (f.type === 'textarea') control = html`<textarea id=${id} name=${f.name} rows=${f.rows || 3} maxlength=${f.max} required=${f.required} value=${values[f.name] || ''} onInput=${set(f.name)} aria-describedby=${f.hint ? id + '-hint' : undefined}></textarea>`;
      else if (f.type === 'dept') {
        control = html`<select id=${id} name=${f.name} required value=${values[f.name] || ''} onChange=${set(f.name)}>
          <option value="">${depts.loading ? t('common.loading') : t('common.select')}</option>
          ${(depts.data || []).filter((d) => d.active !== false && d.id !== c.dept_id).map((d) => html`<option value=${d.id}>${d.name}</option>`)}
        </select>`;
      } else if (f.type === 'staff' && (members.loading || (members.data || []).length)) {
        control = html`<select id=${id} name=${f.name} required=${f.required} disabled=${members.loading} value=${values[f.name] || ''} onChange=${set(f.name)}>
          <option value="">${members.loading ? t('common.loading') : f.required ? t('common.select') : t('complaint.me')}</option>
          ${(members.data || []).map((m) => html`<option value=${m.id}>${m.display_name} (${m.role_label})</option>`)}
        </select>`;
      } else if (f.type === 'staff') control = html`<input type="number" inputmode="numeric" min="1" id=${id} name=${f.name} required=${f.required} value=${values[f.name] || ''} onInput=${set(f.name)} />`;
      else if (f.type === 'datetime') control = html`<input type="datetime-local" id=${id} name=${f.name} value=${values[f.name] || ''} onInput=${set(f.name)} />`;
      else if (f.type === 'int') control = html`<input type="number" inputmode="numeric" min="1" id=${id} name=${f.name} required=${f.required} value=${values[f.name] || ''} onInput=${set(f.name)} />`;
      else control = html`<input id=${id} name=${f.name} maxlength=${f.max} required=${f.required} value=${values[f.name] || ''} onInput=${set(f.name)} />`;
      return html`<${Field} label=${t(f.key)} id=${id} required=${f.required} hint=${f.hint ? t(f.hint) : null}>${control}<//>`;
    })}
    ${depts.error ? html`<${ErrorBox} error=${depts.error} />` : null}
    <${ErrorBox} error=${error} />
    <div><${Submit} busy=${busy}>${t('complaint.run', { action: label('action', action) })}<//></div>
  </form>`;
}

// 민원 공개: a redacted copy of the title, question and answer for publishing as public Q&A.
// Nothing is stored or published by the call (it is audited); the text is shown as text, to
// be checked and copied.
function Disclosure({ c }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [doc, setDoc] = useState(null);
  const [copied, setCopied] = useState('');
  const ref = useRef(null);

  async function make() {
    setBusy(true);
    setError(null);
    setCopied('');
    try {
      setDoc(await staff.post('/complaints/' + encodeURIComponent(c.receipt_no) + '/disclosure'));
    } catch (err) {
      setDoc(null);
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  useEffect(() => {
    if (doc && ref.current) ref.current.focus();
  }, [doc]);

  const parts = doc ? [['title', t('disclosure.title'), doc.title], ['body', t('disclosure.question'), doc.body], ['answer', t('disclosure.answer'), doc.answer]] : [];
  const counts = doc ? REDACTIONS.map(([mark, k]) => [k, parts.reduce((n, p) => n + String(p[2] || '').split(mark).length - 1, 0)]).filter(([, n]) => n > 0) : [];
  const all = parts.map(([, head, text]) => '[' + head + ']\n' + (text || '')).join('\n\n');

  async function copy(text, what) {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(t('disclosure.copied', { what }));
    } catch {
      setCopied(t('disclosure.copyFailed'));
    }
  }

  return html`<${Section} title=${t('disclosure.section')} id="disclosure">
    <p class="muted small">${t('disclosure.intro')}</p>
    <div class="button-row">
      <button type="button" class="btn" onClick=${make} disabled=${busy} aria-busy=${busy ? 'true' : 'false'}>${busy ? t('common.working') : doc ? t('disclosure.again') : t('disclosure.make')}</button>
    </div>
    <${ErrorBox} error=${error} />
    ${doc ? html`<div class="disclosure" data-testid="disclosure" role="region" tabindex="-1" ref=${ref} aria-label=${t('disclosure.result')}>
      <p class=${'notice ' + (counts.length ? 'notice-ok' : 'notice-warn')} role="status">${counts.length
        ? t('disclosure.redacted', { list: counts.map(([k, n]) => t('disclosure.kinds.' + k) + ' ' + t('disclosure.places', { n })).join(', ') })
        : t('disclosure.nothing')}</p>
      ${parts.map(([k, head, text]) => html`<div class="disclosure-part">
        <div class="disclosure-head"><h3 id=${'disc-' + k}>${head}</h3>
          <button type="button" class="btn btn-small btn-ghost" onClick=${() => copy(text || '', head)}>${t('disclosure.copy')}<span class="sr-only"> (${head})</span></button></div>
        <div class="body-text" data-part=${k}>${text || ''}</div>
      </div>`)}
      <div class="button-row">
        <button type="button" class="btn btn-small" onClick=${() => copy(all, t('disclosure.all'))}>${t('disclosure.copyAll')}</button>
        <span class="muted small" role="status">${copied}</span>
      </div>
      <p class="muted small">${t('disclosure.check')}</p>
    </div>` : null}
  <//>`;
}
