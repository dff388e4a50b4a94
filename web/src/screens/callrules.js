// Happy-Call sampling rules (해피콜 표본 규칙; cs_manager, admin): what share of the
// complaints answered last week get a satisfaction call, by complaint type and/or
// department. The whole list is saved at once (PUT replaces it); the server checks it and
// names the offending rule in its message ("2번째 규칙: …"), which is shown as it is and
// marks that row.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t } from '../i18n/index.js';
import { staff } from '../lib/api.js';
import { complaintTypes, departments } from '../lib/catalog.js';
import { useAsync, Async, ErrorBox, Submit, Section, Notice, Link } from '../components/ui.js';

let rowSeq = 0;
function toRows(rules) {
  return (rules || []).map((r) => ({
    key: ++rowSeq,
    type_code: r.type_code || '',
    type_name: r.type_name || '',
    department: r.department ? r.department.code : '',
    dept_name: r.department ? r.department.name : '',
    percent: r.percent === null || r.percent === undefined ? '' : String(r.percent),
  }));
}
const plain = (rows) => JSON.stringify(rows.map((r) => [r.type_code, r.department, String(r.percent).trim()]));

export function CallRules({ user }) {
  const state = useAsync(() => staff.get('/call-rules'), []);
  return html`<${Async} state=${state} isEmpty=${() => false} loadingText=${t('rules.loading')}>
    ${(d) => html`<${Editor} data=${d} user=${user} onSaved=${state.setData} />`}
  <//>`;
}

