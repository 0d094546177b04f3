// Browser tests: the real artdag-l2 binary driven by Debian's headless Chromium through
// playwright-core (no downloaded browsers).
//
//   node tests/browser/run.mjs path/to/artdag-l2        (or ARTDAG_L2_BINARY=...)
//
// Starts the server on a free port with a temp data dir and a fake L1 server, runs each
// scenario in a fresh browser context, saves a screenshot of every page it visits to
// test-artifacts/screenshots/, and ends with "N passed, M failed" (exit 1 on any failure).
// Exits 77 (what ctest counts as skipped) when playwright-core or Chromium is missing.
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';

const here = dirname(fileURLToPath(import.meta.url));
const binary = process.argv[2] || process.env.ARTDAG_L2_BINARY;
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const screenshots = resolve(here, '..', '..', 'test-artifacts', 'screenshots');

if (!binary) {
  console.error('usage: node run.mjs <path to artdag-l2>  (or set ARTDAG_L2_BINARY)');
  process.exit(2);
}

const sha3 = (text) => createHash('sha3-256').update(text).digest('hex');

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

// A stand-in L1 render server: serves completed runs and records /auth visits.
async function startFakeL1() {
  const port = await freePort();
  const l1 = { port, url: `http://127.0.0.1:${port}`, authTokens: [], runs: new Map() };
  l1.server = createServer((req, res) => {
    const url = new URL(req.url, l1.url);
    const run = url.pathname.match(/^\/runs\/([^/]+)$/);
    if (req.method === 'GET' && run && l1.runs.has(run[1])) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(l1.runs.get(run[1])));
    } else if (req.method === 'GET' && url.pathname === '/auth') {
      l1.authTokens.push(url.searchParams.get('auth_token'));
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Fake L1</title><h1>Fake L1: attached</h1>');
    } else {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"detail":"Not found"}');
    }
  });
  await new Promise((ok) => l1.server.listen(port, '127.0.0.1', ok));
  return l1;
}

async function startServer(l1) {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'artdag-browser-'));
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    ARTDAG_DATA: dataDir,
    HOME: dataDir,
    ARTDAG_BASE_URL: base,
    ARTDAG_DOMAIN: `127.0.0.1:${port}`,
    ARTDAG_USER: 'giles',
    HOST: '127.0.0.1',
    PORT: String(port),
    JWT_SECRET: 'browser-test-secret-0123456789abcdef',
    L1_SERVERS: l1.url,
    ARTDAG_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8,::1/128',
    // Every page logs in from 127.0.0.1: keep the login rate limits out of the way.
    ARTDAG_AUTH_ATTEMPTS_PER_IP: '100000',
    ARTDAG_LOGIN_FAILURES_PER_ACCOUNT: '100000',
  };
  delete env.DATABASE_URL;
  const log = [];
  const child = spawn(binary, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => log.push(d.toString()));
  child.stderr.on('data', (d) => log.push(d.toString()));
  const exited = new Promise((ok) => child.once('exit', (code, signal) => ok({ code, signal })));
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const r = await fetch(`${base}/health`);
      if (r.ok) return { base, child, dataDir, log, exited };
    } catch {
      // not listening yet
    }
    await new Promise((ok) => setTimeout(ok, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`artdag-l2 did not start:\n${log.join('')}`);
}

// ---- the scenarios ----

const results = [];
let shotCount = 0;

