// The OpenAPI document (src/api/openapi.json) against the OpenAPI 3.1 schema and against the
// real server:
//
//   node tests/api/run.mjs path/to/artdag-l2        (or ARTDAG_L2_BINARY=...)
//
// 1. validates the document with @apidevtools/swagger-parser (the OpenAPI 3.1 meta-schema,
//    and every $ref resolved);
// 2. starts the binary on a free port with a temp data dir and makes real requests covering
//    every documented operation (successes and refusals: 400, 401, 403, 404, 409, 415, 422,
//    502, ...); each answer's status must be documented for its path and method, its
//    Content-Type must be one the document names for that status, and a JSON body must
//    validate (ajv, JSON Schema 2020-12) against the schema given there;
// 3. fails when an operation of the document was not exercised at all.
// Ends with "N checked, M failed" (exit 1 on any failure). Exits 77 (what ctest counts as
// skipped) when the npm packages are not installed (npm ci --prefix tests/api).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const documentPath = resolve(here, '..', '..', 'src', 'api', 'openapi.json');
const binary = process.argv[2] || process.env.ARTDAG_L2_BINARY;
if (!binary) {
  console.error('usage: node run.mjs <path to artdag-l2>  (or set ARTDAG_L2_BINARY)');
  process.exit(2);
}

let SwaggerParser, Ajv2020, addFormats;
try {
  SwaggerParser = (await import('@apidevtools/swagger-parser')).default;
  Ajv2020 = (await import('ajv/dist/2020.js')).default;
  addFormats = (await import('ajv-formats')).default;
} catch {
  console.log('skipped: the npm packages are not installed (npm ci --prefix tests/api)');
  process.exit(77);
}

const METRICS_TOKEN = 'api-test-metrics-token-0123456789';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const sha3 = (text) => createHash('sha3-256').update(text).digest('hex');
const failures = [];
let checked = 0;
const exercised = new Set();  // "get /users/{username}"

function fail(message) {
  failures.push(message);
  console.log(`FAIL - ${message}`);
}

// ---- the document ----

const doc = JSON.parse(await readFile(documentPath, 'utf8'));
try {
  // validate() dereferences in place: give it a copy, keep `doc` with its $refs.
  await SwaggerParser.validate(structuredClone(doc));
  console.log('ok - the document is valid OpenAPI 3.1 (swagger-parser)');
} catch (err) {
  fail(`swagger-parser: ${err.message}`);
}

// The whole document is one schema resource: a response schema is compiled by its JSON
// pointer, so "#/components/schemas/..." refs inside it resolve against the document.
// strictSchema off: OpenAPI members (paths, responses, ...) are not JSON Schema keywords.
const ajv = new Ajv2020({ allErrors: true, strictSchema: false, strictTypes: false });
addFormats(ajv);
ajv.addSchema(doc, 'openapi');
// A JSON pointer as a URI fragment: each token escaped (RFC 6901), then percent-encoded
// (media types hold spaces, quotes and '#').
const pointer = (...parts) =>
  parts.map((p) => encodeURIComponent(String(p).replaceAll('~', '~0').replaceAll('/', '~1'))).join('/');

// A response of the document, following a $ref to components/responses; with where it is.
function documentedResponse(path, method, status) {
  const responses = doc.paths[path]?.[method]?.responses;
  if (!responses) return null;
  let at = ['paths', path, method, 'responses', String(status)];
  let response = responses[String(status)];
  if (response && response.$ref) {
    at = response.$ref.slice(2).split('/');
    response = at.reduce((node, key) => node?.[key], doc);
  }
  return response ? { response, at } : null;
}

const essence = (mediaType) => mediaType.split(';')[0].trim().toLowerCase();
const normalised = (mediaType) => mediaType.toLowerCase().replace(/\s*;\s*/g, '; ').trim();

