// The call-centre screen: a phone box that finds the caller, their 360° view, "log this
// call", "new complaint for this caller", a Catch-Call request, and the Plus/Happy/
// Catch-Call queues with claim and complete.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t, label, table } from '../i18n/index.js';
import { staff, qs } from '../lib/api.js';
import { complaintTypes } from '../lib/catalog.js';
import { useAsync, Async, PageTitle, Link, ErrorBox, Field, Submit, useId, Section, Notice } from '../components/ui.js';
import { SummaryTable, View360 } from './customers.js';
import { fmtDateTime } from '../lib/time.js';

const TASK_ROLES = ['agent', 'officer', 'dept_head'];

export function CallCentre({ user }) {
  const [phone, setPhone] = useState('');
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState(null);
  const id = useId('phone');
  const found = useAsync(() => (query ? staff.get('/customers' + qs({ phone: query, limit: 20 })) : Promise.resolve(null)), [query]);
  const view = useAsync(() => (picked ? staff.get('/customers/' + picked) : Promise.resolve(null)), [picked]);

  function find(e) {
    e.preventDefault();
    setPicked(null);
    setQuery(phone.trim());
    found.reload();
  }
  // One candidate: open it straight away.
  const items = (found.data && found.data.items) || [];
  useEffect(() => {
    if (items.length === 1 && picked === null) setPicked(items[0].id);
  }, [found.data]);

  return html`<div>
    <${PageTitle}>${t('calls.title')}<//>
    <div class="calls-layout">
      <div class="calls-main">
        <form class="searchbar phonebar" role="search" onSubmit=${find}>
          <${Field} label=${t('calls.phone')} id=${id} hint=${t('calls.phoneHint')} class="grow">
            <input id=${id} type="tel" inputmode="tel" value=${phone} autocomplete="off" aria-describedby=${id + '-hint'}
              onInput=${(e) => setPhone(e.currentTarget.value)} />
          <//>
          <div class="field field-button"><button type="submit" class="btn btn-primary" disabled=${!phone.trim()}>${t('calls.find')}</button></div>
        </form>
        ${!query ? html`<p class="muted">${t('calls.startHint')}</p>` : html`<${Section} title=${t('calls.candidates')}>
          <${Async} state=${found} empty=${t('calls.noCandidates')}>
            ${(d) => html`<${SummaryTable} items=${d.items} onPick=${(c) => setPicked(c.id)} selectedId=${picked} />`}
          <//>
        <//>`}
        ${picked ? html`<${Async} state=${view}>
          ${(v) => html`<div>
            <div class="grid-2 calls-forms">
              <${LogCall} v=${v} onDone=${view.reload} />
              <${NewComplaint} v=${v} onDone=${view.reload} />
            </div>
            ${TASK_ROLES.includes(user.role) ? html`<${CatchCall} v=${v} />` : null}
            <${View360} v=${v} user=${user} reload=${view.reload} compact />
          </div>`}
        <//>` : null}
        ${query && !picked && items.length === 0 && !found.loading && !found.error ? html`<${NewComplaint} v=${null} phone=${query} onDone=${() => found.reload()} />` : null}
      </div>
      <aside class="calls-side" aria-label=${t('calls.queues')}>
        <${Queues} user=${user} />
      </aside>
    </div>
  </div>`;
}

function LogCall({ v, onDone }) {
  const [summary, setSummary] = useState('');
  const [direction, setDirection] = useState('inbound');
  const [receipt, setReceipt] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const ids = { s: useId('sum'), d: useId('dir'), r: useId('rec') };
  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setNotice('');
    try {
      const body = { customer_id: v.id, channel: 'phone', direction, summary: summary.trim() };
      if (receipt) body.receipt_no = receipt;
      await staff.post('/contacts', body);
      setSummary('');
      setNotice(t('calls.logged'));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return html`<${Section} title=${t('calls.logTitle')}>
    <form class="stack" onSubmit=${submit} data-form="log-call">
      <${Field} label=${t('calls.summary')} id=${ids.s} hint=${t('calls.summaryHint')} required>
        <textarea id=${ids.s} rows="3" maxlength="500" required value=${summary} onInput=${(e) => setSummary(e.currentTarget.value)}></textarea>
      <//>
      <div class="row">
        <${Field} label=${t('calls.direction')} id=${ids.d}>
          <select id=${ids.d} value=${direction} onChange=${(e) => setDirection(e.currentTarget.value)}>
            <option value="inbound">${label('direction', 'inbound')}</option><option value="outbound">${label('direction', 'outbound')}</option>
          </select>
        <//>
        <${Field} label=${t('calls.relatedReceipt')} id=${ids.r} class="grow">
          <select id=${ids.r} value=${receipt} onChange=${(e) => setReceipt(e.currentTarget.value)}>
            <option value="">${t('common.none')}</option>
            ${(v.complaints || []).slice(0, 30).map((c) => html`<option value=${c.receipt_no}>${c.receipt_no} ${c.title}</option>`)}
          </select>
        <//>
      </div>
      <${ErrorBox} error=${error} /><${Notice} text=${notice} />
      <div><${Submit} busy=${busy} disabled=${!summary.trim()}>${t('calls.log')}<//></div>
    </form>
  <//>`;
}

