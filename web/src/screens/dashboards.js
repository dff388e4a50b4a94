// Dashboards: six reports as charts (Chart.js on canvas, which the CSP allows: it sets
// sizes through the CSSOM, never style attributes), each with its numbers as a table.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  Chart, BarController, BarElement, LineController, LineElement, PointElement,
  CategoryScale, LinearScale, Legend, Tooltip,
} from 'chart.js';
import { html } from '../lib/html.js';
import { t, label, table } from '../i18n/index.js';
import { staff, qs } from '../lib/api.js';
import { useAsync, Async, PageTitle, Section, useId, Field } from '../components/ui.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);
Chart.defaults.font.family = '"Malgun Gothic", "Apple SD Gothic Neo", "Noto Sans KR", "NanumGothic", sans-serif';
Chart.defaults.color = '#333';
Chart.defaults.animation = false;

// Colour-blind-safe, dark enough on white (Okabe–Ito, darkened).
const C = ['#0b5cad', '#c35a00', '#1b7f5f', '#a2195b', '#6b4fa0', '#8a6d00', '#4a4a4a'];

const ROLES = {
  cvc: ['dept_head', 'cs_manager', 'privacy_officer', 'admin'],
  pt: ['dept_head', 'cs_manager', 'admin'],
  backlog: ['officer', 'dept_head', 'cs_manager', 'admin'],
  dq: ['cs_manager', 'privacy_officer', 'admin', 'dept_head'],
  msg: ['cs_manager', 'admin', 'dept_head', 'privacy_officer'],
  contacts: ['cs_manager', 'admin', 'dept_head', 'privacy_officer'],
};

function ChartBox({ type, data, options, title, height }) {
  const ref = useRef(null);
  const [drawn, setDrawn] = useState(false);
  useEffect(() => {
    const chart = new Chart(ref.current, {
      type,
      data,
      options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { position: 'bottom' } }, ...options },
    });
    setDrawn(true);
    return () => chart.destroy();
  }, [JSON.stringify(data), JSON.stringify(options)]);
  return html`<div class=${'chart' + (height ? ' chart-' + height : '')} data-chart=${drawn ? 'drawn' : 'pending'}>
    <canvas ref=${ref} role="img" aria-label=${title}></canvas>
  </div>`;
}

function DataTable({ head, rows }) {
  return html`<details class="data-table"><summary>${t('common.showTable')}</summary>
    <div class="table-wrap"><table class="table small">
      <thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
      <tbody>${rows.map((r) => html`<tr>${r.map((v, i) => (i === 0 ? html`<th scope="row">${v}</th>` : html`<td class="num">${v}</td>`))}</tr>`)}</tbody>
    </table></div>
  </details>`;
}

function Report({ id, title, user, children }) {
  if (!ROLES[id].includes(user.role)) {
    return html`<${Section} title=${title}><p class="muted">${t('dash.noRole')}</p><//>`;
  }
  return html`<${Section} title=${title} id=${'report-' + id}>${children}<//>`;
}

export function Dashboards({ user }) {
  return html`<div>
    <${PageTitle} sub=${t('dash.intro')}>${t('dash.title')}<//>
    <div class="dash-grid">
      <${Report} id="backlog" title=${t('dash.backlog')} user=${user}><${Backlog} /><//>
      <${Report} id="cvc" title=${t('dash.cvc')} user=${user}><${Cvc} /><//>
      <${Report} id="pt" title=${t('dash.pt')} user=${user}><${ProcessingTime} /><//>
      <${Report} id="dq" title=${t('dash.dq')} user=${user}><${DataQuality} /><//>
      <${Report} id="msg" title=${t('dash.msg')} user=${user}><${Messages} /><//>
      <${Report} id="contacts" title=${t('dash.ct')} user=${user}><${Contacts} /><//>
    </div>
  </div>`;
}

const num = (n) => (n == null ? '' : Number(n).toLocaleString('ko-KR'));

