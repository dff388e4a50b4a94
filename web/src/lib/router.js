// A small History API router. The server answers index.html for any path without a file
// extension, so /inbox or /portal/track can be opened or reloaded directly.
import { useEffect, useState } from 'preact/hooks';

const EVENT = 'pcrm:navigate';

export function currentPath() {
  return location.pathname;
}

export function navigate(to, { replace = false } = {}) {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  dispatchEvent(new Event(EVENT));
}

export function useLocation() {
  const [loc, setLoc] = useState({ path: location.pathname, search: location.search });
  useEffect(() => {
    const f = () => setLoc({ path: location.pathname, search: location.search });
    addEventListener('popstate', f);
    addEventListener(EVENT, f);
    return () => {
      removeEventListener('popstate', f);
      removeEventListener(EVENT, f);
    };
  }, []);
  return loc;
}

/** Matches '/complaints/:receipt' against a path; returns the params or null. */
export function match(pattern, path) {
  const p = pattern.split('/');
  const s = path.replace(/\/+$/, '').split('/');
  if (p.length !== s.length) return null;
  const params = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) {
      if (!s[i]) return null;
      params[p[i].slice(1)] = decodeURIComponent(s[i]);
    } else if (p[i] !== s[i]) return null;
  }
  return params;
}

/** Click handler for in-app links: plain clicks navigate without reloading the page. */
export function linkClick(e) {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.currentTarget;
  if (a.target || a.origin !== location.origin) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
}
