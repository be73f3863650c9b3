import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ContractError, decode, newTask, RECORD_FIELDS } from '../src';

const root = join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { generate } = require(join(root, 'scripts', 'generate-records.js'));
const schemas = process.env.PATINOX_SCHEMAS ?? join(root, '..', '..', 'contracts', 'schemas');

test('src/records.ts is what the JSON Schemas generate (run `npm run generate` after a schema change)', () => {
  const committed = readFileSync(join(root, 'src', 'records.ts'), 'utf8');
  assert.equal(committed, generate(schemas));
});

test('a submitted task has exactly the fields the TaskSubmitted schema allows, and all it requires', () => {
  const schema = JSON.parse(readFileSync(join(schemas, 'TaskSubmitted.schema.json'), 'utf8'));
  const task = newTask('support', 'What is 17 * 23?', { metadata: { user: 'ada' } });
  const keys = Object.keys(task);
  assert.deepEqual(keys.filter((k) => !(k in schema.properties)), []);
  assert.deepEqual(schema.required.filter((k: string) => !keys.includes(k)), []);
  assert.match(task.occurredAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(task.schemaVersion, schema.properties.schemaVersion.const);
});

test('a result as the services write it is read, unknown fields tolerated', () => {
  const result = decode('RunResult', JSON.stringify({
    schemaVersion: 1, taskId: 't-1', runId: 'r-1', agent: 'support', configVersion: 'abc', status: 'COMPLETED',
    answer: '391', reason: null, steps: 2, metadata: {}, startedAt: '2026-01-02T03:04:05.123456789Z',
    occurredAt: '2026-01-02T03:04:06Z', addedLater: true,
  }));
  assert.equal(result.status, 'COMPLETED');
  assert.equal(result.answer, '391');
});

test('a missing required field is named', () => {
  assert.throws(() => decode('RunResult', '{"schemaVersion":1,"taskId":"t"}'),
    (e: Error) => e instanceof ContractError && e.message.includes("'runId'"));
});

test('another schema version is refused', () => {
  const task = { ...newTask('support', 'hi'), schemaVersion: 2 };
  assert.throws(() => decode('TaskSubmitted', JSON.stringify(task)), ContractError);
});

test('the required fields come from the schemas', () => {
  for (const record of Object.keys(RECORD_FIELDS) as (keyof typeof RECORD_FIELDS)[]) {
    const schema = JSON.parse(readFileSync(join(schemas, `${record}.schema.json`), 'utf8'));
    assert.deepEqual([...RECORD_FIELDS[record].required], schema.required, record);
  }
});