function Cvc() {
  const state = useAsync(() => staff.get('/reports/complaints-vs-customers'), []);
  return html`<${Async} state=${state} empty=${t('dash.chartEmpty')} isEmpty=${(d) => !d.years || d.years.length === 0}>
    ${(d) => {
      const years = d.years.map((y) => String(y.year));
      const series = [
        [t('dash.cvcForm'), (y) => y.form.complaints],
        [t('dash.cvcFormPeople'), (y) => y.form.customers],
        [t('dash.cvcCons'), (y) => y.consultation.complaints],
        [t('dash.cvcConsPeople'), (y) => y.consultation.customers],
      ];
      return html`<div>
        <${ChartBox} type="bar" title=${t('dash.cvc')} data=${{
          labels: years,
          datasets: series.map(([l, f], i) => ({ label: l, data: d.years.map(f), backgroundColor: C[i] })),
        }} />
        <${DataTable} head=${[t('dash.year'), ...series.map((s) => s[0])]} rows=${d.years.map((y) => [String(y.year), ...series.map(([, f]) => num(f(y)))])} />
      </div>`;
    }}
  <//>`;
}

function ProcessingTime() {
  const [by, setBy] = useState('type');
  const id = useId('by');
  const state = useAsync(() => staff.get('/reports/processing-time' + qs({ by })), [by]);
  const TOP = 12;
  return html`<div>
    <${Field} label=${t('dash.ptBy')} id=${id} class="inline">
      <select id=${id} value=${by} onChange=${(e) => setBy(e.currentTarget.value)}>
        <option value="type">${t('dash.ptByType')}</option><option value="department">${t('dash.ptByDept')}</option>
      </select>
    <//>
    <${Async} state=${state} empty=${t('dash.chartEmpty')} isEmpty=${(d) => !d.rows || d.rows.filter((r) => r.count > 0).length === 0}>
      ${(d) => {
        const rows = d.rows.filter((r) => r.count > 0).sort((a, b) => b.count - a.count);
        const top = rows.slice(0, TOP);
        return html`<div>
          <p class="muted small">${t('dash.ptTop', { n: top.length })}</p>
          <${ChartBox} type="bar" height="tall" title=${t('dash.pt')} options=${{ indexAxis: 'y', scales: { x: { beginAtZero: true } } }} data=${{
            labels: top.map((r) => r.name || r.code),
            datasets: [
              { label: t('dash.ptMean'), data: top.map((r) => (r.mean_days == null ? 0 : Number(r.mean_days.toFixed ? r.mean_days.toFixed(1) : r.mean_days))), backgroundColor: C[0] },
              { label: t('dash.ptStat'), data: top.map((r) => r.statutory_days), backgroundColor: C[1] },
            ],
          }} />
          <${DataTable} head=${[by === 'type' ? t('complaint.type') : t('dash.blDept'), t('dash.ptCount'), t('dash.ptAnswered'), t('dash.ptMean'), t('dash.ptStat'), t('dash.ptOnTime'), t('dash.ptOverdueNow')]}
            rows=${rows.map((r) => [r.name || r.code, num(r.count), num(r.answered), r.mean_days == null ? '' : Number(r.mean_days).toFixed(1), num(r.statutory_days),
              r.on_time_rate == null ? '' : Math.round(r.on_time_rate * (r.on_time_rate <= 1 ? 100 : 1)) + '%', num(r.overdue_now)])} />
        </div>`;
      }}
    <//>
  </div>`;
}

function Backlog() {
  const state = useAsync(() => staff.get('/reports/backlog'), []);
  return html`<${Async} state=${state} empty=${t('dash.chartEmpty')} isEmpty=${(d) => !d.rows || d.rows.length === 0}>
    ${(d) => {
      const by = new Map();
      for (const r of d.rows) {
        const k = r.department_name || r.department || t('complaint.noDept');
        const cur = by.get(k) || { open: 0, due_today: 0, overdue: 0, awaiting_supplement: 0 };
        for (const f of Object.keys(cur)) cur[f] += r[f] || 0;
        by.set(k, cur);
      }
      const depts = [...by.entries()].sort((a, b) => b[1].overdue - a[1].overdue || b[1].open - a[1].open);
      const series = [[t('dash.blOverdue'), 'overdue'], [t('dash.blToday'), 'due_today'], [t('dash.blSupp'), 'awaiting_supplement'], [t('dash.blOpen'), 'open']];
      return html`<div>
        <${ChartBox} type="bar" title=${t('dash.backlog')} options=${{ scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }} data=${{
          labels: depts.map(([k]) => k),
          datasets: series.map(([l, f], i) => ({ label: l, data: depts.map(([, v]) => v[f]), backgroundColor: [C[3], C[1], C[4], C[0]][i] })),
        }} />
        <${DataTable} head=${[t('dash.blDept'), ...series.map((s) => s[0])]} rows=${depts.map(([k, v]) => [k, ...series.map(([, f]) => num(v[f]))])} />
      </div>`;
    }}
  <//>`;
}

