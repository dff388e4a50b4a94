// Shared building blocks: loading, empty and error states, labelled fields, badges, a
// modal dialog, and the useAsync hook every list uses.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t, label } from '../i18n/index.js';
import { linkClick } from '../lib/router.js';

let idSeq = 0;
export function useId(prefix = 'f') {
  const ref = useRef(null);
  if (ref.current === null) ref.current = prefix + '-' + ++idSeq;
  return ref.current;
}

/** Runs an async loader; {data, error, loading, reload, setData}. */
export function useAsync(fn, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const seq = useRef(0);
  const run = useCallback(() => {
    const my = ++seq.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    Promise.resolve()
      .then(fn)
      .then(
        (data) => my === seq.current && setState({ data, error: null, loading: false }),
        (error) => my === seq.current && setState({ data: null, error, loading: false }),
      );
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run, setData: (data) => setState((s) => ({ ...s, data })) };
}

/**
 * A cursor-paged list (the API's {items, next_cursor}): load(cursor) fetches a page; the
 * cursors of earlier pages are kept so "이전" goes back without the server's help.
 */
export function useCursorPages(load) {
  const [cursors, setCursors] = useState([null]);
  const page = cursors.length - 1;
  const cursor = cursors[page];
  const state = useAsync(() => load(cursor), [cursor]);
  const next = state.data && state.data.next_cursor;
  return {
    state,
    page,
    next,
    back: () => !state.loading && page > 0 && setCursors(cursors.slice(0, -1)),
    forward: () => next && !state.loading && setCursors([...cursors, next]),
  };
}

/** The pager of useCursorPages, or the row count when everything fits one page. */
export function CursorPager({ p }) {
  const { state, page, next } = p;
  if (!state.data) return null;
  if (page === 0 && !next) return html`<p class="muted small" role="status">${t('common.count', { n: state.data.items.length })}</p>`;
  return html`<nav class="pager" aria-label=${t('common.pages')}>
    <button type="button" class="btn btn-small" disabled=${page === 0} onClick=${p.back}>${t('common.prev')}</button>
    <span class="muted small" aria-live="polite">${state.loading ? t('common.loading') : t('common.page', { n: page + 1 })}</span>
    <button type="button" class="btn btn-small" disabled=${!next && !state.loading} onClick=${p.forward}>${t('common.next')}</button>
    <button type="button" class="btn btn-small btn-ghost" onClick=${() => !state.loading && state.reload()}>${t('common.refresh')}</button>
  </nav>`;
}

/** Which rows are opened: a set of ids and a toggle. */
export function useOpenSet() {
  const [open, setOpen] = useState(() => new Set());
  const toggle = (id) => {
    const s = new Set(open);
    if (s.has(id)) s.delete(id);
    else s.add(id);
    setOpen(s);
  };
  return [open, toggle];
}

export function Link({ href, children, class: cls, ...rest }) {
  return html`<a href=${href} class=${cls} onClick=${linkClick} ...${rest}>${children}</a>`;
}

export function Loading({ text }) {
  return html`<p class="state state-loading" role="status"><span class="spinner" aria-hidden="true"></span>${text || t('common.loading')}</p>`;
}

export function Empty({ text }) {
  return html`<p class="state state-empty">${text || t('common.empty')}</p>`;
}

/** A server or network error, with the server's own message. */
export function ErrorBox({ error, title, onRetry }) {
  if (!error) return null;
  const notYet = error.status === 404 && error.code === 'not_found' && !error.field;
  return html`<div class="state state-error" role="alert">
    <strong>${title || (notYet ? t('error.notAvailable') : t('error.title'))}</strong>
    <span class="state-msg">${error.message}</span>
    ${error.code && error.status ? html`<span class="state-code">(${error.status} ${error.code}${error.field ? ' · ' + error.field : ''})</span>` : null}
    ${onRetry ? html`<button type="button" class="btn btn-small" onClick=${onRetry}>${t('common.retry')}</button>` : null}
  </div>`;
}

/** Loading / error / empty around a list; renders children(data) otherwise. */
export function Async({ state, empty, isEmpty, children, loadingText }) {
  if (state.error) return html`<${ErrorBox} error=${state.error} onRetry=${state.reload} />`;
  if (state.data === null || state.data === undefined) return html`<${Loading} text=${loadingText} />`;
  const data = state.data;
  const none = isEmpty ? isEmpty(data) : Array.isArray(data) ? data.length === 0 : data && Array.isArray(data.items) && data.items.length === 0;
  if (none) return html`<${Empty} text=${empty} />`;
  return children(data);
}

export function Notice({ text, kind = 'ok' }) {
  if (!text) return null;
  return html`<p class=${'notice notice-' + kind} role="status">${text}</p>`;
}

/** A labelled form control: the label's for= points at the control's id. */
export function Field({ label: text, id, hint, required, children, class: cls }) {
  const hintId = hint ? id + '-hint' : null;
  return html`<div class=${'field ' + (cls || '')}>
    <label for=${id}>${text}${required ? html`<span class="req" aria-hidden="true"> *</span>` : null}</label>
    ${children}
    ${hint ? html`<p class="hint" id=${hintId}>${hint}</p>` : null}
  </div>`;
}

export function StatusBadge({ status }) {
  return html`<span class=${'badge status-' + status}>${label('status', status)}</span>`;
}

export function DueBadge({ item, now }) {
  if (!item.due_at) return null;
  const open = ['received', 'assigned', 'in_progress', 'extended'].includes(item.status);
  const due = new Date(item.due_at).getTime();
  const n = now || Date.now();
  if (!open) return null;
  if (item.overdue || due < n) return html`<span class="badge badge-danger">${t('inbox.overdue')}</span>`;
  if (due - n < 24 * 3600e3) return html`<span class="badge badge-warn">${t('inbox.dueSoon')}</span>`;
  return null;
}

/** The page's heading; takes focus when the screen opens so screen readers announce it. */
export function PageTitle({ children, sub }) {
  const ref = useRef(null);
  useEffect(() => {
    document.title = (typeof children === 'string' ? children + ' — ' : '') + t('app.title');
    if (ref.current && document.activeElement === document.body) ref.current.focus({ preventScroll: true });
  }, []);
  return html`<div class="page-title"><h1 tabindex="-1" ref=${ref}>${children}</h1>${sub ? html`<p class="sub">${sub}</p>` : null}</div>`;
}

/** A modal <dialog>: focus stays inside, Esc closes it. */
export function Dialog({ title, open, onClose, children }) {
  const ref = useRef(null);
  const titleId = useId('dlg');
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return html`<dialog ref=${ref} aria-labelledby=${titleId} onClose=${onClose} onCancel=${onClose}>
    <h2 id=${titleId}>${title}</h2>
    ${open ? children : null}
  </dialog>`;
}

/** A definition list from [label, value] pairs, leaving out empty values when asked. */
export function Facts({ rows, skipEmpty }) {
  const shown = rows.filter((r) => r && (!skipEmpty || (r[1] !== null && r[1] !== undefined && r[1] !== '')));
  return html`<dl class="facts">
    ${shown.map(([k, v]) => html`<div class="fact"><dt>${k}</dt><dd>${v === null || v === undefined || v === '' ? t('common.none') : v}</dd></div>`)}
  </dl>`;
}

export function Section({ title, children, actions, id }) {
  const hid = useId('sec');
  return html`<section class="card" aria-labelledby=${hid} id=${id}>
    <div class="card-head"><h2 id=${hid}>${title}</h2>${actions ? html`<div class="card-actions">${actions}</div>` : null}</div>
    ${children}
  </section>`;
}

/** A submit button that shows it is busy. */
export function Submit({ busy, children, class: cls, disabled }) {
  return html`<button type="submit" class=${'btn btn-primary ' + (cls || '')} disabled=${busy || disabled} aria-busy=${busy ? 'true' : 'false'}>
    ${busy ? t('common.working') : children}
  </button>`;
}
