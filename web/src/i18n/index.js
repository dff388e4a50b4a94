// The one door to UI text. Every string shown to a person comes from a strings module
// (ko.js today); an English module with the same keys can be added and chosen here.
import ko from './ko.js';

const catalogs = { ko };
let current = ko;

export function setLanguage(lang) {
  current = catalogs[lang] || ko;
  document.documentElement.lang = catalogs[lang] ? lang : 'ko';
}

function lookup(cat, key) {
  let v = cat;
  for (const part of key.split('.')) {
    if (v == null || typeof v !== 'object') return undefined;
    v = v[part];
  }
  return v;
}

/** t('inbox.title'), t('due.left', {time: '3시간'}): {name} placeholders are replaced. */
export function t(key, params) {
  let s = lookup(current, key);
  if (s === undefined) s = lookup(ko, key);
  if (typeof s !== 'string') {
    if (typeof console !== 'undefined') console.warn('i18n: missing key ' + key);
    return key;
  }
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] === undefined ? m : String(params[k])));
  return s;
}

/** A label from a table of codes (statuses, channels, …), the code itself when unknown. */
export function label(table, code) {
  if (code === null || code === undefined || code === '') return '';
  const s = lookup(current, table + '.' + code);
  return typeof s === 'string' ? s : String(code);
}

/** The whole table (for select options). */
export function table(name) {
  return lookup(current, name) || {};
}
