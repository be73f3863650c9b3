import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ContractError, newDecision, newWorkflowTask, ReviewClient, ReviewError } from '../src';

const KEY = 'ptx_test';
const REVIEW = {
  reviewId: 'r-1', status: 'WAITING', taskId: 't-9', workflow: 'refund-request', step: 'route/refund',
  action: { type: 'tool_call', tool: 'refund', arguments: { orderId: 'A-7', amount: 900 } },
  reason: 'refunds above 500 need a human',
};
const calls: [string, string, unknown][] = [];
let server: Server;
let url: string;

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : null;
}

before(async () => {
  // Answers like the executor's /reviews.
  server = createServer(async (req, res) => {
    const sent = await body(req);
    calls.push([req.method ?? '', req.url ?? '', sent]);
    const answer = (status: number, data: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(data));
    };
    if (req.headers['x-api-key'] !== KEY) return answer(401, { error: 'missing or wrong API key' });
    if (req.url === '/reviews') return answer(200, [REVIEW]);
    if (req.url === '/reviews/r-1') return answer(200, REVIEW);
    const decided = /^\/reviews\/r-1\/(approve|edit|reject)$/.exec(req.url ?? '');
    if (decided) return answer(202, { reviewId: 'r-1', decision: decided[1].toUpperCase(), decidedBy: (sent as { reviewer: string }).reviewer });
    return answer(404, { error: "no review 'nope'" });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('reviews are listed, shown and decided with the API key', async () => {
  calls.length = 0;
  const reviews = new ReviewClient(url, KEY);
  assert.deepEqual((await reviews.list()).map((r) => r.reviewId), ['r-1']);
  assert.equal((await reviews.show('r-1')).step, 'route/refund');
  assert.equal((await reviews.approve('r-1', 'ada')).decision, 'APPROVE');
  const edited = { type: 'tool_call' as const, tool: 'refund', arguments: { orderId: 'A-7', amount: 400 } };
  assert.equal((await reviews.edit('r-1', edited, 'eve')).decidedBy, 'eve');
  await reviews.reject('r-1', 'the order was never paid', 'bob');
  assert.deepEqual(calls, [
    ['GET', '/reviews', null], ['GET', '/reviews/r-1', null], ['POST', '/reviews/r-1/approve', { reviewer: 'ada' }],
    ['POST', '/reviews/r-1/edit', { reviewer: 'eve', action: edited }],
    ['POST', '/reviews/r-1/reject', { reviewer: 'bob', reason: 'the order was never paid' }],
  ]);
});

test("the executor's refusals are rejected with their status", async () => {
  await assert.rejects(new ReviewClient(url, KEY).approve('nope', 'ada'),
    (e: Error) => e instanceof ReviewError && e.status === 404 && e.message.includes("no review 'nope'"));
  await assert.rejects(new ReviewClient(url, 'wrong').list(), (e: Error) => e instanceof ReviewError && e.status === 401);
});

test('a workflow task and a decision have the fields their schemas allow', () => {
  const schemas = process.env.PATINOX_SCHEMAS ?? join(__dirname, '..', '..', '..', '..', 'contracts', 'schemas');
  const task = newWorkflowTask('refund-request', '{"amount": 900}');
  assert.equal(task.agent, 'refund-request');
  assert.equal(task.workflow, 'refund-request');
  const decision = newDecision('r-1', 't-9', 'REJECT', 'bob', { reason: 'never paid' });
  const schema = JSON.parse(readFileSync(join(schemas, 'ReviewDecision.schema.json'), 'utf8'));
  assert.deepEqual(Object.keys(decision).filter((k) => !(k in schema.properties)), []);
  assert.deepEqual(schema.required.filter((k: string) => !(k in decision)), []);
  assert.throws(() => newDecision('r-1', 't-9', 'EDIT', 'eve'), ContractError);
  assert.throws(() => newDecision('r-1', 't-9', 'REJECT', 'bob'), ContractError);
});