// Checks one real answer against the document; returns the parsed body (JSON or text).
function check(label, method, path, res, text) {
  checked += 1;
  exercised.add(`${method} ${path}`);
  const found = documentedResponse(path, method, res.status);
  if (!found) {
    fail(`${label}: ${method.toUpperCase()} ${path} answered ${res.status}, which the document does not list (body: ${text.slice(0, 200)})`);
    return null;
  }
  const contentType = res.headers.get('content-type') || '';
  const content = found.response.content || {};
  const mediaType = Object.keys(content).find((key) => normalised(key) === normalised(contentType)) ||
    Object.keys(content).find((key) => essence(key) === essence(contentType));
  if (!mediaType) {
    fail(`${label}: ${res.status} with Content-Type '${contentType}', the document lists ${Object.keys(content).join(', ')}`);
    return null;
  }
  const isJson = /[/+]json$/.test(essence(mediaType));
  let body = text;
  if (isJson) {
    try {
      body = JSON.parse(text);
    } catch {
      fail(`${label}: ${res.status} ${mediaType} is not JSON: ${text.slice(0, 200)}`);
      return null;
    }
  }
  const schemaRef = `openapi#/${pointer(...found.at, 'content', mediaType, 'schema')}`;
  const validate = ajv.getSchema(schemaRef);
  if (!validate) {
    fail(`${label}: no schema at ${schemaRef}`);
    return null;
  }
  if (!validate(body)) {
    fail(`${label}: ${method.toUpperCase()} ${path} ${res.status} does not match its schema: ` +
      `${ajv.errorsText(validate.errors, { separator: '; ' })}\n  body: ${text.slice(0, 400)}`);
    return null;
  }
  console.log(`ok - ${label}: ${method.toUpperCase()} ${path} ${res.status} ${mediaType}`);
  return body;
}

// The validator is not vacuous: answers that break a schema are refused.
function selfTest() {
  const error = ajv.getSchema('openapi#/components/schemas/Error');
  const token = ajv.getSchema('openapi#/components/schemas/Token');
  const asset = ajv.getSchema('openapi#/components/schemas/Registered');
  const cases = [
    [error({ detail: 'x' }), true, 'Error accepts {detail}'],
    [error({ detail: 5 }), false, 'Error refuses a numeric detail'],
    [error({ detail: 'x', stack: 'y' }), false, 'Error refuses extra members'],
    [token({ token_type: 'bearer', expires_at: 1, username: 'a' }), false, 'Token needs access_token'],
    [asset({ asset: {}, activity: {}, proof_url: 'x' }), false, 'Registered checks its asset'],
  ];
  for (const [got, want, what] of cases) {
    checked += 1;
    if (got !== want) fail(`self-test: ${what}`);
  }
}

// ---- the server ----

