#!/usr/bin/env node
// Browser tests of the web UI: playwright-core driving Debian's Chromium (headless, no
// browser download) against a real `pcrm serve` on a fresh temporary data directory.
// Each screen visited is saved as tests/artifacts/web/NN-name.png. Ends with one line
// "web: N passed, M failed" (tests/run.sh reads it).
//
//   node tests/web/run.mjs [--pcrm PATH] [--keep]
//   PCRM_BIN=build/pcrm CHROMIUM=/usr/bin/chromium node tests/web/run.mjs
//
// The tests run in order and share the story of one complaint: a resident files it on
// the portal, the road-maintenance officer answers it, the resident reads the answer,
// an agent finds the same resident by phone and logs a call.
//
// Accessibility: each main screen the story visits is also audited with axe-core against
// WCAG 2.1 A/AA (KWCAG's equivalent); serious and critical violations fail the "axe" test,
// moderate and minor ones are printed as notes. axe.min.js is an inline script the server's
// CSP refuses, so it never runs in the story's own contexts (whose CSP reports the last test
// checks): the live DOM is copied, form state included, into a separate bypassCSP context
// that shows it with the server's own stylesheet, scripts left out, and axe runs there.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, openSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const require = createRequire(join(repo, 'web', 'package.json'));
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
const argVal = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const PCRM = resolve(repo, argVal('--pcrm') || process.env.PCRM_BIN || 'build/pcrm');
const CHROME = process.env.CHROMIUM || '/usr/bin/chromium';
const KEEP = args.includes('--keep');
const ONLY = argVal('--only');
const SHOTS = join(repo, 'tests', 'artifacts', 'web');
const WEB = join(repo, 'web', 'dist');
const PASSWORD = 'pcrm-demo-2026';
const TIMEOUT = 15000;

// WCAG 2.1 A and AA decide; axe's best-practice rules (landmarks, headings…) run too, as notes.
const AXE_WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const AXE_TAGS = [...AXE_WCAG, 'best-practice'];
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const started = Date.now();
const log = (...a) => console.log(...a);

// ------------------------------------------------------------------------------------
// Server with its own data directory

function cli(argv) {
  const p = spawnSync(PCRM, argv, { encoding: 'utf8', env: childEnv() });
  if (p.status !== 0) throw new Error(`pcrm ${argv.join(' ')} failed (${p.status}): ${p.stderr}`);
  return p.stdout;
}

function childEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('PCRM_')) delete env[k];
  env.PCRM_PWHASH = 'min';
  env.PCRM_PUBLIC_RATE_LIMIT = '0';
  env.PCRM_LOG_LEVEL = 'warn';
  // Notices go to DATA/outbox.log; the same screens whatever the hour the tests run.
  env.PCRM_QUIET_HOURS = 'off';
  return env;
}

/* One value from the test's database (the sqlite3 shell is among the Debian packages). */
function sql(data, query) {
  const p = spawnSync('sqlite3', [join(data, 'pcrm.db'), query], { encoding: 'utf8' });
  if (p.status !== 0) throw new Error('sqlite3: ' + p.stderr);
  return p.stdout.trim();
}

function makeData() {
  const dir = mkdtempSync(join(tmpdir(), 'pcrm-web-'));
  const data = join(dir, 'data');
  cli(['init', '--data', data, '--demo']);
  cli(['gen', 'residents', '--data', data, '--people', '200', '--seed', '7']);
  cli(['import', 'records', '--data', data, '--source', 'demo-residents', join(data, 'generated', 'residents.csv')]);
  cli(['route', 'train', '--data', data]);
  cli(['gen', 'complaints', '--data', data, '--count', '150', '--seed', '7']);
  return { dir, data };
}

function startServer(data, dir) {
  return new Promise((resolveP, reject) => {
    const out = join(dir, 'serve.stdout');
    const err = join(dir, 'serve.stderr');
    const proc = spawn(PCRM, ['serve', '--data', data, '--listen', '127.0.0.1:0', '--web', WEB], {
      env: childEnv(),
      stdio: ['ignore', openSync(out, 'w'), openSync(err, 'w')],
    });
    const deadline = Date.now() + 20000;
    const poll = () => {
      let first = '';
      try {
        first = readFileSync(out, 'utf8').split('\n')[0];
      } catch {
        /* not yet */
      }
      const m = first.match(/serving http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) return resolveP({ proc, port: Number(m[1]), stderr: err });
      if (proc.exitCode !== null) return reject(new Error('pcrm serve exited: ' + readFileSync(err, 'utf8').slice(-2000)));
      if (Date.now() > deadline) return reject(new Error('pcrm serve did not start within 20 s'));
      setTimeout(poll, 50);
    };
    poll();
  });
}

// ------------------------------------------------------------------------------------
// Test machinery

const results = [];
const problems = []; // CSP violations and page errors, reported by the last test
let shotNo = 0;