async function shot(page, name) {
  shotCount += 1;
  const file = join(screenshots, `${String(shotCount).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function expectText(locator, text) {
  const content = await locator.textContent();
  expect(content && content.includes(text), `expected "${text}" in: ${content}`);
}

// Every page must load with no CSP violation and no JavaScript at all running.
function watch(page, problems) {
  page.on('console', (msg) => {
    // A page answered with 401/404/422 is logged as a failed load; the scenarios check those
    // statuses themselves. Anything else (a CSP violation above all) is a problem.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
      problems.push(`console error: ${msg.text()}`);
  });
  page.on('response', (response) => {
    const request = response.request();
    if (request.resourceType() !== 'document' && response.status() >= 400)
      problems.push(`${request.resourceType()} ${request.url()} answered ${response.status()}`);
  });
  page.on('requestfailed', (request) => {
    // ERR_ABORTED: the page navigated on before a subresource (the favicon) arrived.
    const error = request.failure()?.errorText;
    if (error !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${error}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('dialog', async (dialog) => {
    problems.push(`a dialog opened: ${dialog.message()}`);
    await dialog.dismiss();
  });
}

async function registerAndLogIn(page, base, username, password) {
  await page.goto(`${base}/register`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Repeat password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(`${base}/users/${username}?notice=welcome`);
}

async function publish(page, base, fields) {
  await page.goto(`${base}/publish`);
  await page.getByLabel('Name').fill(fields.name);
  await page.getByLabel('Content hash (SHA3-256)').fill(fields.hash);
  await page.getByLabel('Type').selectOption(fields.type);
  if (fields.tags) await page.getByLabel('Tags').fill(fields.tags);
  if (fields.description) await page.getByLabel('Description').fill(fields.description);
  await page.getByRole('button', { name: 'Register and sign' }).click();
}

const scenarios = [
  [
    'register, log out, log in, register an asset, see it listed and in detail, log out',
    async ({ page, base }) => {
      await page.goto(`${base}/`);
      await shot(page, 'home-anonymous');
      await registerAndLogIn(page, base, 'alice', 'alice-password-1');
      await expectText(page.locator('.notice'), 'Welcome');
      await shot(page, 'profile-new-user');

      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL(`${base}/?notice=logged-out`);
      await expectText(page.locator('.notice'), 'logged out');

      await page.getByRole('link', { name: 'Log in' }).click();
      await page.waitForURL(`${base}/login`);
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill('alice-password-1');
      await shot(page, 'login');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${base}/`);
      await expectText(page.locator('header'), '@alice');

      await page.getByRole('link', { name: 'Register asset' }).click();
      await page.waitForURL(`${base}/publish`);
      await shot(page, 'publish-form');
      await publish(page, base, {
        name: 'sunrise-loop',
        hash: sha3('sunrise-loop'),
        type: 'video',
        tags: 'generative, loop',
        description: 'A calm sunrise, rendered frame by frame.',
      });
      await page.waitForURL(`${base}/asset/sunrise-loop?notice=registered`);
      await expectText(page.locator('h1'), 'sunrise-loop');
      await expectText(page.locator('.claim'), '✓ valid');
      await expectText(page.locator('.facts').first(), sha3('sunrise-loop'));
      await shot(page, 'asset-detail');

      await page.getByRole('link', { name: 'Assets', exact: true }).click();
      await page.waitForURL(`${base}/assets`);
      await expectText(page.locator('table'), 'sunrise-loop');
      await shot(page, 'assets');
      await page.getByRole('link', { name: '#loop' }).first().click();
      await page.waitForURL(`${base}/assets?tag=loop`);
      await expectText(page.locator('table'), 'sunrise-loop');

      await page.getByRole('link', { name: 'sunrise-loop' }).click();
      await page.waitForURL(`${base}/asset/sunrise-loop`);
      await page.getByRole('link', { name: '@alice' }).first().click();
      await page.waitForURL(`${base}/users/alice`);
      await expectText(page.locator('main'), 'sunrise-loop');

      await page.getByRole('link', { name: 'Activities' }).click();
      await page.waitForURL(`${base}/activities`);
      await shot(page, 'activities');
      await page.locator('table a', { hasText: 'sunrise-loop' }).first().click();
      await page.waitForURL(`${base}/asset/sunrise-loop`);

      await page.goto(`${base}/activities`);
      await page.locator('tbody tr').first().locator('th a').click();
      await page.waitForURL(/\/activities\/\d+$/);
      await expectText(page.locator('main'), '✓ valid');
      await shot(page, 'activity');

      await page.getByRole('link', { name: 'Users' }).click();
      await page.waitForURL(`${base}/users`);
      await expectText(page.locator('table'), '@alice');
      await shot(page, 'users');

      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL(`${base}/?notice=logged-out`);
      await expectText(page.locator('header'), 'Log in');
      await shot(page, 'home-after-logout');
      await page.goto(`${base}/publish`);
      expect(page.url().startsWith(`${base}/login?next=`), `not sent to log in: ${page.url()}`);
    },
  ],
  [
    'a bad login shows the error next to the form and keeps the username',
    async ({ page, base }) => {
      await page.goto(`${base}/login`);
      await page.getByLabel('Username').fill('nobody_here');
      await page.getByLabel('Password').fill('definitely-wrong');
      await page.getByRole('button', { name: 'Log in' }).click();
      await expectText(page.getByRole('alert'), 'Incorrect username or password.');
      expect((await page.getByLabel('Username').inputValue()) === 'nobody_here', 'username not kept');
      expect((await page.getByLabel('Password').inputValue()) === '', 'password was echoed');
      await shot(page, 'login-error');

      await page.goto(`${base}/register`);
      await page.getByLabel('Username').fill('bob');
      await page.getByLabel('Password', { exact: true }).fill('short');
      await page.getByLabel('Repeat password').fill('short');
      await page.getByRole('button', { name: 'Create account' }).click();
      await expectText(page.locator('#reg-password-error'), 'at least 8');
      expect((await page.getByLabel('Username').inputValue()) === 'bob', 'username not kept');
      await shot(page, 'register-error');
    },
  ],
  [
    'a script tag in an asset description renders as text and does not run',
    async ({ page, base, problems }) => {
      await registerAndLogIn(page, base, 'mallory', 'mallory-password-1');
      const payload = '<script>window.__xss = 1; alert("xss")</script><img src=x onerror="window.__xss = 2">';
      await publish(page, base, {
        name: 'innocent',
        hash: sha3('innocent'),
        type: 'image',
        tags: 'test',
        description: payload,
      });
      await page.waitForURL(`${base}/asset/innocent?notice=registered`);
      await expectText(page.locator('.description'), payload);
      expect((await page.evaluate(() => window.__xss)) === undefined, 'the script ran');
      expect((await page.locator('main script').count()) === 0, 'a script element was created');
      expect((await page.locator('.description img').count()) === 0, 'an img element was created');
      await shot(page, 'xss-as-text');
      await page.goto(`${base}/assets`);
      expect((await page.evaluate(() => window.__xss)) === undefined, 'the script ran on /assets');
      expect(!problems.some((p) => p.includes('dialog')), 'a dialog opened');
    },
  ],
  [
    'pages read well on a phone and work from the keyboard',
    async ({ page, base }) => {
      await page.setViewportSize({ width: 375, height: 740 });
      for (const path of ['/', '/assets', '/asset/sunrise-loop', '/activities', '/users', '/login', '/register']) {
        await page.goto(`${base}${path}`);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow <= 1, `${path} scrolls sideways by ${overflow}px on a phone`);
      }
      await page.goto(`${base}/asset/sunrise-loop`);
      await shot(page, 'phone-asset');
      await page.goto(`${base}/assets`);
      await shot(page, 'phone-assets');

      // Keyboard: the first Tab reaches the skip link, which moves focus into <main>.
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(`${base}/login`);
      await page.keyboard.press('Tab');
      expect((await page.evaluate(() => document.activeElement.textContent)) === 'Skip to content',
        'first Tab is not the skip link');
      await page.keyboard.press('Enter');
      expect((await page.evaluate(() => location.hash)) === '#main', 'skip link did not jump');
      // Log in with the keyboard alone.
      await page.getByLabel('Username').focus();
      await page.keyboard.type('alice');
      await page.keyboard.press('Tab');
      await page.keyboard.type('alice-password-1');
      await page.keyboard.press('Enter');
      await page.waitForURL(`${base}/`);
      await expectText(page.locator('header'), '@alice');
    },
  ],
  [
    'the renderers page attaches to an L1 server, the redirect carries the token, and detaches',
    async ({ page, base, l1 }) => {
      await registerAndLogIn(page, base, 'rita', 'rita-password-1');
      await page.getByRole('link', { name: 'Renderers' }).click();
      await page.waitForURL(`${base}/renderers`);
      await expectText(page.locator('.renderer'), l1.url);
      await expectText(page.locator('.renderer'), 'Not attached');
      await shot(page, 'renderers');
      const before = l1.authTokens.length;
      await page.getByRole('button', { name: `Attach ${l1.url}` }).click();
      await page.waitForURL(new RegExp(`^${l1.url}/auth\\?auth_token=`));
      await expectText(page.locator('h1'), 'Fake L1: attached');
      expect(l1.authTokens.length === before + 1, 'the L1 server saw no /auth visit');
      const token = l1.authTokens.at(-1);
      expect(token && token.split('.').length === 3, `not a token: ${token}`);
      // L1 would check the token with /auth/verify; it names the user.
      const verify = await fetch(`${base}/auth/verify`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ l1_server: l1.url }),
      });
      expect(verify.status === 200, `verify answered ${verify.status}`);
      expect((await verify.json()).username === 'rita', 'the token is not rita\'s');

      await page.goto(`${base}/renderers`);
      await expectText(page.locator('.renderer'), 'Attached');
      await shot(page, 'renderers-attached');
      await page.getByRole('button', { name: `Detach ${l1.url}` }).click();
      await page.waitForURL(`${base}/renderers?notice=detached`);
      await expectText(page.locator('.renderer'), 'Not attached');
    },
  ],
  [
    'a completed L1 run is recorded from the form and its provenance drawn',
    async ({ page, base, l1 }) => {
      await registerAndLogIn(page, base, 'rob', 'rob-password-1');
      l1.runs.set('run-42', {
        run_id: 'run-42',
        status: 'completed',
        recipe: sha3('recipe: dissolve'),
        inputs: [sha3('sunrise-loop'), sha3('some other input')],
        output_hash: sha3('output of run 42'),
        output_ipfs_cid: 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi',
        output_type: 'video',
        username: 'rob',
        created_at: '2026-01-01T00:00:00Z',
        completed_at: '2026-01-01T00:05:00Z',
      });
      await page.goto(`${base}/record-run`);
      await page.getByLabel('Run id').fill('no-such-run');
      await page.getByLabel('Asset name for the output').fill('dissolve-42');
      await page.getByRole('button', { name: 'Record and sign' }).click();
      await expectText(page.locator('#run-id-error'), 'no run');
      expect((await page.getByLabel('Asset name for the output').inputValue()) === 'dissolve-42',
        'the name was not kept');
      await shot(page, 'record-run-error');

      await page.getByLabel('Run id').fill('run-42');
      await page.getByRole('button', { name: 'Record and sign' }).click();
      await page.waitForURL(`${base}/asset/dissolve-42?notice=registered`);
      await expectText(page.locator('.claim'), '✓ valid');
      const graph = page.locator('.provenance svg');
      expect((await graph.count()) === 1, 'no provenance graph');
      await expectText(graph, 'sunrise-loop');
      await expectText(graph, 'dissolve-42');
      await expectText(page.locator('.provenance'), 'run-42');
      await page.locator('.provenance a', { hasText: sha3('sunrise-loop') }).click();
      await page.waitForURL(`${base}/asset/sunrise-loop`);
      await page.goBack();
      await shot(page, 'asset-provenance');
    },
  ],
  [
    'unknown pages show the HTML 404 page',
    async ({ page, base }) => {
      const response = await page.goto(`${base}/asset/does-not-exist`);
      expect(response.status() === 404, `status ${response.status()}`);
      await expectText(page.locator('h1'), 'Page not found');
      await shot(page, 'not-found');
      const other = await page.goto(`${base}/no/such/thing`);
      expect(other.status() === 404, `status ${other.status()}`);
      await expectText(page.locator('h1'), 'Page not found');
    },
  ],
];

