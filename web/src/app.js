// The two apps in one bundle: the staff console (signed in with a session cookie) and
// the resident portal under /portal (no staff account).
import { useEffect, useState } from 'preact/hooks';
import { html } from './lib/html.js';
import { t } from './i18n/index.js';
import { staff } from './lib/api.js';
import { useLocation, match, navigate } from './lib/router.js';
import { Link, Loading, PageTitle, ErrorBox } from './components/ui.js';
import { Login } from './screens/login.js';
import { Inbox } from './screens/inbox.js';
import { ComplaintDetail } from './screens/complaint.js';
import { CustomerSearch, Customer360 } from './screens/customers.js';
import { Reviews } from './screens/reviews.js';
import { CallCentre } from './screens/calls.js';
import { Templates } from './screens/templates.js';
import { Outbox, OUTBOX_ROLES } from './screens/outbox.js';
import { AuditLog, AUDIT_ROLES } from './screens/audit.js';
import { Portal } from './portal/portal.js';

// The dashboards carry Chart.js: loaded only when opened, so the portal and the other
// screens stay small on a phone.
function lazy(load) {
  let Comp = null;
  let pending = null;
  return function Lazy(props) {
    const [, setReady] = useState(0);
    const [error, setError] = useState(null);
    if (Comp) return html`<${Comp} ...${props} />`;
    if (!pending) pending = load().then((c) => (Comp = c));
    pending.then(() => setReady(1), (e) => { pending = null; setError({ status: 0, code: 'network', message: t('error.network') + ' (' + e.message + ')' }); });
    return error ? html`<${ErrorBox} error=${error} />` : html`<${Loading} />`;
  };
}
const Dashboards = lazy(() => import('./screens/dashboards.js').then((m) => m.Dashboards));

const NAV = [
  { path: '/inbox', key: 'nav.inbox', roles: null },
  { path: '/calls', key: 'nav.calls', roles: ['agent', 'officer', 'dept_head', 'cs_manager'] },
  { path: '/customers', key: 'nav.customers', roles: ['agent', 'officer', 'dept_head', 'cs_manager', 'privacy_officer'] },
  { path: '/reviews', key: 'nav.reviews', roles: ['cs_manager', 'privacy_officer', 'admin'] },
  { path: '/dashboards', key: 'nav.dashboards', roles: ['officer', 'dept_head', 'cs_manager', 'privacy_officer', 'admin'] },
  { path: '/templates', key: 'nav.templates', roles: ['cs_manager', 'admin'] },
  { path: '/outbox', key: 'nav.outbox', roles: OUTBOX_ROLES },
  { path: '/audit', key: 'nav.audit', roles: AUDIT_ROLES },
];

function homeFor(role) {
  if (role === 'agent') return '/calls';
  if (role === 'privacy_officer') return '/customers';
  return '/inbox';
}

export function App() {
  const loc = useLocation();
  if (loc.path === '/portal' || loc.path.startsWith('/portal/')) return html`<${Portal} loc=${loc} />`;
  return html`<${Staff} loc=${loc} />`;
}

function Staff({ loc }) {
  // undefined: still asking the server; null: signed out.
  const [user, setUser] = useState(undefined);
  const [ended, setEnded] = useState(false);
  const [fatal, setFatal] = useState(null);

  useEffect(() => {
    staff
      .get('/me', { noAuthEvent: true })
      .then((me) => {
        staff.setCsrf(me.csrf_token);
        setUser(me.user || null);
      })
      .catch((e) => {
        if (e.status === 401) setUser(null);
        else setFatal(e);
      });
    return staff.onUnauthorized(() => {
      setEnded(true);
      setUser(null);
    });
  }, []);

  if (fatal) return html`<main class="center-page"><${ErrorBox} error=${fatal} onRetry=${() => location.reload()} /></main>`;
  if (user === undefined) return html`<main class="center-page"><${Loading} /></main>`;
  if (user === null) {
    return html`<${Login} ended=${ended} onSignedIn=${(u) => {
      setEnded(false);
      setUser(u);
      if (loc.path === '/' || loc.path === '/login') navigate(homeFor(u.role), { replace: true });
    }} />`;
  }
  return html`<${Shell} user=${user} loc=${loc} onSignedOut=${() => setUser(null)} />`;
}

