// Notification templates (cs_manager, admin): pick one, edit subject and body, preview
// it against a complaint, save. Unknown placeholders come back as 400 naming "body".
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t, label } from '../i18n/index.js';
import { staff } from '../lib/api.js';
import { useAsync, Async, PageTitle, Field, ErrorBox, Submit, useId, Section, Notice, Link } from '../components/ui.js';
import { fmtDateTime } from '../lib/time.js';
import { CallRules } from './callrules.js';

// Two tabs under one menu item: the wording of the notices (/templates) and the
// Happy-Call sampling rules (/templates/call-rules), both cs_manager and admin work.
function Tabs({ tab }) {
  const tabs = [['/templates', 'templates', 'templates.tabTemplates'], ['/templates/call-rules', 'rules', 'templates.tabRules']];
  return html`<nav class="subnav" aria-label=${t('templates.tabs')}>
    <ul>${tabs.map(([href, k, key]) => html`<li><${Link} href=${href} class=${'chip' + (tab === k ? ' chip-on' : '')} aria-current=${tab === k ? 'page' : undefined}>${t(key)}<//></li>`)}</ul>
  </nav>`;
}

export function Templates({ user, tab = 'templates' }) {
  if (tab === 'rules') {
    return html`<div>
      <${PageTitle} key="rules" sub=${t('rules.sub')}>${t('rules.title')}<//>
      <${Tabs} tab="rules" />
      <${CallRules} user=${user} />
    </div>`;
  }
  return html`<${TemplateList} />`;
}

function TemplateList() {
  const state = useAsync(() => staff.get('/templates'), []);
  const [sel, setSel] = useState(null);
  return html`<div>
    <${PageTitle} key="templates" sub=${t('templates.intro')}>${t('templates.title')}<//>
    <${Tabs} tab="templates" />
    <${Async} state=${state} empty=${t('templates.empty')}>
      ${(d) => html`<div class="grid-2 templates">
        <div class="col-side-left">
          <ul class="plain template-list">
            ${d.items.map((it) => {
              const key = it.event + '/' + it.medium;
              return html`<li><button type="button" class=${'list-button' + (sel === key ? ' on' : '')} aria-pressed=${sel === key ? 'true' : 'false'} onClick=${() => setSel(key)}>
                <strong>${it.event_label || label('templates.events', it.event)}</strong> · ${label('templates.media', it.medium)}
                ${it.customised ? html` <span class="badge badge-info">${t('templates.customised')}</span>` : null}
                <span class="muted small block">${it.updated_at ? t('templates.updated', { at: fmtDateTime(it.updated_at) }) : ''}</span></button></li>`;
            })}
          </ul>
        </div>
        <div class="col-main">
          ${sel ? html`<${Editor} key=${sel} item=${d.items.find((it) => it.event + '/' + it.medium === sel)} onSaved=${state.reload} />` : html`<p class="muted">${t('templates.pick')}</p>`}
        </div>
      </div>`}
    <//>
  </div>`;
}

function Editor({ item, onSaved }) {
  const [subject, setSubject] = useState(item.subject || '');
  const [body, setBody] = useState(item.body || '');
  const [receipt, setReceipt] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const [preview, setPreview] = useState(null);
  const ids = { s: useId('ts'), b: useId('tb'), r: useId('tr') };
  const hasSubject = item.medium === 'email' || item.subject != null;

  async function doPreview() {
    setError(null);
    try {
      const req = { event: item.event, medium: item.medium, body };
      if (hasSubject) req.subject = subject;
      if (receipt.trim()) req.receipt_no = receipt.trim();
      setPreview(await staff.post('/templates/preview', req));
    } catch (err) {
      setError(err);
    }
  }
  async function reset() {
    if (!confirm(t('templates.confirmReset'))) return;
    setError(null);
    setNotice('');
    try {
      const r = await staff.del('/templates/' + encodeURIComponent(item.event) + '/' + encodeURIComponent(item.medium));
      if (r && typeof r.body === 'string') {
        setBody(r.body);
        setSubject(r.subject || '');
      }
      setNotice(t('templates.resetDone'));
      onSaved();
    } catch (err) {
      setError(err);
    }
  }
  async function save(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setNotice('');
    try {
      await staff.put('/templates/' + encodeURIComponent(item.event) + '/' + encodeURIComponent(item.medium), { subject: hasSubject ? subject : null, body });
      setNotice(t('templates.saved'));
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return html`<${Section} title=${(item.event_label || label('templates.events', item.event)) + ' · ' + label('templates.media', item.medium)}>
    <form class="stack" onSubmit=${save}>
      ${hasSubject ? html`<${Field} label=${t('templates.subject')} id=${ids.s}><input id=${ids.s} value=${subject} onInput=${(e) => setSubject(e.currentTarget.value)} /><//>` : null}
      <${Field} label=${t('templates.body')} id=${ids.b}><textarea id=${ids.b} rows="8" value=${body} onInput=${(e) => setBody(e.currentTarget.value)}></textarea><//>
      <${Field} label=${t('templates.previewReceipt')} id=${ids.r}><input id=${ids.r} value=${receipt} placeholder="2026-000123" onInput=${(e) => setReceipt(e.currentTarget.value)} /><//>
      <${ErrorBox} error=${error} /><${Notice} text=${notice} />
      <div class="button-row">
        <button type="button" class="btn" onClick=${doPreview}>${t('templates.preview')}</button>
        <${Submit} busy=${busy}>${t('templates.save')}<//>
        ${item.customised ? html`<button type="button" class="btn btn-ghost" onClick=${reset}>${t('templates.reset')}</button>` : null}
      </div>
    </form>
    ${preview ? html`<div class="preview" role="status">
      <h3>${t('templates.preview')}</h3>
      <p class="muted small">${t('templates.bytes', { class: preview.class || '', bytes: preview.bytes })}</p>
      ${preview.subject ? html`<p><strong>${preview.subject}</strong></p>` : null}
      <div class="body-text">${preview.body}</div>
    </div>` : null}
  <//>`;
}