function DataQuality() {
  const state = useAsync(() => staff.get('/reports/data-quality'), []);
  return html`<${Async} state=${state} empty=${t('dash.chartEmpty')} isEmpty=${(d) => !d.fields || !d.total}>
    ${(d) => {
      const names = table('dash.dqFields');
      const fields = Object.keys(d.fields);
      return html`<div>
        <p class="muted small">${t('dash.dqTotal', { n: num(d.total) })}</p>
        <${ChartBox} type="bar" title=${t('dash.dq')} options=${{ scales: { y: { beginAtZero: true, max: 100 } } }} data=${{
          labels: fields.map((f) => names[f] || f),
          datasets: [
            { label: t('dash.dqFill'), data: fields.map((f) => d.fields[f].fill_rate), backgroundColor: C[0] },
            { label: t('dash.dqAcc'), data: fields.map((f) => d.fields[f].accuracy), backgroundColor: C[2] },
          ],
        }} />
        <${DataTable} head=${[t('dash.dqField'), t('dash.dqFill'), t('dash.dqAcc')]} rows=${fields.map((f) => [names[f] || f, d.fields[f].fill_rate, d.fields[f].accuracy])} />
      </div>`;
    }}
  <//>`;
}

function YearSelect({ year, setYear }) {
  const id = useId('year');
  const thisYear = new Date().getFullYear();
  return html`<${Field} label=${t('dash.msgYear')} id=${id} class="inline">
    <select id=${id} value=${year} onChange=${(e) => setYear(parseInt(e.currentTarget.value, 10))}>
      ${[thisYear, thisYear - 1, thisYear - 2].map((y) => html`<option value=${y}>${y}</option>`)}
    </select>
  <//>`;
}

function Messages() {
  const [year, setYear] = useState(new Date().getFullYear());
  const state = useAsync(() => staff.get('/reports/messages' + qs({ year })), [year]);
  return html`<div>
    <${YearSelect} year=${year} setYear=${setYear} />
    <${Async} state=${state} empty=${t('dash.chartEmpty')} isEmpty=${(d) => !d.rows || d.rows.length === 0}>
      ${(d) => {
        const months = [...new Set(d.rows.map((r) => r.month))].sort();
        const media = [...new Set(d.rows.map((r) => r.class || r.medium))];
        const cell = (m, cls, f) => d.rows.filter((r) => r.month === m && (r.class || r.medium) === cls).reduce((s, r) => s + (r[f] || 0), 0);
        const datasets = media.map((cls, i) => ({ type: 'bar', label: cls + ' ' + t('dash.msgCount'), data: months.map((m) => cell(m, cls, 'count')), backgroundColor: C[i % C.length], yAxisID: 'y', stack: 'count' }));
        datasets.push({ type: 'line', label: t('dash.msgCost'), data: months.map((m) => d.rows.filter((r) => r.month === m).reduce((s, r) => s + (r.cost || 0), 0)), borderColor: C[3], backgroundColor: C[3], yAxisID: 'y1' });
        return html`<div>
          ${d.total ? html`<p class="muted small">${t('dash.msgTotal', { count: num(d.total.count), cost: num(d.total.cost) })}</p>` : null}
          <${ChartBox} type="bar" title=${t('dash.msg')} options=${{
            scales: { y: { beginAtZero: true, stacked: true, position: 'left', title: { display: true, text: t('dash.msgCount') } },
              y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: t('dash.msgCost') } }, x: { stacked: true } },
          }} data=${{ labels: months, datasets }} />
          <${DataTable} head=${[t('dash.msgMonth'), t('dash.msgMedium'), t('dash.msgClass'), t('dash.msgCount'), t('dash.msgSent'), t('dash.msgDead'), t('dash.msgCost'), t('dash.msgRate')]}
            rows=${d.rows.map((r) => [r.month, label('channel', r.medium), r.class, num(r.count), num(r.sent), num(r.dead), num(r.cost), r.success_rate == null ? '' : (r.success_rate * 100).toFixed(1) + '%'])} />
        </div>`;
      }}
    <//>
  </div>`;
}


