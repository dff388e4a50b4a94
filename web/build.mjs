// Builds the web UI into web/dist: one JS bundle and one CSS file under dist/assets,
// and index.html referencing them (no inline script or style: the server's CSP forbids
// both). The Korean public-holiday list is baked in from ../data/holidays-kr.csv so the
// due-time countdown can count working time the way the server does.
import * as esbuild from 'esbuild';
import { readFileSync, rmSync, mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const watch = process.argv.includes('--watch');

function holidays() {
  try {
    const csv = readFileSync(join(here, '..', 'data', 'holidays-kr.csv'), 'utf8');
    return csv.split('\n').slice(1).map((l) => l.split(',')[0]).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
  } catch {
    return [];
  }
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'assets'), { recursive: true });
for (const f of readdirSync(join(here, 'public'))) copyFileSync(join(here, 'public', f), join(dist, f));

const options = {
  entryPoints: { app: join(here, 'src', 'main.js') },
  bundle: true,
  minify: !watch,
  sourcemap: watch ? 'inline' : false,
  format: 'esm',
  splitting: true,
  chunkNames: 'chunk-[hash]',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  outdir: join(dist, 'assets'),
  define: { __HOLIDAYS__: JSON.stringify(holidays()) },
  legalComments: 'none',
  logLevel: 'warning',
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log('web: watching src/ (Ctrl-C to stop)');
} else {
  const r = await esbuild.build({ ...options, metafile: true });
  const sizes = Object.entries(r.metafile.outputs).map(([f, o]) => `${f.replace(/^.*dist\//, '')} ${(o.bytes / 1024).toFixed(0)} KiB`);
  console.log('web: built ' + sizes.join(', '));
}
