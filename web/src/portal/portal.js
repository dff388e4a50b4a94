// The resident portal (mobile-first): file a complaint, get a receipt number and PIN,
// track it with them, sign in with a one-time code to see all my complaints, and "my
// data" with the consents I can change. No staff account, no staff session.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t, label } from '../i18n/index.js';
import { resident, qs } from '../lib/api.js';
import { navigate, match } from '../lib/router.js';
import { publicComplaintTypes } from '../lib/catalog.js';
import { useAsync, Async, Link, Field, ErrorBox, Submit, useId, Notice, StatusBadge, Loading, Empty } from '../components/ui.js';
import { fmtDateTime } from '../lib/time.js';
import { useCountdown, waitText } from '../screens/login.js';

// The tenant: ?tenant= on any portal link, remembered for the tab; left out when absent
// (an installation with one tenant does not need it).
function tenant() {
  const fromUrl = new URLSearchParams(location.search).get('tenant');
  try {
    if (fromUrl) sessionStorage.setItem('pcrm.portal.tenant', fromUrl);
    return fromUrl || sessionStorage.getItem('pcrm.portal.tenant') || '';
  } catch {
    return fromUrl || '';
  }
}

// Receipt + PIN handed from the receipt page to the tracking page, never via the URL.
let handoff = null;

export function Portal({ loc }) {
  const path = loc.path.replace(/\/+$/, '') || '/portal';
  let screen;
  let m;
  if (path === '/portal') screen = html`<${Home} />`;
  else if (path === '/portal/new') screen = html`<${FileComplaint} />`;
  else if (path === '/portal/track') screen = html`<${Track} />`;
  else if (path === '/portal/signin') screen = html`<${SignIn} />`;
  else if (path === '/portal/me') screen = html`<${Me} />`;
  else if ((m = match('/portal/me/:receipt', path))) screen = html`<${MyComplaint} receipt=${m.receipt} />`;
  else screen = html`<div><${Title}>${t('notFound.title')}<//><p><${Link} href="/portal">${t('portal.home')}<//></p></div>`;
  const here = (p) => (path === p || path.startsWith(p + '/') ? 'page' : undefined);
  return html`<div class="portal">
    <a class="skip" href="#main">${t('app.skip')}</a>
    <header class="portal-top">
      <${Link} href="/portal" class="portal-brand"><span class="brand-mark" aria-hidden="true">P</span> ${t('portal.org')}<//>
      <nav aria-label=${t('portal.navLabel')}>
        <ul>
          <li><${Link} href="/portal/new" aria-current=${here('/portal/new')}>${t('portal.file')}<//></li>
          <li><${Link} href="/portal/track" aria-current=${here('/portal/track')}>${t('portal.track')}<//></li>
          <li><${Link} href="/portal/me" aria-current=${here('/portal/me') || here('/portal/signin')}>${t('portal.me')}<//></li>
        </ul>
      </nav>
    </header>
    <main id="main" tabindex="-1" class="portal-main">${screen}</main>
    <footer class="portal-foot"><${Link} href="/">${t('portal.staffLink')}<//></footer>
  </div>`;
}

function Title({ children }) {
  const ref = useRef(null);
  useEffect(() => {
    document.title = (typeof children === 'string' ? children + ' — ' : '') + t('app.portal');
    if (ref.current) ref.current.focus({ preventScroll: true });
  }, []);
  return html`<h1 tabindex="-1" ref=${ref}>${children}</h1>`;
}

function Home() {
  return html`<div>
    <${Title}>${t('portal.title')}<//>
    <p class="lead">${t('portal.tagline')}</p>
    <ul class="big-links">
      <li><${Link} href="/portal/new"><strong>${t('portal.file')}</strong><span>${t('portal.fileDesc')}</span><//></li>
      <li><${Link} href="/portal/track"><strong>${t('portal.track')}</strong><span>${t('portal.trackDesc')}</span><//></li>
      <li><${Link} href="/portal/signin"><strong>${t('portal.signin')}</strong><span>${t('portal.signinDesc')}</span><//></li>
    </ul>
  </div>`;
}