function Shell({ user, loc, onSignedOut }) {
  const path = loc.path;
  useEffect(() => {
    if (path === '/' || path === '/login') navigate(homeFor(user.role), { replace: true });
  }, [path]);

  async function logout() {
    try {
      await staff.post('/auth/logout');
    } catch {
      /* the session may be gone already */
    }
    staff.setCsrf(null);
    onSignedOut();
    navigate('/', { replace: true });
  }

  const items = NAV.filter((n) => !n.roles || n.roles.includes(user.role));
  let screen;
  let m;
  if (path === '/inbox') screen = html`<${Inbox} user=${user} />`;
  else if ((m = match('/complaints/:receipt', path))) screen = html`<${ComplaintDetail} key=${m.receipt} receipt=${m.receipt} user=${user} />`;
  else if (path === '/customers') screen = html`<${CustomerSearch} user=${user} search=${loc.search} />`;
  else if ((m = match('/customers/:id', path))) screen = html`<${Customer360} key=${m.id} id=${m.id} user=${user} />`;
  else if (path === '/reviews') screen = html`<${Reviews} user=${user} />`;
  else if (path === '/calls') screen = html`<${CallCentre} user=${user} />`;
  else if (path === '/dashboards') screen = html`<${Dashboards} user=${user} />`;
  else if (path === '/templates') screen = html`<${Templates} user=${user} />`;
  else if (path === '/templates/call-rules') screen = html`<${Templates} user=${user} tab="rules" />`;
  else if (path === '/outbox') screen = html`<${Outbox} user=${user} search=${loc.search} />`;
  else if (path === '/audit' && AUDIT_ROLES.includes(user.role)) screen = html`<${AuditLog} user=${user} search=${loc.search} />`;
  else if (path === '/audit') screen = html`<${Forbidden} />`;
  else if (path === '/' || path === '/login') screen = html`<${Loading} />`;
  else screen = html`<${NotFound} />`;

  return html`<div class="staff">
    <a class="skip" href="#main">${t('app.skip')}</a>
    <header class="topbar">
      <div class="brand"><span class="brand-mark" aria-hidden="true">P</span>
        <span>${t('app.short')}</span><span class="brand-org">${user.tenant ? user.tenant.name : ''}</span></div>
      <nav aria-label=${t('nav.label')} class="mainnav">
        <ul>
          ${items.map((n) => html`<li><${Link} href=${n.path} aria-current=${path.startsWith(n.path) || (n.path === '/inbox' && path.startsWith('/complaints/')) ? 'page' : undefined}>${t(n.key)}<//></li>`)}
        </ul>
      </nav>
      <div class="who">
        <span class="who-name">${t('nav.signedInAs', { name: user.display_name, role: user.role_label || user.role })}</span>
        ${user.department ? html`<span class="who-dept">${user.department.name}</span>` : null}
        <button type="button" class="btn btn-small btn-ghost" onClick=${logout}>${t('login.logout')}</button>
      </div>
    </header>
    <main id="main" tabindex="-1" class="content">${screen}</main>
  </div>`;
}

function Forbidden() {
  return html`<div><${PageTitle}>${t('audit.title')}<//><p class="state state-error" role="alert">${t('error.forbidden')}</p><p><${Link} href="/">${t('notFound.home')}<//></p></div>`;
}

function NotFound() {
  return html`<div><${PageTitle}>${t('notFound.title')}<//><p>${t('error.notFoundPage')}</p><p><${Link} href="/">${t('notFound.home')}<//></p></div>`;
}