// Contacts by KST hour of day, stacked by channel (inbound and outbound summed), and the
// Plus/Happy/Catch-Call queues against their due times.
const CHANNELS = ['phone', 'visit', 'email', 'sms', 'web', 'mail', 'notice'];
const KINDS = ['plus', 'happy', 'catch'];
const HOURS = Array.from({ length: 24 }, (_, h) => h);

function Contacts() {
  const [year, setYear] = useState(new Date().getFullYear());
  const state = useAsync(() => staff.get('/reports/contacts' + qs({ year })), [year]);
  return html`<div>
    <${YearSelect} year=${year} setYear=${setYear} />
    <${Async} state=${state} empty=${t('dash.chartEmpty')}
      isEmpty=${(d) => (!d.volume || d.volume.length === 0) && (!d.queues || d.queues.length === 0)}>
      ${(d) => {
        const volume = d.volume || [];
        const seen = new Set(volume.map((r) => r.channel));
        const channels = [...CHANNELS.filter((c) => seen.has(c)), ...[...seen].filter((c) => !CHANNELS.includes(c)).sort()];
        const sum = (f) => volume.filter(f).reduce((s, r) => s + (r.count || 0), 0);
        const at = (h, c) => sum((r) => r.hour === h && r.channel === c);
        const total = sum(() => true);
        return html`<div>
          ${volume.length === 0
            ? html`<p class="state state-empty">${t('dash.ctNoVolume')}</p>`
            : html`<div>
              <p class="muted small">${t('dash.ctCaption', { n: num(total) })}</p>
              <${ChartBox} type="bar" title=${t('dash.ctChart')} options=${{
                scales: {
                  x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 6 }, title: { display: true, text: t('dash.ctHourAxis') } },
                  y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: t('dash.ctCount') } },
                },
              }} data=${{
                labels: HOURS.map((h) => t('dash.ctHour', { h })),
                datasets: channels.map((c) => ({ label: label('channel', c), data: HOURS.map((h) => at(h, c)), backgroundColor: C[CHANNELS.includes(c) ? CHANNELS.indexOf(c) : C.length - 1] })),
              }} />
              <${DataTable} head=${[t('dash.ctHourCol'), ...channels.map((c) => label('channel', c)), label('direction', 'inbound'), label('direction', 'outbound'), t('dash.ctSum')]}
                rows=${HOURS.map((h) => [t('dash.ctHour', { h }), ...channels.map((c) => num(at(h, c))),
                  num(sum((r) => r.hour === h && r.direction === 'inbound')), num(sum((r) => r.hour === h && r.direction === 'outbound')), num(sum((r) => r.hour === h))])} />
            </div>`}
          <${QueueSla} queues=${d.queues || []} />
        </div>`;
      }}
    <//>
  </div>`;
}

function QueueSla({ queues }) {
  const kinds = [...KINDS, ...queues.map((q) => q.kind).filter((k) => !KINDS.includes(k))];
  const by = new Map(queues.map((q) => [q.kind, q]));
  return html`<div class="table-wrap sla-table"><table class="table small">
    <caption>${t('dash.ctSla')}</caption>
    <thead><tr>${[t('dash.ctKind'), t('dash.ctTotal'), t('dash.ctDone'), t('dash.ctOpen'), t('dash.ctBreached'), t('dash.ctWithin')].map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
    <tbody>${kinds.map((k) => {
      const q = by.get(k);
      const rate = q && q.total ? (q.within_sla * 100).toFixed(1) + '%' : '–';
      return html`<tr><th scope="row">${label('calls.kinds', k)}</th>
        <td class="num">${num(q ? q.total : 0)}</td><td class="num">${num(q ? q.done : 0)}</td><td class="num">${num(q ? q.open : 0)}</td>
        <td class="num">${num(q ? q.breached : 0)}</td><td class="num">${rate}</td></tr>`;
    })}</tbody>
  </table><p class="muted small">${t('dash.ctWithinNote')}</p></div>`;
}
