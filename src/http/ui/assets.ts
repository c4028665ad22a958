/**
 * The UI's own assets, served from the axis itself (these networks are closed: nothing comes from a CDN): one style
 * sheet and one small script, which only adds conveniences (confirmations, copy buttons); every page works without
 * it. Their URLs carry a hash of their content, so browsers keep them until they change.
 */
import { createHash } from 'node:crypto';

const CSS = `
*,*::before,*::after{box-sizing:border-box}
:root{--ink:#1a1a1a;--muted:#4a4a4a;--line:#c8ccd2;--paper:#fff;--band:#f3f5f8;--brand:#0b4f8a;--brand-ink:#fff;--bad:#a4161a;--bad-band:#fdecec;--good:#1e6b2f;--good-band:#e8f5eb;--warn:#7a4a00;--warn-band:#fff4e0;--focus:#ffbf47}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;font-size:16px;line-height:1.5;color:var(--ink);background:var(--paper)}
body{margin:0}
a{color:var(--brand)}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px;box-shadow:0 0 0 5px var(--ink)}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip{position:absolute;left:-999px;top:0;background:var(--focus);color:var(--ink);padding:.5rem 1rem;z-index:10}
.skip:focus{left:0}
header.top{background:var(--brand);color:var(--brand-ink);padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
header.top a,header.top button.link{color:var(--brand-ink)}
.brand{font-weight:700;font-size:1.05rem;text-decoration:none}
.who{display:flex;flex-wrap:wrap;gap:.25rem .75rem;align-items:center;font-size:.95rem}
nav.main{background:var(--band);border-bottom:1px solid var(--line);padding:.25rem 1rem}
nav.main ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
nav.main a{display:inline-block;padding:.5rem .25rem;text-decoration:none}
nav.main a[aria-current=page]{font-weight:700;text-decoration:underline;text-underline-offset:.3em}
main{padding:1rem;max-width:80rem;margin:0 auto}
h1{font-size:1.5rem;margin:.5rem 0 1rem;overflow-wrap:anywhere}
h2{font-size:1.2rem;margin:1.5rem 0 .75rem;overflow-wrap:anywhere}
form.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.75rem;align-items:end;background:var(--band);padding:.75rem;border:1px solid var(--line);border-radius:4px}
label{display:block;font-weight:600;margin-bottom:.25rem}
input,select{font:inherit;width:100%;padding:.45rem .5rem;border:1px solid var(--muted);border-radius:3px;background:#fff;color:var(--ink);min-height:2.5rem}
button,.button{font:inherit;display:inline-block;padding:.45rem .9rem;border:2px solid var(--brand);border-radius:3px;background:var(--brand);color:var(--brand-ink);cursor:pointer;text-decoration:none;min-height:2.5rem}
button.secondary,.button.secondary{background:#fff;color:var(--brand)}
button.danger{background:var(--bad);border-color:var(--bad)}
button.link{background:none;border:none;padding:0;text-decoration:underline;min-height:0;cursor:pointer}
form.inline{display:inline}
.table-wrap{position:relative;overflow-x:auto;border:1px solid var(--line);border-radius:4px;margin:.5rem 0 1rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}
.table-wrap table{min-width:40rem}
td.mono,table.stack .mono{white-space:nowrap;overflow-wrap:normal}
tr.part td,tr.part td.mono{white-space:normal;overflow-wrap:anywhere}tr.part td.code{white-space:nowrap;overflow-wrap:normal}
caption{text-align:left;font-weight:600;padding:.5rem}
th,td{padding:.45rem .6rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:var(--band);white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,"Cascadia Mono",Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:999px;border:1px solid currentColor;font-size:.85rem;white-space:nowrap}
.badge.good{color:var(--good);background:var(--good-band)}
.badge.bad{color:var(--bad);background:var(--bad-band)}
.badge.warn{color:var(--warn);background:var(--warn-band)}
.notice{padding:.75rem 1rem;border-left:5px solid var(--brand);background:var(--band);margin:1rem 0;overflow-wrap:anywhere}
.notice.bad{border-color:var(--bad);background:var(--bad-band)}
.notice.good{border-color:var(--good);background:var(--good-band)}
.notice.warn{border-color:var(--warn);background:var(--warn-band)}
dl.facts{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:.35rem 1rem;margin:0 0 1rem}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0;overflow-wrap:anywhere}
ol.timeline{list-style:none;margin:0 0 1rem;padding:0;position:relative}
ol.timeline::before{content:"";position:absolute;left:.55rem;top:.25rem;bottom:.25rem;width:3px;background:var(--line)}
ol.timeline li{position:relative;padding:0 0 1rem 2rem}
ol.timeline li::before{content:"";position:absolute;left:.1rem;top:.3rem;width:.95rem;height:.95rem;border-radius:50%;background:var(--paper);border:3px solid var(--brand)}
ol.timeline li.bad::before{border-color:var(--bad)}
ol.timeline li.good::before{border-color:var(--good);background:var(--good)}
ol.timeline time{display:block;font-size:.9rem;color:var(--muted)}
ol.timeline .what{font-weight:600}
.chart-wrap{overflow-x:auto;margin:.5rem 0}
.chart{display:block;width:720px;max-width:none;height:auto}
.chart text{font-size:12px;fill:var(--ink)}
.legend{display:flex;flex-wrap:wrap;gap:1rem;font-size:.9rem;margin:.25rem 0}
.legend span::before{content:"";display:inline-block;width:.9rem;height:.9rem;margin-right:.35rem;vertical-align:-.1rem;border:1px solid var(--ink)}
.legend .sent::before{background:#0b4f8a}
.legend .received::before{background:#7fb3e0}
.legend .ontime::before{background:#1e6b2f}
.secret{background:var(--warn-band);border:2px dashed var(--warn);padding:.75rem;margin:.5rem 0 1rem}
.login{max-width:28rem;margin:2rem auto}
.row-actions{display:flex;flex-wrap:wrap;gap:.4rem}
.row-actions form{margin:0}
@media (max-width:40rem){main{padding:.75rem}h1{font-size:1.3rem}form.filters p{margin:.25rem 0}.stack-wrap table{min-width:0}table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}table.stack,table.stack tbody,table.stack tr,table.stack td{display:block}table.stack tr{border-bottom:2px solid var(--line);padding:.25rem 0}table.stack td{border:none;padding:.2rem .6rem;white-space:normal}table.stack caption{display:block}table.stack .mono{white-space:normal;overflow-wrap:anywhere}table.stack td::before{content:attr(data-label);display:block;font-weight:600;font-size:.85rem;color:var(--muted)}dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.5rem}th,td{padding:.4rem}}
@media (prefers-reduced-motion:reduce){*{transition:none!important}}
`;

const JS = `
document.addEventListener('submit',function(e){var f=e.target;if(f&&f.dataset&&f.dataset.confirm&&!window.confirm(f.dataset.confirm)){e.preventDefault();}});
document.addEventListener('click',function(e){var b=e.target&&e.target.closest?e.target.closest('button[data-copy]'):null;if(!b)return;var t=document.getElementById(b.dataset.copy);if(!t||!navigator.clipboard)return;navigator.clipboard.writeText(t.textContent||'').then(function(){b.setAttribute('aria-label',b.dataset.copied||'OK');});});
document.querySelectorAll('[data-copy]').forEach(function(b){b.hidden=false;});
document.querySelectorAll('.chart-wrap').forEach(function(w){w.scrollLeft=w.scrollWidth;});
`;

export interface Asset {
  path: string;
  type: string;
  body: string;
}

function asset(name: string, ext: string, type: string, body: string): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { path: `/assets/${name}.${hash}.${ext}`, type, body };
}

export const STYLESHEET = asset('ui', 'css', 'text/css; charset=utf-8', CSS.trim());
export const SCRIPT = asset('ui', 'js', 'text/javascript; charset=utf-8', JS.trim());
export const ASSETS: readonly Asset[] = [STYLESHEET, SCRIPT];
