// "Unmask": the RRN in clear, only after the staff member states a purpose, which the
// server audits (customer.rrn.read). The number is shown until the dialog closes.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t } from '../i18n/index.js';
import { staff } from '../lib/api.js';
import { Dialog, Field, ErrorBox, Submit, useId } from './ui.js';

export const UNMASK_ROLES = ['officer', 'dept_head', 'privacy_officer'];

export function UnmaskButton({ customerId, user }) {
  const [open, setOpen] = useState(false);
  const [purpose, setPurpose] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [rrn, setRrn] = useState(null);
  const id = useId('purpose');
  if (!UNMASK_ROLES.includes(user.role)) return null;

  function close() {
    setOpen(false);
    setRrn(null);
    setPurpose('');
    setError(null);
  }
  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await staff.post('/customers/' + customerId + '/rrn', { purpose: purpose.trim() });
      setRrn(r.rrn);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return html`<span>
    <button type="button" class="btn btn-small" onClick=${() => setOpen(true)}>${t('complaint.unmask')}</button>
    <${Dialog} title=${t('complaint.unmaskTitle')} open=${open} onClose=${close}>
      ${rrn
        ? html`<div><p>${t('complaint.rrnShown')}: <strong class="rrn" data-testid="rrn">${rrn}</strong></p>
            <div class="dialog-actions"><button type="button" class="btn" onClick=${close}>${t('common.close')}</button></div></div>`
        : html`<form onSubmit=${submit} class="stack">
            <${Field} label=${t('complaint.unmaskPurpose')} id=${id} hint=${t('complaint.unmaskPurposeHint')} required>
              <input id=${id} value=${purpose} minlength="2" maxlength="200" required aria-describedby=${id + '-hint'}
                onInput=${(e) => setPurpose(e.currentTarget.value)} />
            <//>
            <${ErrorBox} error=${error} />
            <div class="dialog-actions">
              <button type="button" class="btn btn-ghost" onClick=${close}>${t('common.cancel')}</button>
              <${Submit} busy=${busy} disabled=${purpose.trim().length < 2}>${t('complaint.unmaskSubmit')}<//>
            </div>
          </form>`}
    <//>
  </span>`;
}