const KIND_ORDER = ['고충', '건의', '질의', '법정', '기타'];

function FileComplaint() {
  const types = useAsync(() => publicComplaintTypes(tenant()), []);
  const [f, setF] = useState({ type: '', title: '', body: '', name: '', mobile: '', phone: '', email: '', address: '' });
  const [filter, setFilter] = useState('');
  const [consents, setConsents] = useState({ noticeSms: false, noticeEmail: false, survey: false, proactive: false });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const idem = useRef(null);
  const ids = {};
  for (const k of ['type', 'filter', 'title', 'body', 'name', 'mobile', 'phone', 'email', 'address', 'c1', 'c2', 'c3', 'c4']) ids[k] = useId('p' + k);
  const set = (k) => (e) => {
    idem.current = null; // a changed form is a new request
    setF({ ...f, [k]: e.currentTarget.value });
  };
  const grouped = useMemo(() => {
    const q = filter.trim();
    const list = (types.data || []).filter((ty) => !q || ty.name.includes(q) || (ty.department || '').includes(q));
    return KIND_ORDER.map((k) => [k, list.filter((ty) => ty.kind === k)]).filter(([, l]) => l.length);
  }, [types.data, filter]);
  const chosen = (types.data || []).find((ty) => ty.code === f.type);

  async function submit(e) {
    e.preventDefault();
    if (!f.mobile.trim() && !f.phone.trim() && !f.email.trim()) {
      setError({ message: t('portal.needContact'), field: 'resident.mobile' });
      return;
    }
    setBusy(true);
    setError(null);
    const res = { name: f.name.trim() };
    for (const k of ['mobile', 'phone', 'email', 'address']) if (f[k].trim()) res[k] = f[k].trim();
    const c = {};
    const add = (p, ch) => (c[p] = [...(c[p] || []), ch]);
    if (consents.noticeSms) add('status_notice', 'sms');
    if (consents.noticeEmail) add('status_notice', 'email');
    if (consents.survey) add('survey', 'sms');
    if (consents.proactive) add('proactive_service', 'sms');
    const body = { title: f.title.trim(), body: f.body, channel: 'web', resident: res };
    if (f.type) body.type_code = f.type;
    if (Object.keys(c).length) body.consents = c;
    const tn = tenant();
    if (tn) body.tenant = tn;
    if (!idem.current) idem.current = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
    try {
      const r = await resident.post('/public/complaints', body, { headers: { 'Idempotency-Key': idem.current } });
      setDone(r);
      window.scrollTo(0, 0);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (done) return html`<${Receipt} r=${done} />`;
  const errFor = (field) => (error && error.field && (error.field === field || error.field === 'resident.' + field) ? error : null);
  return html`<div>
    <${Title}>${t('portal.file')}<//>
    <form class="stack portal-form" onSubmit=${submit} novalidate>
      <fieldset>
        <legend>${t('portal.step1')}</legend>
        <${Field} label=${t('portal.categoryFilter')} id=${ids.filter} hint=${t('portal.categoryFilterHint')}>
          <input id=${ids.filter} type="search" value=${filter} aria-describedby=${ids.filter + '-hint'} onInput=${(e) => setFilter(e.currentTarget.value)} />
        <//>
        <${Field} label=${t('portal.category')} id=${ids.type} hint=${t('portal.categoryHint')}>
          ${types.error ? html`<${ErrorBox} error=${types.error} onRetry=${types.reload} />` : types.loading ? html`<${Loading} />` : html`
          <select id=${ids.type} name="type" value=${f.type} onChange=${set('type')} aria-describedby=${ids.type + '-hint'}>
            <option value="">${t('portal.categoryUnknown')}</option>
            ${grouped.map(([k, l]) => html`<optgroup label=${t('portal.kindGroups.' + k)}>${l.map((ty) => html`<option value=${ty.code}>${ty.name}</option>`)}</optgroup>`)}
          </select>`}
        <//>
        ${chosen ? html`<p class="muted small" role="status">${t('portal.periodInfo', { period: chosen.period, dept: chosen.department || '-' })}</p>` : null}
      </fieldset>
      <fieldset>
        <legend>${t('portal.step2')}</legend>
        <${Field} label=${t('portal.cTitle')} id=${ids.title} hint=${t('portal.cTitleHint')} required>
          <input id=${ids.title} name="title" required maxlength="100" value=${f.title} onInput=${set('title')} aria-describedby=${ids.title + '-hint'} aria-invalid=${errFor('title') ? 'true' : undefined} />
        <//>
        <${Field} label=${t('portal.cBody')} id=${ids.body} hint=${t('portal.cBodyHint')} required>
          <textarea id=${ids.body} name="body" required maxlength="4000" rows="6" value=${f.body} onInput=${set('body')} aria-describedby=${ids.body + '-hint'} aria-invalid=${errFor('body') ? 'true' : undefined}></textarea>
        <//>
      </fieldset>
      <fieldset>
        <legend>${t('portal.step3')}</legend>
        <p class="hint">${t('portal.step3Hint')}</p>
        <${Field} label=${t('portal.name')} id=${ids.name} required>
          <input id=${ids.name} name="name" required maxlength="40" autocomplete="name" value=${f.name} onInput=${set('name')} aria-invalid=${errFor('name') ? 'true' : undefined} />
        <//>
        <${Field} label=${t('portal.mobile')} id=${ids.mobile}>
          <input id=${ids.mobile} name="mobile" type="tel" inputmode="tel" autocomplete="tel" maxlength="30" value=${f.mobile} onInput=${set('mobile')} aria-invalid=${errFor('mobile') ? 'true' : undefined} />
        <//>
        <${Field} label=${t('portal.email')} id=${ids.email}>
          <input id=${ids.email} name="email" type="email" autocomplete="email" maxlength="254" value=${f.email} onInput=${set('email')} aria-invalid=${errFor('email') ? 'true' : undefined} />
        <//>
        <${Field} label=${t('portal.phone')} id=${ids.phone}>
          <input id=${ids.phone} name="phone" type="tel" inputmode="tel" maxlength="30" value=${f.phone} onInput=${set('phone')} />
        <//>
        <${Field} label=${t('portal.address')} id=${ids.address} hint=${t('portal.addressHint')}>
          <input id=${ids.address} name="address" autocomplete="street-address" maxlength="200" value=${f.address} onInput=${set('address')} />
        <//>
      </fieldset>
      <fieldset>
        <legend>${t('portal.step4')}</legend>
        <p class="hint">${t('portal.step4Hint')}</p>
        ${[['noticeSms', 'c1', 'portal.cNoticeSms'], ['noticeEmail', 'c2', 'portal.cNoticeEmail'], ['survey', 'c3', 'portal.cSurvey'], ['proactive', 'c4', 'portal.cProactive']].map(([k, id, key]) => html`
          <div class="check"><input type="checkbox" id=${ids[id]} checked=${consents[k]} onChange=${(e) => setConsents({ ...consents, [k]: e.currentTarget.checked })} />
          <label for=${ids[id]}>${t(key)}</label></div>`)}
      </fieldset>
      <${ErrorBox} error=${error} />
      <${Submit} busy=${busy} class="btn-block" disabled=${!f.title.trim() || !f.body.trim() || !f.name.trim()}>${t('portal.submit')}<//>
    </form>
  </div>`;
}

function Receipt({ r }) {
  return html`<div class="receipt" data-testid="receipt">
    <${Title}>${t('portal.receiptTitle')}<//>
    <dl class="receipt-box">
      <div><dt>${t('portal.receiptNo')}</dt><dd class="big" data-testid="receipt-no">${r.receipt_no}</dd></div>
      <div><dt>${t('portal.pin')}</dt><dd class="big" data-testid="receipt-pin">${r.pin}</dd></div>
    </dl>
    <p class="notice notice-warn">${t('portal.keep')}</p>
    <dl class="facts">
      <div class="fact"><dt>${t('portal.dueAt')}</dt><dd>${fmtDateTime(r.due_at)}</dd></div>
      <div class="fact"><dt>${t('portal.dept')}</dt><dd>${r.department ? r.department.name : t('portal.deptTriage')}</dd></div>
    </dl>
    <p><button type="button" class="btn btn-primary btn-block" onClick=${() => { handoff = { receipt: r.receipt_no, pin: r.pin }; navigate('/portal/track'); }}>${t('portal.viewStatus')}</button></p>
  </div>`;
}

function Track() {
  const h = handoff;
  handoff = null;
  // Notices link here as /portal/track?receipt=2026-000123: the number is filled in, the
  // PIN (never in a link) is typed by the resident.
  const linked = new URLSearchParams(location.search).get('receipt') || '';
  const [receipt, setReceipt] = useState(h ? h.receipt : linked);
  const [pin, setPin] = useState(h ? h.pin : '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [until, setUntil] = useState(0);
  const [view, setView] = useState(null);
  const left = useCountdown(until);
  const ids = { r: useId('rc'), p: useId('pin') };

  async function look(e) {
    if (e) e.preventDefault();
    setBusy(true);
    setError(null);
    setView(null);
    try {
      const tn = tenant();
      const v = await resident.get('/public/complaints/' + encodeURIComponent(receipt.trim()) + qs({ tenant: tn }), { headers: { 'X-Tracking-Pin': pin.trim() } });
      setView(v);
    } catch (err) {
      if (err.status === 404) setError({ message: t('portal.trackNotFound') });
      else if (err.status === 429) {
        setUntil(Date.now() + (err.retryAfter || 3600) * 1000);
        setError(null);
      } else setError(err);
    } finally {
      setBusy(false);
    }
  }
  useEffect(() => {
    if (h) look();
  }, []);

  return html`<div>
    <${Title}>${t('portal.trackTitle')}<//>
    <p>${t('portal.trackIntro')}</p>
    <form class="stack" onSubmit=${look}>
      <${Field} label=${t('portal.receiptField')} id=${ids.r} hint=${t('portal.receiptHint')} required>
        <input id=${ids.r} name="receipt" required inputmode="numeric" autocomplete="off" value=${receipt} aria-describedby=${ids.r + '-hint'} onInput=${(e) => setReceipt(e.currentTarget.value)} />
      <//>
      <${Field} label=${t('portal.pinField')} id=${ids.p} required>
        <input id=${ids.p} name="pin" required inputmode="numeric" autocomplete="off" maxlength="6" value=${pin} onInput=${(e) => setPin(e.currentTarget.value)} />
      <//>
      ${left > 0 ? html`<p class="notice notice-warn" role="alert">${t('portal.locked', { wait: waitText(left) })}</p>` : null}
      <${ErrorBox} error=${error} title=${error && !error.status ? ' ' : undefined} />
      <${Submit} busy=${busy} class="btn-block" disabled=${!receipt.trim() || !pin.trim() || left > 0}>${t('portal.trackSubmit')}<//>
    </form>
    ${view ? html`<${PublicView} v=${view} />` : null}
  </div>`;
}

function PublicView({ v }) {
  return html`<article class="public-view" aria-label=${v.receipt_no} data-testid="public-view">
    <h2>${v.title}</h2>
    <p class="muted small">${v.receipt_no} · ${fmtDateTime(v.received_at)}</p>
    <p>${t('portal.statusNow')}: <${StatusBadge} status=${v.status} /></p>
    ${v.overdue ? html`<p class="notice notice-warn">${t('portal.overdue')}</p>` : null}
    <dl class="facts">
      <div class="fact"><dt>${t('portal.dept')}</dt><dd>${v.department || t('portal.deptTriage')}</dd></div>
      <div class="fact"><dt>${t('portal.dueAt')}</dt><dd>${fmtDateTime(v.due_at)}</dd></div>
    </dl>
    <section class="answer-box" aria-labelledby="answer-h">
      <h3 id="answer-h">${t('portal.answer')}</h3>
      ${v.answer ? html`<div class="body-text" data-testid="answer">${v.answer}</div><p class="muted small">${fmtDateTime(v.answered_at)}</p>` : html`<p class="muted">${t('portal.noAnswerYet')}</p>`}
    </section>
    <details><summary>${t('portal.yourText')}</summary><div class="body-text">${v.body}</div></details>
    <h3>${t('portal.progress')}</h3>
    <ol class="timeline">
      ${(v.history || []).map((h) => html`<li><span class="muted small">${fmtDateTime(h.at)}</span> ${label('action', h.action)}${h.from_status && h.to_status && h.from_status !== h.to_status ? ' → ' + label('status', h.to_status) : ''}${h.department ? ' · ' + h.department : ''}</li>`)}
    </ol>
  </article>`;
}

function SignIn() {
  const [contact, setContact] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [until, setUntil] = useState(0);
  const left = useCountdown(until);
  const ids = { c: useId('contact'), k: useId('code') };
  const tn = tenant();

  async function send(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { contact: contact.trim() };
      if (tn) body.tenant = tn;
      setSent(await resident.post('/public/sign-in/code', body));
    } catch (err) {
      if (err.status === 429) setUntil(Date.now() + (err.retryAfter || 60) * 1000);
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  async function verify(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { contact: contact.trim(), code: code.trim() };
      if (tn) body.tenant = tn;
      const r = await resident.post('/public/sign-in', body);
      resident.setCsrf(r.csrf_token);
      navigate('/portal/me');
    } catch (err) {
      if (err.status === 429 && err.field === 'code') {
        // five wrong tries kill the code: ask for a new one
        setSent(null);
        setCode('');
        setError({ message: t('portal.codeDead') });
      } else if (err.status === 429) {
        setUntil(Date.now() + (err.retryAfter || 900) * 1000);
        setError(null);
      } else if (err.status === 401) setError({ message: t('portal.wrongCode') });
      else setError(err);
    } finally {
      setBusy(false);
    }
  }
  return html`<div>
    <${Title}>${t('portal.signinTitle')}<//>
    <p>${t('portal.signinIntro')}</p>
    <form class="stack" onSubmit=${send}>
      <${Field} label=${t('portal.contact')} id=${ids.c} hint=${t('portal.contactHint')} required>
        <input id=${ids.c} name="contact" required autocomplete="tel" value=${contact} aria-describedby=${ids.c + '-hint'} onInput=${(e) => { setContact(e.currentTarget.value); setSent(null); }} />
      <//>
      ${!sent ? html`<${Submit} busy=${busy} class="btn-block" disabled=${!contact.trim() || left > 0}>${t('portal.sendCode')}<//>` : null}
    </form>
    ${sent ? html`<form class="stack" onSubmit=${verify}>
      <p class="notice notice-ok" role="status">${t('portal.codeSent', { min: Math.round((sent.expires_in || 600) / 60) })}</p>
      <${Field} label=${t('portal.code')} id=${ids.k} required>
        <input id=${ids.k} name="code" required inputmode="numeric" autocomplete="one-time-code" value=${code} onInput=${(e) => setCode(e.currentTarget.value)} />
      <//>
      <${Submit} busy=${busy} class="btn-block" disabled=${!code.trim() || left > 0}>${t('portal.verify')}<//>
    </form>` : null}
    ${left > 0 ? html`<p class="notice notice-warn" role="alert">${t('portal.tooMany', { wait: waitText(left) })}</p>` : null}
    <${ErrorBox} error=${error} />
  </div>`;
}

function Me() {
  const state = useAsync(() => resident.get('/public/me', { noAuthEvent: true }), []);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState(null);
  if (state.error && state.error.status === 401) {
    return html`<div><${Title}>${t('portal.meTitle')}<//><p>${t('portal.needSignin')}</p>
      <p><${Link} class="btn btn-primary btn-block" href="/portal/signin">${t('portal.signinTitle')}<//></p></div>`;
  }
  async function toggle(c) {
    setError(null);
    setNotice('');
    try {
      const r = await resident.put('/public/me/consents', { purpose: c.purpose, channel: c.channel, granted: !c.granted });
      state.setData({ ...state.data, consents: r.consents || state.data.consents });
      setNotice(t('portal.consentChanged'));
    } catch (err) {
      setError(err);
    }
  }
  async function signOut() {
    try {
      await resident.post('/public/sign-out');
    } catch {
      /* already gone */
    }
    resident.setCsrf(null);
    navigate('/portal');
  }
  return html`<div>
    <${Title}>${t('portal.meTitle')}<//>
    <${Async} state=${state}>
      ${(d) => html`<div class="stack">
        <p class="lead">${t('portal.hello', { name: d.resident ? d.resident.name : '' })}</p>
        <p class="muted">${t('portal.meIntro')}</p>
        <section class="card" aria-labelledby="my-c"><h2 id="my-c">${t('portal.myComplaints')}</h2>
          ${(d.complaints || []).length === 0 ? html`<${Empty} text=${t('portal.myComplaintsEmpty')} />` : html`<ul class="plain my-complaints">
            ${d.complaints.map((c) => html`<li><${Link} href=${'/portal/me/' + encodeURIComponent(c.receipt_no)}><strong>${c.title}</strong><//>
              <span class="block muted small">${c.receipt_no} · ${fmtDateTime(c.received_at)}${c.department ? ' · ' + c.department : ''}</span> <${StatusBadge} status=${c.status} /></li>`)}</ul>`}
        </section>
        <section class="card" aria-labelledby="my-p"><h2 id="my-p">${t('portal.myProfile')}</h2>
          <dl class="facts">${[['name', 'portal.name'], ['birth_date', 'c360.birth'], ['rrn_masked', 'c360.rrn'], ['mobile', 'portal.mobile'], ['phone', 'portal.phone'], ['email', 'portal.email'], ['address', 'c360.address']].map(([k, key]) => html`
            <div class="fact"><dt>${t(key)}</dt><dd>${(d.resident || {})[k] || t('common.none')}</dd></div>`)}</dl>
        </section>
        <section class="card" aria-labelledby="my-k"><h2 id="my-k">${t('portal.myConsents')}</h2>
          <p class="muted small">${t('portal.consentFixed')}</p>
          <${Notice} text=${notice} /><${ErrorBox} error=${error} />
          <div class="consent-groups">
            ${[...new Set((d.consents || []).filter((c) => c.purpose !== 'complaint_handling').map((c) => c.purpose))].map((p) => {
              const items = d.consents.filter((c) => c.purpose === p);
              const gid = 'consent-' + p;
              return html`<div class="consent-group" role="group" aria-labelledby=${gid}>
                <h3 id=${gid}>${items[0].purpose_label || label('purpose', p)}</h3>
                <div class="switches">${items.map((c) => html`<button type="button" role="switch" aria-checked=${c.granted ? 'true' : 'false'}
                    class=${'switch' + (c.granted ? ' on' : '')} data-consent=${p + '.' + c.channel}
                    aria-label=${t('portal.consentToggle', { purpose: items[0].purpose_label || label('purpose', p), channel: label('channel', c.channel) })}
                    onClick=${() => toggle(c)}>
                  <span class="switch-ch">${label('channel', c.channel)}</span> <span class="switch-state">${c.granted ? t('portal.consentOn') : t('portal.consentOff')}</span></button>`)}</div>
              </div>`;
            })}
          </div>
        </section>
        <p><button type="button" class="btn btn-block" onClick=${signOut}>${t('portal.signout')}</button></p>
      </div>`}
    <//>
  </div>`;
}

function MyComplaint({ receipt }) {
  const state = useAsync(() => resident.get('/public/me/complaints/' + encodeURIComponent(receipt)), [receipt]);
  return html`<div>
    <p class="backlink"><${Link} href="/portal/me">← ${t('portal.myComplaints')}<//></p>
    <${Title}>${t('portal.trackTitle')}<//>
    <${Async} state=${state}>${(v) => html`<${PublicView} v=${v} />`}<//>
  </div>`;
}
