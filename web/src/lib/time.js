// Times: the API speaks ISO-8601 in KST; the screens show KST whatever the PC's zone,
// and count working time (09:00–12:00 and 13:00–18:00 on working days, 8 hours a day)
// the way the server's deadline rules do, with the public holidays baked in at build.
import { t } from '../i18n/index.js';

const KST = 'Asia/Seoul';
const HOLIDAYS = new Set(typeof __HOLIDAYS__ !== 'undefined' ? __HOLIDAYS__ : []);
const KST_OFFSET = 9 * 3600e3;
const HOUR = 3600e3;

const dateFmt = new Intl.DateTimeFormat('ko-KR', { timeZone: KST, year: 'numeric', month: '2-digit', day: '2-digit' });
const dtFmt = new Intl.DateTimeFormat('ko-KR', {
  timeZone: KST, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});

export function fmtDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : dateFmt.format(d);
}

export function fmtDateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : dtFmt.format(d);
}

/** "YYYY-MM-DD" of an instant in KST. */
export function kstDay(ms) {
  return new Date(ms + KST_OFFSET).toISOString().slice(0, 10);
}

/** End of today in KST, as ms. */
export function endOfTodayKst(now = Date.now()) {
  const day = Math.floor((now + KST_OFFSET) / 86400e3);
  return (day + 1) * 86400e3 - KST_OFFSET;
}

function isWorkingDay(dayStartMs) {
  const d = new Date(dayStartMs + KST_OFFSET);
  const wd = d.getUTCDay();
  return wd !== 0 && wd !== 6 && !HOLIDAYS.has(d.toISOString().slice(0, 10));
}

/** Working milliseconds between two instants (a < b), counted in KST working windows. */
export function workingMs(a, b) {
  if (b <= a) return 0;
  let total = 0;
  let day = Math.floor((a + KST_OFFSET) / 86400e3);
  const last = Math.floor((b + KST_OFFSET) / 86400e3);
  for (let i = 0; day <= last && i < 400; day++, i++) {
    const start = day * 86400e3 - KST_OFFSET;
    if (!isWorkingDay(start)) continue;
    for (const [h0, h1] of [[9, 12], [13, 18]]) {
      const w0 = Math.max(a, start + h0 * HOUR);
      const w1 = Math.min(b, start + h1 * HOUR);
      if (w1 > w0) total += w1 - w0;
    }
  }
  return total;
}

/** "2일 5시간": minutes as days of dayMinutes, hours, and minutes when under a day. */
function fmtSpan(mins, dayMinutes) {
  const days = Math.floor(mins / dayMinutes);
  const hours = Math.floor((mins - days * dayMinutes) / 60);
  const m = mins % 60;
  const parts = [];
  if (days) parts.push(t('time.days', { n: days }));
  if (hours) parts.push(t('time.hours', { n: hours }));
  if (!days && m) parts.push(t('time.minutes', { n: m }));
  return parts.length ? parts.join(' ') : t('time.minutes', { n: 0 });
}

/** "1일 3시간" from working ms (a day is 8 working hours). */
export function fmtWorking(ms) {
  return fmtSpan(Math.round(ms / 60e3), 8 * 60);
}

/** "2일 5시간" of calendar time. */
export function fmtCalendar(ms) {
  return fmtSpan(Math.round(Math.abs(ms) / 60e3), 1440);
}

/** A short due phrase for lists: "3시간 남음" / "2일 지남". */
export function dueShort(iso, now = Date.now()) {
  if (!iso) return '';
  const due = new Date(iso).getTime();
  if (isNaN(due)) return '';
  return due >= now ? t('due.left', { time: fmtCalendar(due - now) }) : t('due.passed', { time: fmtCalendar(now - due) });
}

/** An ISO-8601 KST string from a <input type="datetime-local"> value (read as KST). */
export function localInputToIso(v) {
  if (!v) return '';
  return (v.length === 16 ? v + ':00' : v) + '+09:00';
}