function NewComplaint({ v, phone, onDone }) {
  const p = (v && v.profile) || {};
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [type, setType] = useState('');
  const [name, setName] = useState(p.name || '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const types = useAsync(() => complaintTypes(), []);
  const ids = { t: useId('ct'), b: useId('cb'), ty: useId('cty'), n: useId('cn') };
  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    const res = { name: (v ? p.name : name).trim() };
    if (v) {
      for (const k of ['mobile', 'phone', 'email', 'address']) if (p[k] && !p.contact_masked) res[k] = p[k];
    } else if (phone) {
      if (/^(\+?82)?0?1[016789]/.test(phone.replace(/\D/g, '').replace(/^82/, '0'))) res.mobile = phone;
      else res.phone = phone;
    }
    const req = { title: title.trim(), body, channel: 'phone', resident: res };
    if (type) req.type_code = type;
    try {
      const r = await staff.post('/complaints', req, { headers: { 'Idempotency-Key': crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random() } });
      setDone(r);
      setTitle('');
      setBody('');
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return html`<${Section} title=${t('calls.newTitle')}>
    <form class="stack" onSubmit=${submit} data-form="new-complaint">
      ${v ? html`<p class="muted small">${t('calls.newFor', { name: p.name })}</p>` : html`<${Field} label=${t('portal.name')} id=${ids.n} required>
        <input id=${ids.n} required maxlength="40" value=${name} onInput=${(e) => setName(e.currentTarget.value)} /><//>`}
      <${Field} label=${t('calls.cType')} id=${ids.ty}>
        <select id=${ids.ty} value=${type} onChange=${(e) => setType(e.currentTarget.value)}>
          <option value="">${t('calls.cTypeAuto')}</option>
          ${(types.data || []).map((ty) => html`<option value=${ty.code}>${ty.name}${ty.department ? ' — ' + ty.department : ''}</option>`)}
        </select>
      <//>
      <${Field} label=${t('calls.cTitle')} id=${ids.t} required>
        <input id=${ids.t} required maxlength="100" value=${title} onInput=${(e) => setTitle(e.currentTarget.value)} />
      <//>
      <${Field} label=${t('calls.cBody')} id=${ids.b} required>
        <textarea id=${ids.b} rows="3" maxlength="4000" required value=${body} onInput=${(e) => setBody(e.currentTarget.value)}></textarea>
      <//>
      <${ErrorBox} error=${error} />
      ${done ? html`<p class="notice notice-ok" role="status">${t('calls.filed', { receipt: done.receipt_no, due: fmtDateTime(done.due_at), dept: done.department ? done.department.name : t('complaint.noDept') })}
        <${Link} href=${'/complaints/' + done.receipt_no}> ${done.receipt_no}<//></p>` : null}
      <div><${Submit} busy=${busy} disabled=${!title.trim() || !body.trim() || (!v && !name.trim())}>${t('calls.file')}<//></div>
    </form>
  <//>`;
}

function CatchCall({ v }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const id = useId('catch');
  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await staff.post('/call-tasks', { kind: 'catch', customer_id: v.id, reason: reason.trim() });
      setReason('');
      setNotice(t('calls.catchDone'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return html`<details class="card catch"><summary>${t('calls.catch')}</summary>
    <form class="row" onSubmit=${submit}>
      <${Field} label=${t('calls.catchReason')} id=${id} class="grow"><input id=${id} required maxlength="200" value=${reason} onInput=${(e) => setReason(e.currentTarget.value)} /><//>
      <div class="field field-button"><${Submit} busy=${busy} disabled=${!reason.trim()}>${t('calls.catchCreate')}<//></div>
    </form>
    <${ErrorBox} error=${error} /><${Notice} text=${notice} />
  </details>`;
}

function Queues({ user }) {
  const [kind, setKind] = useState('plus');
  const [status, setStatus] = useState('open');
  const state = useAsync(() => staff.get('/call-tasks' + qs({ kind, status, limit: 50 })), [kind, status]);
  const [notice, setNotice] = useState('');
  const kinds = table('calls.kinds');
  const canWork = TASK_ROLES.includes(user.role);
  return html`<${Section} title=${t('calls.queues')}>
    <div class="tabs" role="group" aria-label=${t('calls.queues')}>
      ${Object.keys(kinds).map((k) => html`<button type="button" class=${'chip' + (kind === k ? ' chip-on' : '')} aria-pressed=${kind === k ? 'true' : 'false'} onClick=${() => { setKind(k); setNotice(''); }}>${kinds[k]}</button>`)}
    </div>
    <p class="muted small">${t('calls.kindHelp.' + kind)}</p>
    <div class="tabs" role="group" aria-label=${t('calls.colState')}>
      ${['open', 'claimed', 'done'].map((s) => html`<button type="button" class=${'chip chip-small' + (status === s ? ' chip-on' : '')} aria-pressed=${status === s ? 'true' : 'false'} onClick=${() => setStatus(s)}>${t('calls.taskStatus.' + s)}</button>`)}
    </div>
    <${Notice} text=${notice} />
    <${Async} state=${state} empty=${t('calls.empty')}>
      ${(d) => html`<div>
        ${d.overdue_on_page ? html`<p class="notice notice-warn">${t('calls.overdueOnPage', { n: d.overdue_on_page })}</p>` : null}
        <ul class="tasks">${d.items.map((task) => html`<${Task} key=${task.id} task=${task} user=${user} canWork=${canWork} onChange=${(msg) => { setNotice(msg); state.reload(); }} />`)}</ul>
      </div>`}
    <//>
  <//>`;
}

function Task({ task, user, canWork, onChange }) {
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState('reached');
  const [note, setNote] = useState('');
  const [answers, setAnswers] = useState({ overall: 5, speed: 5, concreteness: 5, clarity: 5, ease: 5 });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const base = useId('task');
  async function claim() {
    setBusy(true);
    setError(null);
    try {
      await staff.post('/call-tasks/' + task.id + '/claim');
      onChange(t('calls.claimed'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  async function complete(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = { outcome };
    if (note.trim()) body.note = note.trim();
    if (task.kind === 'happy' && outcome === 'reached') body.answers = answers;
    try {
      await staff.post('/call-tasks/' + task.id + '/complete', body);
      onChange(t('calls.completed'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const mine = task.claimed_by && (task.claimed_by === user.username || task.claimed_by === user.id);
  return html`<li class=${'task' + (task.overdue ? ' task-overdue' : '')}>
    <div class="task-head">
      <strong>${task.customer_name || '#' + task.customer_id}</strong>
      <span class="muted small">${t('calls.colDue')} ${fmtDateTime(task.due_at)}</span>
      ${task.overdue ? html`<span class="badge badge-danger">${t('calls.overdue')}</span>` : null}
    </div>
    ${task.reason ? html`<p class="small">${task.reason}</p>` : null}
    ${task.receipt_no ? html`<p class="small"><${Link} href=${'/complaints/' + task.receipt_no}>${task.receipt_no}<//></p>` : null}
    ${task.status === 'done' ? html`<p class="small muted">${t('calls.outcomes.' + task.outcome)}</p>` : null}
    <${ErrorBox} error=${error} />
    ${canWork && task.status === 'open' ? html`<button type="button" class="btn btn-small" disabled=${busy} onClick=${claim}>${t('calls.claim')}</button>` : null}
    ${canWork && task.status === 'claimed' ? html`<div>
      ${task.claimed_by ? html`<p class="small muted">${task.claimed_by}</p>` : null}
      ${!open ? html`<button type="button" class="btn btn-small" onClick=${() => setOpen(true)} disabled=${task.claimed_by && !mine && false}>${t('calls.complete')}</button>` : html`
      <form class="stack" onSubmit=${complete}>
        <${Field} label=${t('calls.outcome')} id=${base + '-o'}>
          <select id=${base + '-o'} value=${outcome} onChange=${(e) => setOutcome(e.currentTarget.value)}>
            ${Object.entries(table('calls.outcomes')).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
          </select>
        <//>
        ${task.kind === 'happy' && outcome === 'reached' ? html`<fieldset class="answers"><legend>${t('calls.scale')}</legend>
          ${Object.entries(table('calls.answers')).map(([k, v]) => html`<${Field} label=${v} id=${base + '-' + k}>
            <select id=${base + '-' + k} value=${answers[k]} onChange=${(e) => setAnswers({ ...answers, [k]: parseInt(e.currentTarget.value, 10) })}>
              ${[5, 4, 3, 2, 1].map((n) => html`<option value=${n}>${n}</option>`)}
            </select><//>`)}
        </fieldset>` : null}
        <${Field} label=${t('calls.note')} id=${base + '-n'}><input id=${base + '-n'} maxlength="500" value=${note} onInput=${(e) => setNote(e.currentTarget.value)} /><//>
        <div class="button-row"><${Submit} busy=${busy}>${t('calls.complete')}<//>
          <button type="button" class="btn btn-ghost" onClick=${() => setOpen(false)}>${t('common.cancel')}</button></div>
      </form>`}
    </div>` : null}
  </li>`;
}