async function shot(page, name, fullPage = true) {
  shotNo += 1;
  const file = join(SHOTS, `${String(shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

let lastPage = null;

function watch(page, who) {
  lastPage = page;
  page.setDefaultTimeout(TIMEOUT);
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content.Security.Policy|Refused to/i.test(text)) problems.push(`${who}: CSP: ${text}`);
    else if (msg.type() === 'error' && !/Failed to load resource/.test(text)) problems.push(`${who}: console error: ${text}`);
    else if (/i18n: missing key/.test(text)) problems.push(`${who}: ${text}`);
  });
  page.on('pageerror', (e) => problems.push(`${who}: page error: ${e.message}`));
}

async function test(name, fn, { needs } = {}) {
  if (ONLY && !name.includes(ONLY)) return;
  const t0 = Date.now();
  if (needs && !needs()) {
    results.push({ name, ok: false, ms: 0, error: 'skipped: an earlier test it depends on failed' });
    log(`FAIL ${name}: skipped, an earlier test it depends on failed`);
    return;
  }
  try {
    const note = await fn();
    results.push({ name, ok: true, ms: Date.now() - t0 });
    log(`ok   ${name} (${Date.now() - t0} ms)${note ? ' — ' + note : ''}`);
  } catch (e) {
    results.push({ name, ok: false, ms: Date.now() - t0, error: e.stack || String(e) });
    if (lastPage && !lastPage.isClosed()) {
      await shot(lastPage, 'FAILED-' + name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)).catch(() => {});
      await lastPage.context().close().catch(() => {});
    }
    log(`FAIL ${name} (${Date.now() - t0} ms): ${e.message}`);
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

async function signIn(page, base, username) {
  await page.goto(base + '/');
  await page.getByLabel('기관 코드').fill('busan');
  await page.getByLabel('아이디').fill(username);
  await page.getByLabel('비밀번호').fill(PASSWORD);
  await page.getByRole('button', { name: '로그인' }).click();
  await page.getByRole('button', { name: '로그아웃' }).waitFor({ timeout: TIMEOUT });
}

// The inbox's quick-filter chips and the /complaints/counts field each one shows.
const CHIP_COUNTS = { open: 'open', today: 'due_today', overdue: 'overdue', supplement: 'awaiting_supplement', triage: 'triage', answered: 'answered' };

/* The chips' numbers, once the counts have arrived. */
async function inboxCounts(page) {
  await page.waitForFunction(() => [...document.querySelectorAll('button[data-quick] .chip-count')].every((e) => /^[\d,]+$/.test(e.textContent)), null, { timeout: TIMEOUT });
  const out = {};
  for (const k of Object.keys(CHIP_COUNTS)) out[k] = Number((await page.locator(`button[data-quick="${k}"] .chip-count`).textContent()).replace(/,/g, ''));
  return out;
}

/* The inbox rows are in due-time order (soonest first); returns how many there are. */
async function inboxSorted(page) {
  const dues = await page.locator('tr[data-receipt]').evaluateAll((trs) => trs.map((tr) => Date.parse(tr.dataset.due)));
  for (let i = 1; i < dues.length; i++) assert(dues[i - 1] <= dues[i], `inbox rows out of due order at row ${i + 1}`);
  return dues.length;
}

// Is anything drawn on the canvas (any pixel that is not transparent or white)?
async function canvasDrawn(locator) {
  return locator.evaluate((c) => {
    const ctx = c.getContext('2d');
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0 && (data[i] < 230 || data[i + 1] < 230 || data[i + 2] < 230)) n++;
    }
    return n;
  });
}


// ------------------------------------------------------------------------------------
// Accessibility audit (axe-core)

const audits = []; // { screen, violations: [{ id, impact, help, nodes: [target…] }] } or { screen, error }
let auditChain = Promise.resolve();
let browserRef = null;

/* The page's DOM as HTML with each form control's current state written into its
   attributes (value, checked, selected), without touching the live page, and without its
   scripts, so the copy stays as it is. */
function snapshotDom() {
  const live = document.documentElement;
  const copy = live.cloneNode(true);
  const a = live.querySelectorAll('*');
  const b = copy.querySelectorAll('*');
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x instanceof HTMLInputElement) {
      if (x.type === 'checkbox' || x.type === 'radio') x.checked ? y.setAttribute('checked', '') : y.removeAttribute('checked');
      else if (x.type !== 'password' && x.type !== 'file') y.setAttribute('value', x.value);
    } else if (x instanceof HTMLTextAreaElement) y.textContent = x.value;
    else if (x instanceof HTMLOptionElement) x.selected ? y.setAttribute('selected', '') : y.removeAttribute('selected');
    else if (x instanceof HTMLDialogElement && x.open) y.setAttribute('open', '');
  }
  for (const el of copy.querySelectorAll('script, link[rel="modulepreload"]')) el.remove();
  return '<!doctype html>\n' + copy.outerHTML;
}

/* A bypassCSP page of the audit's own, one per viewport, with axe loaded once. */
const auditPages = new Map();
async function auditPage(origin, viewport) {
  const key = `${viewport.width}x${viewport.height}`;
  if (!auditPages.has(key)) {
    const mobile = viewport.width < 600;
    const ctx = await browserRef.newContext({
      viewport, locale: 'ko-KR', timezoneId: 'Asia/Seoul', bypassCSP: true,
      ...(mobile ? { deviceScaleFactor: 1, isMobile: true, hasTouch: true } : {}),
    });
    const page = await ctx.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const blank = origin + '/__axe-audit__';
    await page.route(blank, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><html lang="ko"><title>axe</title></html>' }));
    await page.goto(blank);
    await page.addScriptTag({ content: AXE_SOURCE });
    auditPages.set(key, page);
  }
  return auditPages.get(key);
}

/* Audits the screen the page shows now: the DOM is copied at once; in the background (one
   at a time) the copy replaces the document of the audit page, which loads the server's
   stylesheet from the copy's <link>, and axe runs on it. The "axe" test at the end waits
   for all of them. */
async function audit(page, screen) {
  const html = await page.evaluate(snapshotDom);
  const url = page.url();
  const viewport = page.viewportSize();
  auditChain = auditChain.then(async () => {
    const t0 = Date.now();
    try {
      const copy = await auditPage(new URL(url).origin, viewport);
      await copy.evaluate((h) => {
        const doc = new DOMParser().parseFromString(h, 'text/html');
        document.replaceChild(document.adoptNode(doc.documentElement), document.documentElement);
        window.scrollTo(0, 0);
      }, html);
      // the copy must look like the screen: contrast is judged on the real styles
      await copy.waitForFunction(() => [...document.styleSheets].reduce((n, sh) => n + sh.cssRules.length, 0) > 50, null, { timeout: 5000 })
        .catch(() => { throw new Error('the stylesheet did not load in the copy'); });
      // AXE_DEBUG=1: also save how the copy looked, as tests/artifacts/web/axe-<screen>.png
      if (process.env.AXE_DEBUG) await copy.screenshot({ path: join(SHOTS, 'axe-' + screen.replace(/\W+/g, '-') + '.png'), fullPage: true });
      const r = await copy.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] }), AXE_TAGS);
      const brief = (v) => ({ id: v.id, impact: v.impact, help: v.help, wcag: v.tags.some((x) => AXE_WCAG.includes(x)), nodes: v.nodes.map((n) => n.target.join(' ')),
        why: [...new Set(v.nodes.flatMap((n) => [...n.any, ...n.all, ...n.none].map((c) => c.message)))].slice(0, 3) });
      audits.push({ screen, url, ms: Date.now() - t0, passes: r.passes.length, violations: r.violations.map(brief), incomplete: r.incomplete.map(brief) });
    } catch (e) {
      audits.push({ screen, url, error: e.message });
    }
  });
}

const AXE_SCREENS = ['portal home', 'portal file form', 'portal receipt', 'portal tracking', 'portal my data', 'staff login', 'inbox',
  'complaint detail', 'call centre', 'customer 360', 'duplicate review', 'dashboards', 'templates', 'outbox', 'audit log'];

// ------------------------------------------------------------------------------------

async function main() {
  if (!existsSync(PCRM)) throw new Error(`no pcrm binary at ${PCRM} (build it, or set PCRM_BIN / --pcrm)`);
  if (!existsSync(join(WEB, 'index.html'))) throw new Error(`no built UI at ${WEB} (run scripts/build-web.sh)`);
  mkdirSync(SHOTS, { recursive: true });
  for (const f of readdirSync(SHOTS)) if (f.endsWith('.png') || f === 'axe.json') unlinkSync(join(SHOTS, f));

  const { dir, data } = makeData();
  const server = await startServer(data, dir);
  const base = `http://127.0.0.1:${server.port}`;
  log(`web: server on ${base}, data ${data} (setup ${Date.now() - started} ms)`);
  const browser = await chromium.launch({ executablePath: CHROME, headless: true, args: ['--no-sandbox', '--disable-gpu', '--lang=ko-KR'] });
  browserRef = browser;
  const mobile = { viewport: { width: 360, height: 780 }, deviceScaleFactor: 1, locale: 'ko-KR', timezoneId: 'Asia/Seoul', isMobile: true, hasTouch: true };
  const desktop = { viewport: { width: 1280, height: 900 }, locale: 'ko-KR', timezoneId: 'Asia/Seoul' };

  const story = { receipt: null, pin: null, mobile: '010-5310-' + String(1000 + (process.pid % 9000)).slice(-4), answer: '신고하신 포트홀은 오늘 오후 긴급 보수를 마쳤습니다. 불편을 드려 죄송합니다.' };

  try {
    // 1. Resident files a complaint on the portal (360 px) and gets a receipt + PIN.
    await test('resident files a complaint and gets a receipt', async () => {
      const ctx = await browser.newContext(mobile);
      const page = await ctx.newPage();
      watch(page, 'resident');
      await page.goto(base + '/portal');
      await page.getByRole('heading', { name: '민원 포털' }).waitFor({ timeout: TIMEOUT });
      await shot(page, 'portal-home');
      await audit(page, 'portal home');
      await page.getByRole('link', { name: /민원 신청/ }).first().click();
      const select = page.getByLabel('민원 분야', { exact: true });
      await select.waitFor({ timeout: TIMEOUT });
      await page.waitForFunction(() => document.querySelectorAll('option[value="REPORT-ROAD-DAMAGE"]').length > 0, null, { timeout: TIMEOUT });
      await select.selectOption('REPORT-ROAD-DAMAGE');
      await page.getByText('담당: 도로관리과').waitFor({ timeout: TIMEOUT });
      await page.getByRole('textbox', { name: /^제목/ }).fill('해운대로 570 앞 포트홀 신고');
      await page.getByRole('textbox', { name: /^내용/ }).fill('해운대로 570 앞 2차로에 지름 50cm 정도의 포트홀이 생겼습니다.\n밤에는 잘 보이지 않아 위험합니다.');
      await page.getByRole('textbox', { name: /^이름/ }).fill('홍길순');
      await page.getByRole('textbox', { name: /^휴대전화/ }).fill(story.mobile);
      await page.getByLabel('처리 상황을 문자로 알려 주세요.').check();
      await shot(page, 'portal-file-form');
      await audit(page, 'portal file form');
      await page.getByRole('button', { name: '민원 신청하기' }).click();
      await page.getByTestId('receipt-no').waitFor({ timeout: TIMEOUT });
      story.receipt = (await page.getByTestId('receipt-no').textContent()).trim();
      story.pin = (await page.getByTestId('receipt-pin').textContent()).trim();
      assert(/^\d{4}-\d{6}$/.test(story.receipt), 'receipt number looks wrong: ' + story.receipt);
      assert(/^\d{6}$/.test(story.pin), 'PIN looks wrong: ' + story.pin);
      assert(await page.getByText('도로관리과').isVisible(), 'department not shown on the receipt');
      await shot(page, 'portal-receipt');
      await audit(page, 'portal receipt');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(width <= 360, `the portal scrolls sideways at 360 px (${width} px wide)`);
      await ctx.close();
      return story.receipt;
    });

    // 2. The road-maintenance officer signs in, finds it in the inbox, assigns and answers it.
    await test('officer signs in, finds the complaint in the inbox and answers it', async () => {
      const ctx = await browser.newContext(desktop);
      const page = await ctx.newPage();
      watch(page, 'officer');
      await page.goto(base + '/');
      await page.getByRole('heading', { name: '직원 로그인' }).waitFor({ timeout: TIMEOUT });
      await shot(page, 'staff-login', false);
      await audit(page, 'staff login');
      await signIn(page, base, 'officer');
      await page.getByRole('heading', { name: '민원함' }).waitFor({ timeout: TIMEOUT });
      const row = page.locator(`tr[data-receipt="${story.receipt}"]`);
      await row.waitFor({ timeout: TIMEOUT });
      await shot(page, 'staff-inbox');
      await audit(page, 'inbox');
      // a filter with a count: the quick "분류 대기" etc. show numbers, the server's own
      const chips = await inboxCounts(page);
      assert(chips.open >= 1, 'the open-complaints count is ' + chips.open);
      const server = await (await page.request.get(base + '/api/v1/complaints/counts')).json();
      for (const [k, f] of Object.entries(CHIP_COUNTS)) assert(chips[k] === server[f], `the "${k}" chip shows ${chips[k]}, /complaints/counts says ${server[f]}`);
      await inboxSorted(page);
      // the type filter asks the server: the counts and the rows follow it
      await page.getByLabel('민원 유형').selectOption('REPORT-ROAD-DAMAGE');
      const typed = await (await page.request.get(base + '/api/v1/complaints/counts?type_code=REPORT-ROAD-DAMAGE')).json();
      await page.waitForFunction((n) => (document.querySelector('button[data-quick="open"] .chip-count') || {}).textContent === String(n), typed.open.toLocaleString('ko-KR'), { timeout: TIMEOUT });
      await row.waitFor({ timeout: TIMEOUT });
      const rowTypes = await page.locator('tr[data-receipt]').evaluateAll((trs) => trs.map((tr) => tr.dataset.type));
      assert(rowTypes.length >= 1 && rowTypes.every((x) => x === 'REPORT-ROAD-DAMAGE'), 'rows of other types under the type filter: ' + rowTypes.join(', '));
      const chipsTyped = await inboxCounts(page);
      for (const [k, f] of Object.entries(CHIP_COUNTS)) assert(chipsTyped[k] === typed[f], `with the type filter the "${k}" chip shows ${chipsTyped[k]}, the server says ${typed[f]}`);
      await inboxSorted(page);
      await row.getByRole('link', { name: story.receipt }).click();
      await page.getByRole('heading', { name: '해운대로 570 앞 포트홀 신고' }).waitFor({ timeout: TIMEOUT });
      await page.getByTestId('due').waitFor({ timeout: TIMEOUT });
      await page.locator('button[data-action="assign"]').click();
      // the department's staff are offered by name, not by id
      await page.getByLabel('담당자 (비우면 본인)').selectOption({ label: '정하은 (민원담당)' });
      await page.getByRole('button', { name: '담당자 배정 실행' }).click();
      await page.getByText('담당자 배정 처리되었습니다.').waitFor({ timeout: TIMEOUT });
      await page.locator('button[data-action="answer"]').click();
      await page.getByLabel('답변 내용').fill(story.answer);
      await shot(page, 'staff-complaint-detail');
      await audit(page, 'complaint detail');
      await page.getByRole('button', { name: '답변 실행' }).click();
      await page.getByText('답변 처리되었습니다.').waitFor({ timeout: TIMEOUT });
      await page.locator('.detail-head .badge', { hasText: '답변 완료' }).waitFor({ timeout: TIMEOUT });
      await page.locator('.history', { hasText: story.answer }).waitFor({ timeout: TIMEOUT });
      await shot(page, 'staff-complaint-answered');
      await audit(page, 'complaint answered');
      await ctx.close();
    }, { needs: () => story.receipt });

    // 3. The resident tracks it with receipt + PIN and reads the answer.
    await test('resident sees the answer with the PIN', async () => {
      const ctx = await browser.newContext(mobile);
      const page = await ctx.newPage();
      watch(page, 'resident');
      await page.goto(base + '/portal/track');
      await page.getByLabel('접수번호').fill(story.receipt);
      await page.getByLabel('비밀번호 (숫자 6자리)').fill('000000' === story.pin ? '111111' : '000000');
      await page.getByRole('button', { name: '조회하기' }).click();
      await page.getByText('접수번호나 비밀번호가 맞지 않습니다').waitFor({ timeout: TIMEOUT });
      await audit(page, 'portal tracking, wrong PIN');
      await page.getByLabel('비밀번호 (숫자 6자리)').fill(story.pin);
      await page.getByRole('button', { name: '조회하기' }).click();
      await page.getByTestId('answer').waitFor({ timeout: TIMEOUT });
      const text = await page.getByTestId('answer').textContent();
      assert(text.includes('긴급 보수를 마쳤습니다'), 'answer text not shown: ' + text);
      await page.getByText('답변 완료').first().waitFor({ timeout: TIMEOUT });
      await shot(page, 'portal-track-answer');
      await audit(page, 'portal tracking');
      await ctx.close();
    }, { needs: () => story.receipt && story.pin });

    // 4. An agent looks the caller up by phone and logs the call.
    await test('agent looks up a caller by phone and logs a call', async () => {
      const ctx = await browser.newContext(desktop);
      const page = await ctx.newPage();
      watch(page, 'agent');
      await signIn(page, base, 'agent');
      await page.getByRole('heading', { name: '콜센터' }).waitFor({ timeout: TIMEOUT });
      await page.getByLabel('발신 번호').fill(story.mobile.replace(/-/g, ''));
      await page.getByRole('button', { name: '찾기' }).click();
      await page.locator('h2.h-compact', { hasText: '홍길순' }).waitFor({ timeout: TIMEOUT });
      await page.locator('table a', { hasText: story.receipt }).first().waitFor({ timeout: TIMEOUT });
      const summary = '포트홀 보수 결과 문의, 답변 내용 안내함';
      await page.getByLabel('통화 요약').fill(summary);
      await page.getByLabel('관련 민원 (선택)').selectOption(story.receipt);
      await page.getByRole('button', { name: '통화 기록 저장' }).click();
      await page.getByText('통화를 기록했습니다.').waitFor({ timeout: TIMEOUT });
      await page.locator('table.contacts', { hasText: summary }).waitFor({ timeout: TIMEOUT });
      await shot(page, 'call-centre');
      await audit(page, 'call centre');
      await ctx.close();
    }, { needs: () => story.receipt });

    // 5. The dashboards draw their charts with data.
    await test('dashboards render their charts with data', async () => {
      const ctx = await browser.newContext(desktop);
      const page = await ctx.newPage();
      watch(page, 'csmanager');
      await signIn(page, base, 'csmanager');
      await page.getByRole('link', { name: '현황 대시보드' }).click();
      await page.getByRole('heading', { name: '현황 대시보드' }).waitFor({ timeout: TIMEOUT });
      for (const id of ['backlog', 'cvc', 'pt', 'dq']) {
        const canvas = page.locator(`#report-${id} [data-chart="drawn"] canvas`);
        await canvas.waitFor({ timeout: TIMEOUT });
        const n = await canvasDrawn(canvas);
        assert(n > 500, `chart ${id} looks empty (${n} drawn pixels)`);
      }
      // messages (notices sent by the story) and contacts (every sent notice is an outbound
      // sms/email contact, and the call-centre test logged a call)
      for (const id of ['msg', 'contacts']) {
        const box = page.locator(`#report-${id}`);
        await box.locator('[data-chart="drawn"], .state-error, .state-empty').first().waitFor({ timeout: TIMEOUT });
        const canvas = box.locator('[data-chart="drawn"] canvas');
        assert(await canvas.count() === 1, `report ${id}: no chart drawn (${(await box.innerText()).slice(0, 200)})`);
        const n = await canvasDrawn(canvas);
        assert(n > 500, `chart ${id} looks empty (${n} drawn pixels)`);
      }
      // the contacts card's call-queue SLA table: a row per queue kind
      const sla = page.locator('#report-contacts table', { hasText: '기한 내 처리율' });
      for (const kind of ['플러스콜', '해피콜', '캐치콜']) await sla.locator('tbody th', { hasText: kind }).waitFor({ timeout: TIMEOUT });
      const charts = await page.locator('[data-chart="drawn"] canvas').count();
      assert(charts === 6, `expected 6 charts drawn, found ${charts}`);
      await shot(page, 'dashboards');
      await audit(page, 'dashboards');
      await ctx.close();
      return '6 charts';
    });

    // 6. The 360° view, the duplicate review queue and the templates screen render.
    await test('customer 360 view, duplicate review queue and templates render', async () => {
      const ctx = await browser.newContext(desktop);
      const page = await ctx.newPage();
      watch(page, 'csmanager');
      await signIn(page, base, 'csmanager');
      await page.goto(base + '/customers?q=' + encodeURIComponent(story.mobile || '김'));
      const first = page.locator('table tbody tr a').first();
      await first.waitFor({ timeout: TIMEOUT });
      await shot(page, 'customer-search');
      await audit(page, 'customer search');
      await first.click();
      await page.getByRole('heading', { name: '기본 정보' }).waitFor({ timeout: TIMEOUT });
      await page.getByRole('heading', { name: /접촉 이력/ }).waitFor({ timeout: TIMEOUT });
      await shot(page, 'customer-360');
      await audit(page, 'customer 360');
      await page.getByRole('link', { name: '중복 검토' }).click();
      await page.getByRole('heading', { name: '중복 검토' }).waitFor({ timeout: TIMEOUT });
      await page.locator('table.compare, .state-empty').first().waitFor({ timeout: TIMEOUT });
      await shot(page, 'duplicate-review');
      await audit(page, 'duplicate review');
      await page.getByRole('link', { name: '알림 문구' }).click();
      await page.getByRole('heading', { name: '알림 문구' }).waitFor({ timeout: TIMEOUT });
      await page.locator('.template-list, .state-error, .state-empty').first().waitFor({ timeout: TIMEOUT });
      if (await page.locator('.template-list button').count()) {
        await page.locator('.template-list button').first().click();
        await page.getByLabel('본문').waitFor({ timeout: TIMEOUT });
        await page.getByRole('button', { name: '미리 보기' }).click();
        await page.locator('.preview, .state-error').first().waitFor({ timeout: TIMEOUT });
      }
      await shot(page, 'templates');
      await audit(page, 'templates');
      await ctx.close();
    });

    // 7. The resident signs in with a one-time code (read from the demo outbox) and sees
    //    all their complaints and their data. Skipped while the server lacks the endpoints.
    await test('resident signs in with a one-time code and sees my data', async () => {
      const ctx = await browser.newContext(mobile);
      const page = await ctx.newPage();
      watch(page, 'resident');
      await page.goto(base + '/portal/signin');
      await page.getByLabel('휴대전화 번호 또는 전자우편').fill(story.mobile);
      await page.getByRole('button', { name: '인증번호 받기' }).click();
      await page.locator('.notice-ok, .state-error').first().waitFor({ timeout: TIMEOUT });
      if (await page.locator('.state-error').count()) {
        await shot(page, 'portal-signin-unavailable');
        const text = await page.locator('.state-error').textContent();
        assert(/404|not_found/.test(text), 'sign-in code failed: ' + text);
        await ctx.close();
        return 'server has no resident sign-in yet: error state shown';
      }
      let code = null;
      const outbox = join(data, 'outbox.log');
      for (let i = 0; i < 100 && !code; i++) {
        if (existsSync(outbox)) {
          // the sign-in message: "… 본인확인 인증번호 123456 (10분간 유효) …"; the last one wins
          const all = [...readFileSync(outbox, 'utf8').matchAll(/인증번호:?\s*(\d{4,8})/g)];
          if (all.length) code = all[all.length - 1][1];
        }
        if (!code) await page.waitForTimeout(100);
      }
      assert(code, 'no code in ' + outbox);
      await audit(page, 'portal sign-in code');
      await page.getByLabel('인증번호').fill(code);
      await page.getByRole('button', { name: '확인' }).click();
      await page.getByRole('heading', { name: '내 정보', exact: true }).waitFor({ timeout: TIMEOUT });
      await page.getByText(story.receipt).waitFor({ timeout: TIMEOUT });
      const sw = page.locator('button[data-consent="survey.sms"]');
      const before = await sw.getAttribute('aria-checked');
      await sw.click();
      await page.getByText('바꾸었습니다.').waitFor({ timeout: TIMEOUT });
      await page.waitForFunction(([b]) => document.querySelector('button[data-consent="survey.sms"]').getAttribute('aria-checked') !== b, [before]);
      await shot(page, 'portal-my-data');
      await audit(page, 'portal my data');
      await ctx.close();
    }, { needs: () => story.receipt });

    // 8. An officer reads a resident's RRN only after stating a purpose, and it is audited.
    await test('officer unmasks an RRN with a purpose, audited', async () => {
      const id = sql(data, "SELECT id FROM customers WHERE rrn_sealed IS NOT NULL AND merged_into IS NULL ORDER BY id LIMIT 1");
      assert(/^\d+$/.test(id), 'no customer with an RRN in the demo data');
      const ctx = await browser.newContext(desktop);
      const page = await ctx.newPage();
      watch(page, 'officer');
      await signIn(page, base, 'officer');
      await page.goto(base + '/customers/' + id);
      await page.getByRole('heading', { name: '기본 정보' }).waitFor({ timeout: TIMEOUT });
      const masked = await page.locator('main').textContent();
      assert(/\d{6}-\d\*{6}/.test(masked), 'the RRN is not shown masked first');
      await page.getByRole('button', { name: '주민등록번호 보기' }).click();
      const submit = page.getByRole('button', { name: '목적을 기록하고 열람' });
      assert(await submit.isDisabled(), 'unmasking is possible without a purpose');
      await page.getByLabel('열람 목적').fill('민원 처리를 위한 본인 확인');
      await submit.click();
      const rrn = (await page.getByTestId('rrn').textContent({ timeout: TIMEOUT })).trim();
      assert(/^\d{6}-\d{7}$/.test(rrn), 'the revealed RRN looks wrong');
      await shot(page, 'staff-unmask', false);
      await audit(page, 'RRN unmask');
      await ctx.close();
      const audited = sql(data, `SELECT count(*) FROM audit_log WHERE action = 'customer.rrn.read' AND target_id = '${id}' AND purpose = '민원 처리를 위한 본인 확인'`);
      assert(audited === '1', 'the reveal was not audited with its purpose (' + audited + ')');
    });

    // 9. Bulk actions: an officer assigns several simple complaints at once.
    await test('officer assigns simple complaints in bulk', async () => {
      const ctx = await browser.newContext(desktop);
      const page = await ctx.newPage();
      watch(page, 'officer');
      await signIn(page, base, 'officer');
      await page.getByRole('heading', { name: '민원함' }).waitFor({ timeout: TIMEOUT });
      // two simple road-damage reports, filed by residents just now
      const receipts = [];
      for (const place of ['수영로 101', '광안해변로 55']) {
        const r = await fetch(base + '/api/v1/public/complaints', {
          method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ tenant: 'busan', title: place + ' 앞 포트홀', body: place + ' 앞 도로가 패여 있습니다.', channel: 'web',
            type_code: 'REPORT-ROAD-DAMAGE', resident: { name: '남궁민', mobile: '010-7720-' + String(1000 + receipts.length) } }),
        });
        assert(r.status === 201, 'filing failed: ' + r.status);
        receipts.push((await r.json()).receipt_no);
      }
      const n = receipts.length;
      await page.reload();
      await page.locator(`tr[data-receipt="${receipts[1]}"]`).waitFor({ timeout: TIMEOUT });
      for (const r of receipts) await page.locator(`tr[data-receipt="${r}"] td.col-check input[type="checkbox"]`).check();
      await page.getByLabel('일괄 작업').selectOption('assign');
      await page.getByRole('button', { name: '선택한 민원에 적용' }).click();
      await page.locator('.bulk-results li').first().waitFor({ timeout: TIMEOUT });
      const text = await page.locator('.bulkbar').textContent();
      assert(text.includes('결과: 성공 ' + n + '건'), 'bulk result: ' + text);
      await shot(page, 'staff-bulk-assign', false);
      await audit(page, 'inbox bulk results');
      await ctx.close();
      for (const r of receipts) {
        const st = sql(data, `SELECT status FROM complaints WHERE receipt_no = '${r}'`);
        assert(st === 'assigned', `${r} is ${st} after the bulk assign`);
      }
      return n + ' complaints';
    });

    // 9b. The inbox pages through more open complaints than one page holds ("더 보기"),
    //     soonest due first across the five open statuses, and its counts are the server's.
    await test('inbox loads more pages in due order with the server counts', async () => {
      for (let i = 0; i < 60; i++) {
        const r = await fetch(base + '/api/v1/public/complaints', {
          method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ tenant: 'busan', title: `대형 폐기물 수거 요청 ${i + 1}`, body: '아파트 앞에 내놓은 장롱을 수거해 주세요.', channel: 'web',
            type_code: 'WASTE-BULKY', resident: { name: '모지혜', mobile: '010-4410-' + String(3000 + i) } }),
        });
        assert(r.status === 201, 'filing failed: ' + r.status);
      }
      const ctx = await browser.newContext(desktop);
      const page = await ctx.newPage();
      watch(page, 'csmanager');
      await signIn(page, base, 'csmanager');
      await page.goto(base + '/inbox');
      await page.getByRole('heading', { name: '민원함' }).waitFor({ timeout: TIMEOUT });
      await page.locator('tr[data-receipt]').first().waitFor({ timeout: TIMEOUT });
      const chips = await inboxCounts(page);
      const server = await (await page.request.get(base + '/api/v1/complaints/counts')).json();
      for (const [k, f] of Object.entries(CHIP_COUNTS)) assert(chips[k] === server[f], `the "${k}" chip shows ${chips[k]}, /complaints/counts says ${server[f]}`);
      assert(chips.open > 50, 'not more open complaints than one page: ' + chips.open);
      const rows = page.locator('tr[data-receipt]');
      let n = await rows.count();
      assert(n === 50, 'the first page has ' + n + ' rows');
      const more = page.locator('button.inbox-more');
      await more.scrollIntoViewIfNeeded();
      await shot(page, 'staff-inbox-more', false);
      for (let guard = 0; (await more.count()) && guard < 20; guard++) {
        const before = n;
        await more.click();
        await page.waitForFunction((b) => document.querySelectorAll('tr[data-receipt]').length > b && !document.querySelector('button.inbox-more[disabled]'), before, { timeout: TIMEOUT });
        n = await rows.count();
        if (guard === 0) {
          const focused = await page.evaluate(() => document.activeElement && document.activeElement.closest('tr') && document.activeElement.closest('tr').dataset.receipt);
          assert(focused === (await rows.nth(before).getAttribute('data-receipt')), 'the focus is not on the first new row: ' + focused);
        }
      }
      assert(n === chips.open, `${n} rows after paging, the open count is ${chips.open}`);
      const receipts = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.receipt));
      assert(new Set(receipts).size === n, 'a complaint is listed twice');
      const statuses = new Set(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.status)));
      assert([...statuses].every((x) => ['received', 'assigned', 'in_progress', 'awaiting_supplement', 'extended'].includes(x)), 'a row not open: ' + [...statuses].join(', '));
      await inboxSorted(page);
      const shown = await page.getByTestId('inbox-shown').textContent();
      assert(shown.includes(String(chips.open)) && shown.includes(String(n)), 'the caption says ' + shown);
      await shot(page, 'staff-inbox-paged');
      await audit(page, 'inbox paged');
      // a chip lists what its count says; the channel filter narrows the counts
      await page.locator('button[data-quick="answered"]').click();
      await page.waitForFunction((k) => document.querySelectorAll('tr[data-receipt]').length === k || (k === 0 && document.querySelector('.state-empty')), chips.answered, { timeout: TIMEOUT });
      assert((await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.status))).every((x) => x === 'answered'), 'an unanswered row under 답변 완료');
      await page.getByLabel('접수 경로').selectOption('phone');
      const phone = await (await page.request.get(base + '/api/v1/complaints/counts?channel=phone')).json();
      await page.waitForFunction((want) => [...document.querySelectorAll('button[data-quick] .chip-count')].map((e) => e.textContent).join('|') === want,
        Object.values(CHIP_COUNTS).map((f) => phone[f].toLocaleString('ko-KR')).join('|'), { timeout: TIMEOUT });
      await page.locator('tr[data-receipt], .state-empty').first().waitFor({ timeout: TIMEOUT });
      assert((await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.channel))).every((x) => x === 'phone'), 'a row of another channel under 전화');
      await ctx.close();
      return `${n} open complaints in ${Math.ceil(n / 50)} pages`;
    });

    // 10. The outbox (발송 내역) lists the notices the server wrote for the story's complaint.
    await test('outbox lists the messages of a filed complaint', async () => {
      const ctx = await browser.newContext(desktop);
      const page = await ctx.newPage();
      watch(page, 'csmanager');
      await signIn(page, base, 'csmanager');
      await page.getByRole('link', { name: '발송 내역' }).click();
      await page.getByRole('heading', { name: '발송 내역' }).waitFor({ timeout: TIMEOUT });
      await page.locator('tbody.msg, .state-empty').first().waitFor({ timeout: TIMEOUT });
      await page.getByLabel('접수번호').fill(story.receipt);
      await page.getByRole('button', { name: '조회' }).click();
      await page.waitForURL(/receipt_no=/);
      const rows = page.locator('tbody.msg');
      await rows.first().waitFor({ timeout: TIMEOUT });
      // received, assigned and answered: one each (the resident chose SMS notices)
      const n = await rows.count();
      const text = await page.locator('table.outbox-table').textContent();
      assert(n >= 2, 'only ' + n + ' messages for ' + story.receipt);
      for (let i = 0; i < n; i++) {
        const cell = await rows.nth(i).locator('td').nth(3).textContent();
        assert(cell.includes(story.receipt), 'a row of another complaint: ' + cell);
      }
      assert(!text.includes(story.mobile), 'the recipient is shown unmasked');
      assert(/\*{2,}/.test(text), 'no masked recipient in the table');
      // a row opens to show the text of the message, and closes again
      const toggle = rows.first().locator('button.toggle');
      await toggle.focus();
      await page.keyboard.press('Enter');
      assert((await toggle.getAttribute('aria-expanded')) === 'true', 'the row did not open');
      const body = rows.first().getByTestId('message-body');
      await body.waitFor({ timeout: TIMEOUT });
      assert((await body.textContent()).trim().length > 5, 'the message body is empty');
      await shot(page, 'outbox');
      await audit(page, 'outbox');
      await toggle.click();
      await body.waitFor({ state: 'detached', timeout: TIMEOUT });
      // the status filter: only sent ones, or the empty state when none has gone yet
      await page.getByLabel('발송 상태').selectOption('sent');
      await page.waitForURL(/status=sent/);
      await page.locator('tbody.msg, .state-empty').first().waitFor({ timeout: TIMEOUT });
      const badges = await page.locator('tbody.msg .badge').allTextContents();
      assert(badges.every((b) => b === '발송됨'), 'the status filter shows ' + badges.join(', '));
      await ctx.close();
      return n + ' messages';
    }, { needs: () => story.receipt });

    // 11. Happy-Call sampling rules: save one, see it after a reload, and see the server's
    //     own error for a percent of 101 (which changes nothing).
    await test('Happy-Call rules editor saves a rule and shows the server error for 101', async () => {
      const ctx = await browser.newContext(desktop);
      const page = await ctx.newPage();
      watch(page, 'csmanager');
      await signIn(page, base, 'csmanager');
      await page.getByRole('link', { name: '알림 문구' }).click();
      await page.getByRole('link', { name: '해피콜 표본 규칙' }).click();
      await page.getByRole('heading', { name: '해피콜 표본 규칙', level: 1 }).waitFor({ timeout: TIMEOUT });
      await page.getByText('기본 비율 20%').first().waitFor({ timeout: TIMEOUT });
      await page.getByRole('button', { name: '규칙 추가' }).click();
      const type = page.getByLabel('1번째 규칙의 민원 유형');
      await page.waitForFunction(() => document.querySelectorAll('option[value="REPORT-ROAD-DAMAGE"]').length > 0, null, { timeout: TIMEOUT });
      assert(await type.evaluate((el) => el === document.activeElement), 'the new row did not take the focus');
      await type.selectOption('REPORT-ROAD-DAMAGE');
      await page.getByLabel('1번째 규칙의 부서').selectOption({ label: '도로관리과' });
      await page.getByLabel('1번째 규칙의 표본 비율(%)').fill('50');
      await page.getByRole('button', { name: '규칙 저장' }).click();
      await page.getByText('규칙 1개를 저장했습니다.').waitFor({ timeout: TIMEOUT });
      await page.reload();
      const pct = page.getByLabel('1번째 규칙의 표본 비율(%)');
      await pct.waitFor({ timeout: TIMEOUT });
      assert((await pct.inputValue()) === '50', 'percent after reload: ' + (await pct.inputValue()));
      assert((await page.getByLabel('1번째 규칙의 민원 유형').inputValue()) === 'REPORT-ROAD-DAMAGE', 'type lost after reload');
      assert((await page.getByLabel('1번째 규칙의 부서').locator('option:checked').textContent()) === '도로관리과', 'department lost after reload');
      await shot(page, 'call-rules');
      await audit(page, 'Happy-Call rules');
      await pct.fill('101');
      await page.getByRole('button', { name: '규칙 저장' }).click();
      const err = page.locator('.state-error');
      await err.waitFor({ timeout: TIMEOUT });
      const msg = await err.textContent();
      assert(msg.includes('percent는 0~100입니다'), 'not the server message: ' + msg);
      assert((await pct.getAttribute('aria-invalid')) === 'true', 'the offending row is not marked');
      await shot(page, 'call-rules-error', false);
      await audit(page, 'Happy-Call rules, server error');
      const stored = sql(data, 'SELECT percent FROM happy_call_rules');
      assert(stored === '50', 'a refused save changed the rules: ' + stored);
      await ctx.close();
    });

    // 12. Disclosure: an answered complaint whose text holds the resident's name and mobile
    //     comes back redacted, shown as text.
    await test('disclosure shows the redacted text without the mobile number', async () => {
      const name = '봉수정';
      const mobile = '010-6614-' + String(2000 + (process.pid % 7000)).slice(-4);
      const r = await fetch(base + '/api/v1/public/complaints', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ tenant: 'busan', title: '중앙대로 88 보도블록 파손', channel: 'web', type_code: 'REPORT-ROAD-DAMAGE',
          body: `저는 ${name}입니다. 중앙대로 88 앞 보도블록이 깨져 있습니다. 연락은 ${mobile}로 주세요.`,
          resident: { name, mobile } }),
      });
      assert(r.status === 201, 'filing failed: ' + r.status);
      const receipt = (await r.json()).receipt_no;
      const ctx = await browser.newContext(desktop);
      const page = await ctx.newPage();
      watch(page, 'officer');
      await signIn(page, base, 'officer');
      // assign and answer through the API with the page's session (the UI for these is tested above)
      const me = await (await page.request.get(base + '/api/v1/me')).json();
      const act = async (body) => {
        const res = await page.request.post(base + '/api/v1/complaints/' + receipt + '/actions', { data: body, headers: { 'X-CSRF-Token': me.csrf_token } });
        assert(res.ok(), body.action + ' failed: ' + res.status() + ' ' + (await res.text()));
      };
      await act({ action: 'assign' });
      await act({ action: 'answer', text: `${name}님, 보도블록을 교체했습니다. 추가 문의는 ${mobile}로 회신 드리겠습니다.` });
      await page.goto(base + '/complaints/' + receipt);
      await page.getByRole('heading', { name: '중앙대로 88 보도블록 파손' }).waitFor({ timeout: TIMEOUT });
      await page.getByRole('button', { name: '공개용 문안 만들기' }).click();
      const out = page.getByTestId('disclosure');
      await out.waitFor({ timeout: TIMEOUT });
      const text = await out.textContent();
      const digits = mobile.replace(/\D/g, '');
      assert(!text.includes(mobile) && !text.replace(/\D/g, '').includes(digits), 'the mobile number is in the disclosure text');
      assert(!text.includes(name), 'the name is in the disclosure text');
      assert(text.includes('[전화번호]') && text.includes('○○○'), 'no redaction marks: ' + text);
      assert((await out.locator('[data-part="body"]').textContent()).includes('보도블록이 깨져'), 'the question is missing');
      assert((await out.locator('[data-part="answer"]').textContent()).includes('교체했습니다'), 'the answer is missing');
      const note = await out.locator('.notice').textContent();
      assert(note.includes('전화번호') && note.includes('이름'), 'the redaction note says: ' + note);
      await shot(page, 'disclosure');
      await audit(page, 'disclosure');
      await ctx.close();
      const audited = sql(data, `SELECT count(*) FROM audit_log WHERE action = 'complaint.disclose' AND target_id = '${receipt}'`);
      assert(audited === '1', 'the disclosure was not audited (' + audited + ')');
      return receipt;
    });

    // 13. The privacy officer reads the audit log, keeps to RRN reveals, and sees the reveal
    //     of test 8 with its purpose (or makes one through the API when run alone).
    await test('privacy officer sees the RRN reveal with its purpose in the audit log', async () => {
      const purpose = '민원 처리를 위한 본인 확인';
      const id = sql(data, "SELECT id FROM customers WHERE rrn_sealed IS NOT NULL AND merged_into IS NULL ORDER BY id LIMIT 1");
      assert(/^\d+$/.test(id), 'no customer with an RRN in the demo data');
      const ctx = await browser.newContext(desktop);
      const page = await ctx.newPage();
      watch(page, 'privacy');
      await signIn(page, base, 'privacy');
      const had = sql(data, `SELECT count(*) FROM audit_log WHERE action = 'customer.rrn.read' AND target_id = '${id}' AND purpose = '${purpose}'`);
      if (had === '0') {
        const me = await (await page.request.get(base + '/api/v1/me')).json();
        const res = await page.request.post(base + '/api/v1/customers/' + id + '/rrn', { data: { purpose }, headers: { 'X-CSRF-Token': me.csrf_token } });
        assert(res.ok(), 'reveal failed: ' + res.status() + ' ' + (await res.text()));
      }
      await page.getByRole('link', { name: '감사 로그' }).click();
      await page.getByRole('heading', { name: '감사 로그', level: 1 }).waitFor({ timeout: TIMEOUT });
      await page.locator('tbody.audit-entry').first().waitFor({ timeout: TIMEOUT });
      const action = page.getByLabel('작업', { exact: true });
      await action.selectOption({ label: '주민등록번호 열람' });
      await page.waitForURL(/action=customer\.rrn\.read/);
      await page.locator('tbody.audit-entry[data-action="customer.rrn.read"], .state-empty').first().waitFor({ timeout: TIMEOUT });
      await page.waitForFunction(() => [...document.querySelectorAll('tbody.audit-entry')].every((b) => b.dataset.action === 'customer.rrn.read'), null, { timeout: TIMEOUT });
      const rows = page.locator('tbody.audit-entry');
      const n = await rows.count();
      assert(n >= 1, 'no RRN reveal listed');
      const row = rows.filter({ hasText: purpose }).filter({ has: page.locator(`a[href="/customers/${id}"]`) }).first();
      await row.waitFor({ timeout: TIMEOUT });
      const purposeCell = (await row.locator('td[data-col="purpose"]').textContent()).trim();
      assert(purposeCell === purpose, 'the purpose column shows ' + purposeCell);
      const cells = await row.locator('tr').first().locator('td').allTextContents();
      assert(cells[3].includes('주민등록번호 열람'), 'action column: ' + cells[3]);
      assert(/직원/.test(cells[2]) && /(officer|privacy)/.test(cells[2]), 'actor column: ' + cells[2]);
      assert(cells[6].trim().length > 0 && cells[7].includes('127.0.0.1'), 'request id / address: ' + cells[6] + ' / ' + cells[7]);
      // the row opens from the keyboard and shows the detail as JSON text (or says there is none)
      const toggle = row.locator('button.toggle');
      await toggle.focus();
      await page.keyboard.press('Enter');
      assert((await toggle.getAttribute('aria-expanded')) === 'true', 'the row did not open');
      await row.locator('.audit-detail').waitFor({ timeout: TIMEOUT });
      const pre = row.getByTestId('audit-detail');
      if (await pre.count()) JSON.parse(await pre.textContent());
      await shot(page, 'audit-rrn-reads');
      await audit(page, 'audit log');
      // the target filter narrows to that customer
      await page.getByLabel('대상 번호').fill(id);
      await page.getByLabel('대상 번호').press('Enter');
      await page.waitForURL(new RegExp('target_id=' + id + '(&|$)'));
      await page.waitForFunction((cid) => {
        const b = [...document.querySelectorAll('tbody.audit-entry')];
        return b.length > 0 && b.every((x) => x.querySelector(`a[href="/customers/${cid}"]`));
      }, id, { timeout: TIMEOUT });
      // a row with a detail shows it pretty-printed as JSON text
      await page.goto(base + '/audit?action=complaint.create');
      const first = page.locator('tbody.audit-entry[data-action="complaint.create"]').first();
      await first.locator('button.toggle').click();
      const json = first.getByTestId('audit-detail');
      await json.waitFor({ timeout: TIMEOUT });
      const jtext = await json.textContent();
      assert('channel' in JSON.parse(jtext) && /\n  "/.test(jtext), 'the detail is not pretty-printed JSON: ' + jtext);
      await shot(page, 'audit-detail', false);
      await audit(page, 'audit log detail');
      // an unknown action is shown as its code, and the empty state says so
      await page.goto(base + '/audit?action=no.such.action');
      await page.locator('.state-empty').waitFor({ timeout: TIMEOUT });
      assert((await action.locator('option:checked').textContent()) === 'no.such.action', 'an unknown action is not kept as its code');
      await ctx.close();
      return n + ' reveal(s)';
    });

    // 14. Throttled sign-in shows the wait (last: it blocks further logins from 127.0.0.1).
    await test('sign-in shows the throttling message with the wait', async () => {
      const ctx = await browser.newContext(desktop);
      const page = await ctx.newPage();
      watch(page, 'login');
      await page.goto(base + '/');
      await page.getByLabel('기관 코드').fill('busan');
      await page.getByLabel('아이디').fill('depthead');
      for (let i = 0; i < 6; i++) {
        await page.getByLabel('비밀번호').fill('wrong-password-' + i);
        await page.getByRole('button', { name: '로그인' }).click();
        await page.locator('.state-error, #login-throttle').first().waitFor({ timeout: TIMEOUT });
        if (await page.locator('#login-throttle').count()) break;
      }
      const text = await page.locator('#login-throttle').textContent({ timeout: TIMEOUT });
      assert(/\d+(분|초)/.test(text), 'no wait in the throttling message: ' + text);
      await shot(page, 'staff-login-throttled', false);
      await audit(page, 'staff login throttled');
      await ctx.close();
    });

    await test('axe: no serious or critical WCAG 2.1 AA violations on the main screens', async () => {
      await auditChain;
      writeFileSync(join(SHOTS, 'axe.json'), JSON.stringify(audits, null, 1));
      const bad = [];
      const review = new Map(); // rule → screens where axe could not decide
      for (const a of audits) {
        if (a.error) {
          bad.push(`${a.screen}: the audit did not run: ${a.error}`);
          continue;
        }
        for (const v of a.violations) {
          const line = `${a.screen}: ${v.impact} ${v.id}${v.wcag ? '' : ' (best practice)'} — ${v.help} × ${v.nodes.length}: ${v.nodes.slice(0, 3).join(', ')}`;
          if (v.wcag && (v.impact === 'serious' || v.impact === 'critical')) bad.push(line);
          else log(`     note: axe ${line}`);
        }
        for (const v of a.incomplete) {
          const k = `${v.id} (${v.why[0] || v.help})`;
          review.set(k, [...(review.get(k) || []), `${a.screen} × ${v.nodes.length}`]);
        }
      }
      for (const [k, where] of review) log(`     note: axe needs review: ${k}: ${where.join(', ')}`);
      const seen = new Set(audits.map((a) => a.screen));
      const missing = AXE_SCREENS.filter((s) => !seen.has(s));
      if (!ONLY) assert(missing.length === 0 || results.some((r) => !r.ok), 'screens not audited: ' + missing.join(', '));
      assert(bad.length === 0, bad.join('\n'));
      return `${audits.length} screens audited${missing.length ? ', not reached: ' + missing.join(', ') : ''}`;
    });

    await test('no CSP violations, page errors or missing strings', async () => {
      const mine = problems.filter((p) => !/\/api\/v1\/(public\/sign-in|reports\/messages|templates)/.test(p));
      assert(mine.length === 0, mine.join('\n'));
    });
  } finally {
    await browser.close();
    server.proc.kill('SIGTERM');
    await new Promise((r) => (server.proc.exitCode !== null ? r() : server.proc.once('exit', r)));
    if (!KEEP) rmSync(dir, { recursive: true, force: true });
    else log('web: kept ' + dir);
  }
}

try {
  await main();
} catch (e) {
  results.push({ name: 'setup', ok: false, error: e.stack || String(e) });
  log('FAIL setup: ' + (e.stack || e));
}
const failed = results.filter((r) => !r.ok);
for (const f of failed) log(`\n--- ${f.name}\n${f.error}`);
log(`web: screenshots in ${SHOTS}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
log(`web: ${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