function freePort() {
  return new Promise((ok, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

async function startServer() {
  const port = await freePort();
  // Listed in L1_SERVERS but nothing listens there: record-run gets its 502.
  const l1 = `http://127.0.0.1:${await freePort()}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'artdag-api-'));
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
    JWT_SECRET: 'api-test-secret-0123456789abcdef',
    L1_SERVERS: l1,
    ARTDAG_AUTH_ATTEMPTS_PER_IP: '100000',
    ARTDAG_LOGIN_FAILURES_PER_ACCOUNT: '100000',
    ARTDAG_RESPONSE_CACHE_MS: '0',
    // Metrics from no local address, only with the token: all three answers can be asked for.
    ARTDAG_METRICS_ALLOW: '192.0.2.0/24',
    ARTDAG_METRICS_TOKEN: METRICS_TOKEN,
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
      if (r.ok) return { base, l1, child, dataDir, log, exited, env };
    } catch {
      // not listening yet
    }
    await new Promise((ok) => setTimeout(ok, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`artdag-l2 did not start:\n${log.join('')}`);
}

// ---- the requests ----

async function scenario(server) {
  const { base, l1 } = server;
  // One request, checked against `path` (the document's template) and `method`.
  const call = async (label, method, path, target, { token, json, form, body, contentType, accept, expect } = {}) => {
    const headers = { Accept: accept || 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    let payload = body;
    if (json !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = typeof json === 'string' ? json : JSON.stringify(json);
    } else if (form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(form).toString();
    } else if (contentType) {
      headers['Content-Type'] = contentType;
    }
    const res = await fetch(base + target, { method: method.toUpperCase(), headers, body: payload, redirect: 'manual' });
    const text = await res.text();
    const parsed = check(label, method, path, res, text);
    if (expect !== undefined && res.status !== expect)
      fail(`${label}: expected ${expect}, got ${res.status}: ${text.slice(0, 300)}`);
    // The body even when it failed its check, so one failure does not cascade into the rest.
    let answer = parsed;
    if (answer === null) {
      try {
        answer = JSON.parse(text);
      } catch {
        answer = null;
      }
    }
    return { status: res.status, body: answer, text, headers: res.headers };
  };

  await call('health', 'get', '/health', '/health', { expect: 200 });
  await call('metrics', 'get', '/metrics', '/metrics', { token: METRICS_TOKEN, accept: '*/*', expect: 200 });
  await call('metrics, wrong token', 'get', '/metrics', '/metrics', { token: 'wrong-token-0123456789', accept: '*/*', expect: 401 });
  await call('metrics, not an allowed address', 'get', '/metrics', '/metrics', { accept: '*/*', expect: 403 });
  const openapi = await call('the document', 'get', '/openapi.json', '/openapi.json', { expect: 200 });
  if (openapi.body?.servers?.[0]?.url !== base) fail(`/openapi.json servers[0].url is ${openapi.body?.servers?.[0]?.url}, not ${base}`);
  // The binary serves the file checked here (not a stale build of it).
  if (openapi.body && JSON.stringify({ ...openapi.body, servers: doc.servers }) !== JSON.stringify(doc))
    fail('/openapi.json is not src/api/openapi.json (rebuild the binary?)');

  // Accounts.
  const alice = await call('register', 'post', '/auth/register', '/auth/register',
    { json: { username: 'Alice', password: 'correct horse battery' }, expect: 201 });
  await call('register taken', 'post', '/auth/register', '/auth/register',
    { json: { username: 'alice', password: 'correct horse battery' }, expect: 409 });
  await call('register bad name', 'post', '/auth/register', '/auth/register',
    { json: { username: 'no spaces', password: 'correct horse battery' }, expect: 422 });
  await call('register as text', 'post', '/auth/register', '/auth/register',
    { body: 'username=x', contentType: 'text/plain', expect: 415 });
  await call('register malformed', 'post', '/auth/register', '/auth/register', { json: '{"username":', expect: 400 });
  const bob = await call('register bob (form)', 'post', '/auth/register', '/auth/register',
    { form: { username: 'bob', password: 'another good password' }, expect: 201 });
  const login = await call('login', 'post', '/auth/login', '/auth/login',
    { form: { username: 'alice', password: 'correct horse battery' }, expect: 200 });
  await call('login wrong', 'post', '/auth/login', '/auth/login',
    { json: { username: 'alice', password: 'wrong password' }, expect: 401 });
  const token = login.body?.access_token || alice.body?.access_token;
  const bobToken = bob.body?.access_token;
  await call('me', 'get', '/auth/me', '/auth/me', { token, expect: 200 });
  await call('me without token', 'get', '/auth/me', '/auth/me', { expect: 401 });
  await call('me with a bad token', 'get', '/auth/me', '/auth/me', { token: 'not.a.jwt', expect: 401 });
  await call('users', 'get', '/users', '/users', { expect: 200 });
  await call('users bad page', 'get', '/users', '/users?page=x', { expect: 400 });

  // Assets.
  const hash = sha3('api test asset');
  const registered = await call('register asset', 'post', '/assets', '/assets', {
    token,
    json: { name: 'api-test', content_hash: hash, asset_type: 'image', tags: ['test'], description: 'x', metadata: { a: 1 } },
    expect: 201,
  });
  await call('register asset, hash owned', 'post', '/assets', '/assets',
    { token: bobToken, json: { name: 'other', content_hash: hash, asset_type: 'image' }, expect: 409 });
  await call('register asset, unknown field', 'post', '/assets', '/assets',
    { token, json: { name: 'x1', content_hash: sha3('x1'), asset_type: 'image', colour: 'red' }, expect: 422 });
  await call('register asset, no token', 'post', '/assets', '/assets',
    { json: { name: 'x2', content_hash: sha3('x2'), asset_type: 'image' }, expect: 401 });
  await call('register asset, form', 'post', '/assets', '/assets', { token, form: { name: 'x3' }, expect: 415 });
  await call('register asset, malformed', 'post', '/assets', '/assets', { token, json: '{', expect: 400 });
  await call('register second asset', 'post', '/assets', '/assets',
    { token: bobToken, json: { name: 'bobs', content_hash: sha3('bobs'), asset_type: 'document' }, expect: 201 });
  await call('assets', 'get', '/assets', '/assets?limit=1', { expect: 200 });
  await call('assets bad limit', 'get', '/assets', '/assets?limit=0', { expect: 422 });
  await call('assets bad cursor', 'get', '/assets', '/assets?cursor=x', { expect: 400 });
  await call('asset', 'get', '/assets/{name}', '/assets/api-test', { expect: 200 });
  await call('asset missing', 'get', '/assets/{name}', '/assets/nothing-here', { expect: 404 });
  await call('share', 'post', '/assets/{name}/share', '/assets/api-test/share', { token, expect: 202 });
  await call('share missing', 'post', '/assets/{name}/share', '/assets/nothing-here/share', { token, expect: 404 });

  // ActivityPub and discovery.
  const domain = new URL(base).host;
  const AP = 'application/activity+json';
  await call('webfinger', 'get', '/.well-known/webfinger', `/.well-known/webfinger?resource=acct:alice@${domain}`, { expect: 200 });
  await call('webfinger no resource', 'get', '/.well-known/webfinger', '/.well-known/webfinger', { expect: 400 });
  await call('webfinger unknown', 'get', '/.well-known/webfinger', `/.well-known/webfinger?resource=acct:nobody@${domain}`, { expect: 404 });
  await call('nodeinfo discovery', 'get', '/.well-known/nodeinfo', '/.well-known/nodeinfo', { expect: 200 });
  await call('nodeinfo', 'get', '/nodeinfo/2.1', '/nodeinfo/2.1', { expect: 200 });
  await call('host-meta', 'get', '/.well-known/host-meta', '/.well-known/host-meta', { accept: '*/*', expect: 200 });
  await call('actor', 'get', '/users/{username}', '/users/alice', { accept: AP, expect: 200 });
  await call('actor missing', 'get', '/users/{username}', '/users/nobody', { accept: AP, expect: 404 });
  for (const coll of ['outbox', 'followers', 'following']) {
    await call(coll, 'get', `/users/{username}/${coll}`, `/users/alice/${coll}`, { accept: AP, expect: 200 });
    await call(`${coll} page`, 'get', `/users/{username}/${coll}`, `/users/alice/${coll}?page=true`, { accept: AP, expect: 200 });
  }
  await call('outbox bad query', 'get', '/users/{username}/outbox', '/users/alice/outbox?page=true&max_id=x', { accept: AP, expect: 400 });
  await call('activities', 'get', '/activities', '/activities', { expect: 200 });
  await call('activity', 'get', '/activities/{index}', '/activities/0', { accept: AP, expect: 200 });
  await call('activity missing', 'get', '/activities/{index}', '/activities/999999', { accept: AP, expect: 404 });
  await call('object', 'get', '/objects/{hash}', `/objects/${hash}`, { accept: AP, expect: 200 });
  await call('object missing', 'get', '/objects/{hash}', `/objects/${'0'.repeat(64)}`, { accept: AP, expect: 404 });

  // The federated registry: the local claim of the hash; an unknown hash has none.
  const claims = (await call('claims', 'get', '/claims/{content_hash}', `/claims/${hash}`, { expect: 200 })).body;
  if (!claims || claims.claims.length !== 1 || !claims.claims[0].local || claims.claims[0].actor !== `${base}/users/alice`)
    fail(`claims: expected alice's local claim, got ${JSON.stringify(claims)}`);
  const none = (await call('claims unknown', 'get', '/claims/{content_hash}', `/claims/${'0'.repeat(64)}`, { expect: 200 })).body;
  if (!none || none.claims.length !== 0) fail(`claims unknown: expected none, got ${JSON.stringify(none)}`);
  await call('claims bad hash', 'get', '/claims/{content_hash}', '/claims/NOT-A-HASH', { expect: 400 });

  // Federation (no second server: the refusals, and what needs no remote).
  const note = { '@context': 'https://www.w3.org/ns/activitystreams', type: 'Follow', actor: 'https://remote.example/users/x', object: `${base}/users/alice` };
  await call('shared inbox unsigned', 'post', '/inbox', '/inbox', { json: note, expect: 401 });
  await call('inbox unsigned', 'post', '/users/{username}/inbox', '/users/alice/inbox', { json: note, expect: 401 });
  await call('inbox of nobody', 'post', '/users/{username}/inbox', '/users/nobody/inbox', { json: note, expect: 404 });
  await call('follow, someone else', 'post', '/users/{username}/following', '/users/alice/following',
    { token: bobToken, json: { target: 'acct:x@remote.example' }, expect: 403 });
  await call('follow, no token', 'post', '/users/{username}/following', '/users/alice/following',
    { json: { target: 'acct:x@remote.example' }, expect: 401 });
  await call('follow, bad target', 'post', '/users/{username}/following', '/users/alice/following',
    { token, json: { target: 'not a target' }, expect: 422 });
  await call('unfollow, not following', 'delete', '/users/{username}/following',
    `/users/alice/following?target=${encodeURIComponent('https://remote.example/users/x')}`, { token, expect: 404 });
  await call('unfollow, no target', 'delete', '/users/{username}/following', '/users/alice/following', { token, expect: 422 });
  await call('follows', 'get', '/users/{username}/follows', '/users/alice/follows', { token, expect: 200 });
  await call('follows, someone else', 'get', '/users/{username}/follows', '/users/alice/follows', { token: bobToken, expect: 403 });
  await call('remote claims', 'get', '/remote-claims', '/remote-claims', { expect: 200 });
  await call('remote claims bad limit', 'get', '/remote-claims', '/remote-claims?limit=1000', { expect: 422 });

  // L1 (the configured L1 does not listen).
  await call('record-run, L1 down', 'post', '/assets/record-run', '/assets/record-run',
    { token, json: { run_id: 'run-1', l1_server: l1, output_name: 'out' }, expect: 502 });
  await call('record-run, unlisted L1', 'post', '/assets/record-run', '/assets/record-run',
    { token, json: { run_id: 'run-1', l1_server: 'https://elsewhere.example', output_name: 'out' }, expect: 403 });
  await call('record-run, missing field', 'post', '/assets/record-run', '/assets/record-run',
    { token, json: { run_id: 'run-1' }, expect: 422 });
  await call('verify, unlisted L1', 'post', '/auth/verify', '/auth/verify',
    { token, json: { l1_server: 'https://elsewhere.example' }, expect: 403 });
  await call('verify, session token', 'post', '/auth/verify', '/auth/verify', { token, json: { l1_server: l1 }, expect: 401 });
  await call('renderers, anonymous', 'get', '/renderers', '/renderers', { expect: 200 });
  await call('renderers', 'get', '/renderers', '/renderers', { token, expect: 200 });
  await call('renderers, bad token', 'get', '/renderers', '/renderers', { token: 'x.y.z', expect: 401 });
  await call('attach', 'post', '/renderers/attach', '/renderers/attach', { token, form: { l1_server: l1 }, expect: 302 });
  await call('attach, unlisted', 'post', '/renderers/attach', '/renderers/attach',
    { token, json: { l1_server: 'https://elsewhere.example' }, expect: 403 });
  await call('detach', 'post', '/renderers/detach', '/renderers/detach', { token, json: { l1_server: l1 }, expect: 200 });
  await call('detach, no token', 'post', '/renderers/detach', '/renderers/detach', { json: { l1_server: l1 }, expect: 401 });

  // The claim log: wait until the registrations are in a checkpoint (within a second).
  let size = 0;
  for (let i = 0; i < 100 && size < 3; i += 1) {
    const r = await fetch(`${base}/log/checkpoint`);
    if (r.ok) size = Number((await r.text()).split('\n')[1]);
    if (size < 3) await new Promise((ok) => setTimeout(ok, 100));
  }
  if (size < 3) fail(`the log's checkpoint did not reach size 3 (it is ${size})`);
  await call('checkpoint', 'get', '/log/checkpoint', '/log/checkpoint', { accept: '*/*', expect: 200 });
  await call('log key', 'get', '/log/key', '/log/key', { accept: '*/*', expect: 200 });
  await call('witness key', 'get', '/log/witness/key', '/log/witness/key', { accept: '*/*', expect: 200 });
  await call('tile', 'get', '/log/tile/{path}', `/log/tile/0/000.p/${size}`, { accept: '*/*', expect: 200 });
  await call('entry bundle', 'get', '/log/tile/{path}', `/log/tile/entries/000.p/${size}`, { accept: '*/*', expect: 200 });
  await call('not a tile path', 'get', '/log/tile/{path}', '/log/tile/0/0001', { accept: '*/*', expect: 400 });
  await call('tile beyond the log', 'get', '/log/tile/{path}', '/log/tile/0/001', { accept: '*/*', expect: 404 });
  await call('proof', 'get', '/log/proof/{index}', '/log/proof/0', { accept: '*/*', expect: 200 });
  await call('proof, not an index', 'get', '/log/proof/{index}', '/log/proof/x', { accept: '*/*', expect: 404 });
  const activityId = registered.body?.activity?.id || '';
  await call('proof by id', 'get', '/log/proof', `/log/proof?id=${encodeURIComponent(activityId)}`, { accept: '*/*', expect: 200 });
  await call('proof, no id', 'get', '/log/proof', '/log/proof', { accept: '*/*', expect: 400 });
  await call('evidence, not witnessed', 'get', '/log/evidence/{index}', '/log/evidence/0', { accept: '*/*', expect: 404 });
  await call('evidence by id, not witnessed', 'get', '/log/evidence', `/log/evidence?id=${encodeURIComponent(activityId)}`, { accept: '*/*', expect: 404 });
  await call('evidence, no id', 'get', '/log/evidence', '/log/evidence', { accept: '*/*', expect: 400 });
  await call('add-checkpoint, garbage', 'post', '/log/witness/add-checkpoint', '/log/witness/add-checkpoint',
    { body: 'not a request', contentType: 'text/plain', accept: '*/*', expect: 400 });

  // Admin: alice is made an admin with the CLI, as an operator would.
  const setRole = spawnSync(binary, ['set-role', 'alice', 'admin'], { env: server.env, encoding: 'utf8' });
  if (setRole.status !== 0) fail(`set-role alice admin failed: ${setRole.stdout}${setRole.stderr}`);
  const blocks = '/admin/domain-blocks';
  await call('blocks, no token', 'get', blocks, blocks, { expect: 401 });
  await call('blocks, not an admin', 'get', blocks, blocks, { token: bobToken, expect: 403 });
  await call('block', 'post', blocks, blocks, { token, json: { host: 'spam.example', reason: 'spam' }, expect: 201 });
  await call('block again', 'post', blocks, blocks, { token, json: { host: 'spam.example' }, expect: 200 });
  await call('block, not a host', 'post', blocks, blocks, { token, json: { host: 'not a host' }, expect: 422 });
  await call('block, malformed', 'post', blocks, blocks, { token, json: '{', expect: 400 });
  await call('block, not an admin', 'post', blocks, blocks, { token: bobToken, json: { host: 'a.example' }, expect: 403 });
  await call('blocks', 'get', blocks, blocks, { token, expect: 200 });
  await call('unblock, not an admin', 'delete', `${blocks}/{host}`, `${blocks}/spam.example`, { token: bobToken, expect: 403 });
  await call('unblock', 'delete', `${blocks}/{host}`, `${blocks}/spam.example`, { token, expect: 200 });
  await call('unblock, not blocked', 'delete', `${blocks}/{host}`, `${blocks}/spam.example`, { token, expect: 404 });

  await call('logout', 'post', '/auth/logout', '/auth/logout', { token, expect: 200 });
  await call('me after logout', 'get', '/auth/me', '/auth/me', { token, expect: 401 });
}

async function main() {
  selfTest();
  const server = await startServer();
  try {
    await scenario(server);
  } catch (err) {
    fail(`the scenario stopped: ${err && err.stack || err}`);
  } finally {
    server.child.kill('SIGTERM');
    const { code, signal } = await server.exited;
    if (failures.length || (code !== 0 && signal !== 'SIGTERM'))
      console.log(`--- server log (exit ${code ?? signal}) ---\n${server.log.join('')}`);
    await rm(server.dataDir, { recursive: true, force: true });
  }
  for (const [path, item] of Object.entries(doc.paths))
    for (const method of METHODS)
      if (item[method] && !exercised.has(`${method} ${path}`))
        fail(`${method.toUpperCase()} ${path} is documented but no request here exercised it`);
  console.log(`${checked} checked, ${failures.length} failed`);
  process.exit(failures.length === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err && err.stack || err);
  process.exit(1);
});