async function main() {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    console.log('skipped: playwright-core is not installed (npm ci --prefix tests/browser)');
    process.exit(77);
  }
  if (!existsSync(chromiumPath)) {
    console.log(`skipped: no Chromium at ${chromiumPath}`);
    process.exit(77);
  }
  await rm(screenshots, { recursive: true, force: true });
  await mkdir(screenshots, { recursive: true });
  const l1 = await startFakeL1();
  const server = await startServer(l1);
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    for (const [name, run] of scenarios) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      context.setDefaultTimeout(15000);
      const page = await context.newPage();
      const problems = [];
      watch(page, problems);
      try {
        await run({ page, base: server.base, l1, problems });
        if (problems.length) throw new Error(problems.join('\n'));
        results.push({ name, ok: true });
        console.log(`ok - ${name}`);
      } catch (err) {
        results.push({ name, ok: false });
        console.log(`FAIL - ${name}\n  ${String(err && err.stack || err).split('\n').join('\n  ')}`);
        try {
          await shot(page, 'failure');
        } catch {
          // the page may be gone
        }
      } finally {
        await context.close();
      }
    }
  } finally {
    if (browser) await browser.close();
    server.child.kill('SIGTERM');
    const { code, signal } = await server.exited;
    const failed = results.some((r) => !r.ok);
    if (failed || (code !== 0 && signal !== 'SIGTERM')) {
      console.log(`--- server log (exit ${code ?? signal}) ---\n${server.log.join('')}`);
    }
    l1.server.close();
    await rm(server.dataDir, { recursive: true, force: true });
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err && err.stack || err);
  const passed = results.filter((r) => r.ok).length;
  console.log(`${passed} passed, ${results.length - passed + 1} failed`);
  process.exit(1);
});
