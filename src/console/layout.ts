import type { FastifyReply } from 'fastify';
import { CONSOLE_NAV } from './console-nav';
import { html, Html, Interpolation } from './html';

/** Path of the console's one style sheet (served by ConsoleAssetsController). */
export const CONSOLE_CSS_PATH = '/console/console.css';

/** What a page hands the layout. */
export interface PageParts {
  /** The page's title (also the <h1>). */
  title: string;
  /** The page's path, to mark the current nav entry (e.g. /console/connections/…). */
  path: string;
  body: Interpolation;
  /** A confirmation above the body (what an action did), in plain words. */
  notice?: string | null;
  /** What went wrong (an action refused, a CPO that failed us), in plain words, above the body. */
  error?: string | null;
  /** Reload the page every so many seconds (e.g. while a pull runs); no script needed. */
  refreshSeconds?: number;
  /** false for the login page: no nav, no logout. */
  signedIn?: boolean;
}

/** A whole console page: the shared head, header with nav and logout, notices, then the page's body. */
export function layout(parts: PageParts): Html {
  const signedIn = parts.signedIn ?? true;
  const nav = CONSOLE_NAV.map((entry) => html`<a href="${entry.path}" ${parts.path.startsWith(entry.path) ? html` aria-current="page"` : ''}>${entry.label}</a>`);
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${parts.refreshSeconds ? html`<meta http-equiv="refresh" content="${parts.refreshSeconds}" />` : ''}
        <title>${parts.title} · eMSP console</title>
        <link rel="stylesheet" href="${CONSOLE_CSS_PATH}" />
      </head>
      <body>
        <header>
          <span class="brand">eMSP console</span>
          ${
            signedIn &&
            html`<nav>${nav}</nav>
              <form method="post" action="/console/logout" class="logout"><button type="submit">Log out</button></form>`
          }
        </header>
        <main>
          <h1>${parts.title}</h1>
          ${parts.notice && html`<p class="notice" role="status">${parts.notice}</p>`} ${parts.error && html`<p class="error" role="alert">${parts.error}</p>`} ${parts.body}
        </main>
      </body>
    </html>`;
}

/**
 * Sends a page: text/html, never cached (pages show live state and, once, a token A), never framed, no script or
 * foreign asset allowed (Content-Security-Policy: the console has no script and loads only its own style sheet).
 */
export function sendPage(reply: FastifyReply, page: Html, status = 200): FastifyReply {
  return reply
    .status(status)
    .header('Content-Type', 'text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .header('Content-Security-Policy', "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    .header('X-Frame-Options', 'DENY')
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'same-origin')
    .send(page.text);
}

/** A redirect after a POST (303: the browser GETs `location`), e.g. back to the page with a notice. */
export function redirectTo(reply: FastifyReply, location: string): FastifyReply {
  return reply.header('Cache-Control', 'no-store').redirect(location, 303);
}

/** The console's style sheet: dense tables, readable on a laptop screen, no web fonts. */
export const CONSOLE_CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2329;background:#f6f7f9}
header{display:flex;align-items:center;gap:1.5rem;padding:.5rem 1rem;background:#1d2f45;color:#fff}
header .brand{font-weight:600}
header nav{display:flex;gap:1rem;flex:1}
header nav a{color:#cfe0f5;text-decoration:none;padding:.2rem 0}
header nav a[aria-current=page]{color:#fff;border-bottom:2px solid #fff}
header .logout button{background:none;border:1px solid #cfe0f5;color:#cfe0f5;padding:.15rem .6rem;border-radius:3px;cursor:pointer}
main{padding:1rem 1.25rem;max-width:1400px}
h1{font-size:1.3rem;margin:.2rem 0 1rem}
h2{font-size:1.05rem;margin:1.5rem 0 .5rem}
table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:1rem}
th,td{border:1px solid #dde1e6;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f4;font-weight:600;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;background:#fff;padding:.75rem;border:1px solid #dde1e6;margin:0 0 1rem}
dl.facts dt{font-weight:600;color:#49535e}
dl.facts dd{margin:0}
.notice{background:#e6f4ea;border:1px solid #9fd3ad;padding:.5rem .75rem}
.error{background:#fdecea;border:1px solid #f1a9a0;padding:.5rem .75rem}
.muted{color:#6b7580}
.tag{display:inline-block;padding:0 .35rem;border-radius:3px;background:#eef1f4;font-size:12px;white-space:nowrap}
.tag.bad{background:#fdecea;color:#9b1c12}
.tag.good{background:#e6f4ea;color:#1e6b34}
.tag.warn{background:#fff4dc;color:#7a5200}
form.inline{display:inline}
form.card{background:#fff;border:1px solid #dde1e6;padding:.75rem;margin-bottom:1rem;max-width:640px}
form.card label{display:block;margin:.4rem 0 .15rem;font-weight:600}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin-bottom:.75rem}
form.filters label{display:flex;flex-direction:column;font-size:12px;color:#49535e}
input,select{font:inherit;padding:.2rem .35rem}
form.card input{width:100%}
button{font:inherit;padding:.25rem .7rem;cursor:pointer}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin-bottom:1rem}
pre{background:#fff;border:1px solid #dde1e6;padding:.5rem;overflow:auto;max-height:24rem;white-space:pre-wrap;word-break:break-all;font-size:12px}
code{font-size:12px}
a{color:#1a5fb4}
figure.chart{margin:0 0 1rem;background:#fff;border:1px solid #dde1e6;padding:.5rem;display:inline-block}
figure.chart figcaption{font-weight:600;margin-bottom:.25rem}
.legend{font-weight:400;font-size:12px;margin-left:.75rem}
`;
