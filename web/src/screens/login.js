// Staff sign-in: tenant, username, password; shows the throttling wait from Retry-After.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t } from '../i18n/index.js';
import { staff } from '../lib/api.js';
import { Field, ErrorBox, Submit, Link, useId } from '../components/ui.js';
import { fmtCalendar } from '../lib/time.js';

function lastTenant() {
  try {
    return localStorage.getItem('pcrm.tenant') || '';
  } catch {
    return '';
  }
}

export function useCountdown(untilMs) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!untilMs) return undefined;
    const i = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(i);
  }, [untilMs]);
  return untilMs ? Math.max(0, untilMs - now) : 0;
}

export function waitText(ms) {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return t('time.seconds', { n: s });
  return fmtCalendar(ms);
}

export function Login({ onSignedIn, ended }) {
  const [tenant, setTenant] = useState(lastTenant());
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [until, setUntil] = useState(0);
  const left = useCountdown(until);
  const ids = { tenant: useId('tenant'), user: useId('user'), pw: useId('pw') };

  useEffect(() => {
    document.title = t('login.title') + ' — ' + t('app.title');
  }, []);

  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await staff.post('/auth/login', { tenant: tenant.trim(), username: username.trim(), password }, { noAuthEvent: true });
      staff.setCsrf(r.csrf_token);
      try {
        localStorage.setItem('pcrm.tenant', tenant.trim());
      } catch {
        /* ignore */
      }
      onSignedIn(r.user);
    } catch (err) {
      if (err.status === 429 && err.retryAfter) setUntil(Date.now() + err.retryAfter * 1000);
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  const throttled = left > 0;
  return html`<main class="login-page" id="main">
    <div class="login-card">
      <p class="brand brand-login"><span class="brand-mark" aria-hidden="true">P</span> ${t('app.title')}</p>
      <h1>${t('login.title')}</h1>
      <p class="sub">${t('login.intro')}</p>
      ${ended ? html`<p class="notice notice-warn" role="status">${t('error.sessionEnded')}</p>` : null}
      ${throttled
        ? html`<p class="notice notice-warn throttle" role="alert" id="login-throttle">${t('login.throttled', { wait: waitText(left) })}</p>`
        : error && error.status === 429
          ? html`<p class="notice notice-ok" role="status">${t('login.throttledNow')}</p>`
          : html`<${ErrorBox} error=${error} />`}
      <form onSubmit=${submit} class="stack" novalidate>
        <${Field} label=${t('login.tenant')} id=${ids.tenant} hint=${t('login.tenantHint')} required>
          <input id=${ids.tenant} name="tenant" autocomplete="organization" required value=${tenant}
            aria-describedby=${ids.tenant + '-hint'} onInput=${(e) => setTenant(e.currentTarget.value)} />
        <//>
        <${Field} label=${t('login.username')} id=${ids.user} required>
          <input id=${ids.user} name="username" autocomplete="username" required value=${username} autocapitalize="none"
            onInput=${(e) => setUsername(e.currentTarget.value)} />
        <//>
        <${Field} label=${t('login.password')} id=${ids.pw} required>
          <input id=${ids.pw} name="password" type="password" autocomplete="current-password" required value=${password}
            onInput=${(e) => setPassword(e.currentTarget.value)} />
        <//>
        <${Submit} busy=${busy} disabled=${throttled || !tenant || !username || !password}>${t('login.submit')}<//>
      </form>
      <p class="login-foot"><${Link} href="/portal">${t('login.residentLink')}<//></p>
    </div>
  </main>`;
}
