// crawl.test.mjs — every page reachable by links, as every role, answers without a server
// error and as a whole HTML document; links to other units' objects are never offered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let srv;

before(async () => { srv = await startServer(); });
after(async () => { if (srv) assert.equal(await srv.stop(), 0); });

async function session(user) {
  const r = await fetch(srv.base + '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user, password: 'Demo-2026' }),
  });
  assert.equal(r.status, 201);
  return r.headers.get('set-cookie').split(';')[0];
}

async function crawl(cookie, limit) {
  const seen = new Set(['/home']), queue = ['/home'], bad = [];
  while (queue.length && seen.size <= limit) {
    const path = queue.shift();
    const r = await fetch(srv.base + path, { headers: { cookie }, redirect: 'manual' });
    const body = await r.text();
    if (r.status >= 500 || (r.status === 200 && (r.headers.get('content-type') || '').startsWith('text/html') && !body.includes('</html>'))) {
      bad.push(`${path}: ${r.status}`);
    }
    for (const m of body.matchAll(/href="(\/[^"#]*)"/g)) {
      const href = m[1].replace(/&amp;/g, '&');
      if (href.startsWith('/static/') || href.startsWith('/api/') || seen.has(href)) continue;
      seen.add(href);
      queue.push(href);
    }
  }
  return { seen, bad };
}

for (const user of ['admin', 'office', 'district', 'evaluator', 'unitadmin', 'member', 'leader']) {
  test(`every linked page works for ${user}`, async () => {
    const cookie = await session(user);
    const { seen, bad } = await crawl(cookie, 250);
    assert.deepEqual(bad, []);
    assert.ok(seen.size >= 3, `${seen.size} pages reached`);
    if (['unitadmin', 'member', 'leader'].includes(user)) {
      // a unit account is linked only to its own unit (id 6, 市司法局)
      const units = [...seen].filter((p) => /^\/units\/\d+/.test(p)).map((p) => p.split('/')[2]);
      assert.ok(units.every((id) => id === '6'), `only its unit: ${[...new Set(units)]}`);
    }
  });
}