function Editor({ data, user, onSaved }) {
  const [rows, setRows] = useState(() => toRows(data.rules));
  const [saved, setSaved] = useState(() => plain(toRows(data.rules)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const [focusKey, setFocusKey] = useState(null);
  const types = useAsync(() => complaintTypes(), []);
  const depts = useAsync(() => departments(), []);
  const addRef = useRef(null);
  const tableRef = useRef(null);

  // After "규칙 추가", the new row's first control takes the focus.
  useEffect(() => {
    if (focusKey === null || !tableRef.current) return;
    const el = tableRef.current.querySelector(`[data-row="${focusKey}"] select`);
    if (el) el.focus();
    setFocusKey(null);
  }, [focusKey]);

  // The row the server's message names ("2번째 규칙: …").
  const badRow = useMemo(() => {
    const m = error && /^(\d+)번째 규칙/.exec(error.message || '');
    return m ? Number(m[1]) - 1 : -1;
  }, [error]);

  const dirty = plain(rows) !== saved;
  const set = (key, name) => (e) => {
    const v = e.currentTarget.value;
    setRows(rows.map((r) => (r.key === key ? { ...r, [name]: v } : r)));
    setNotice('');
  };
  function add() {
    const r = { key: ++rowSeq, type_code: '', type_name: '', department: '', dept_name: '', percent: String(data.default_percent ?? 20) };
    setRows([...rows, r]);
    setNotice('');
    setFocusKey(r.key);
  }
  function remove(key) {
    setRows(rows.filter((r) => r.key !== key));
    setNotice('');
    if (addRef.current) addRef.current.focus();
  }
  async function save(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setNotice('');
    const body = {
      rules: rows.map((r) => {
        const o = {};
        if (r.type_code) o.type_code = r.type_code;
        if (r.department) o.department = r.department;
        const p = String(r.percent).trim();
        // Sent as typed: the server is the one that says what is wrong with it.
        o.percent = p === '' ? null : /^-?\d+$/.test(p) ? parseInt(p, 10) : Number(p);
        return o;
      }),
    };
    try {
      const next = await staff.put('/call-rules', body);
      const nr = toRows(next.rules);
      setRows(nr);
      setSaved(plain(nr));
      onSaved(next);
      setNotice(t('rules.saved', { n: nr.length }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  // Options: the active catalogue, plus whatever a saved rule names that is no longer in it.
  const typeOpts = (types.data || []).map((ty) => [ty.code, ty.name]);
  const deptOpts = (depts.data || []).filter((d) => d.active !== false).map((d) => [d.code, d.name]);
  const extra = (opts, code, name) => (code && !opts.some(([c]) => c === code) ? [[code, name || code]] : []);

  return html`<${Section} title=${t('rules.title')}>
    <p class="muted">${t('rules.intro', { n: data.default_percent })}</p>
    <p class="muted small">${t('rules.order')}</p>
    ${types.error ? html`<${ErrorBox} error=${types.error} title=${t('rules.typesFailed')} onRetry=${types.reload} />` : null}
    ${depts.error ? html`<${ErrorBox} error=${depts.error} title=${t('rules.deptsFailed')} onRetry=${depts.reload} />` : null}
    <form class="stack" onSubmit=${save} noValidate data-form="call-rules">
      ${rows.length === 0 ? html`<p class="state state-empty">${t('rules.empty', { n: data.default_percent })}</p>` : html`<div class="table-wrap">
        <table class="table rules-table" ref=${tableRef}>
          <caption class="sr-only">${t('rules.caption')}</caption>
          <thead><tr>
            <th scope="col">${t('rules.colNo')}</th>
            <th scope="col">${t('rules.colType')}</th>
            <th scope="col">${t('rules.colDept')}</th>
            <th scope="col">${t('rules.colPercent')}</th>
            <th scope="col"><span class="sr-only">${t('rules.colRemove')}</span></th>
          </tr></thead>
          <tbody>${rows.map((r, i) => {
            const n = i + 1;
            const bad = i === badRow;
            return html`<tr key=${r.key} data-row=${r.key} class=${bad ? 'row-invalid' : ''}>
              <td class="num">${n}</td>
              <td><select aria-label=${t('rules.typeOf', { n })} value=${r.type_code} onChange=${set(r.key, 'type_code')} disabled=${types.loading}>
                <option value="">${t('rules.anyType')}</option>
                ${[...extra(typeOpts, r.type_code, r.type_name), ...typeOpts].map(([c, name]) => html`<option value=${c}>${name}</option>`)}
              </select></td>
              <td><select aria-label=${t('rules.deptOf', { n })} value=${r.department} onChange=${set(r.key, 'department')} disabled=${depts.loading}>
                <option value="">${t('rules.anyDept')}</option>
                ${[...extra(deptOpts, r.department, r.dept_name), ...deptOpts].map(([c, name]) => html`<option value=${c}>${name}</option>`)}
              </select></td>
              <td class="col-percent"><span class="percent-box"><input type="number" inputmode="numeric" min="0" max="100" step="1" aria-label=${t('rules.percentOf', { n })}
                aria-invalid=${bad ? 'true' : undefined} value=${r.percent} onInput=${set(r.key, 'percent')} /><span aria-hidden="true">%</span></span></td>
              <td><button type="button" class="btn btn-small btn-ghost" onClick=${() => remove(r.key)}>${t('rules.remove')}<span class="sr-only"> (${t('rules.rowN', { n })})</span></button></td>
            </tr>`;
          })}</tbody>
        </table>
      </div>`}
      <${ErrorBox} error=${error} title=${t('rules.saveFailed')} />
      <${Notice} text=${notice} />
      <div class="button-row">
        <button type="button" class="btn" ref=${addRef} onClick=${add}>${t('rules.add')}</button>
        <${Submit} busy=${busy} disabled=${!dirty}>${t('rules.save')}<//>
        ${dirty ? html`<button type="button" class="btn btn-ghost" onClick=${() => { setRows(toRows(data.rules)); setError(null); }}>${t('rules.undo')}</button>
          <span class="muted small" role="status">${t('rules.unsaved')}</span>` : null}
      </div>
    </form>
    ${user && user.role === 'cs_manager' ? html`<p class="small"><${Link} href="/calls">${t('rules.toCalls')}<//></p>` : null}
  <//>`;
}
