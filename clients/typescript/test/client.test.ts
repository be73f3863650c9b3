// The client against a real broker, with a fake executor that answers every task at once.
// Needs a broker with the Patinox topics: set PATINOX_TEST_BOOTSTRAP (the mesh-it module's
// ClientsUnitTest does, with its test broker). Without it these tests are skipped, saying why.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Consumer, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { newDecision, PatinoxClient, ResultTimeoutError, RESULTS, REVIEW_DECISIONS, ReviewDecision, StepEvent, STEPS, TaskSubmitted, TASKS } from '../src';

const bootstrap = process.env.PATINOX_TEST_BOOTSTRAP;
const skip = bootstrap ? false : 'set PATINOX_TEST_BOOTSTRAP to a broker with the Patinox topics';

describe('PatinoxClient against a broker', { skip }, () => {
  const kafka = new Kafka({ clientId: 'fake-executor', brokers: [bootstrap ?? ''], logLevel: logLevel.WARN });
  let consumer: Consumer;
  let producer: Producer;
  const tasks: [string, TaskSubmitted][] = [];

  before(async () => {
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    consumer = kafka.consumer({ groupId: `fake-executor-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: TASKS, fromBeginning: false });
    const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
    await consumer.run({
      eachMessage: async ({ message }) => {
        const task: TaskSubmitted = JSON.parse(message.value!.toString());
        tasks.push([message.key!.toString(), task]);
        if (task.agent === 'silent') return;
        const now = new Date().toISOString();
        const runId = `run-${task.taskId}`;
        const model = { provider: 'scripted', name: 'fake', scripted: true };
        const steps: StepEvent[] = [0, 1].map((stepIndex) => ({
          schemaVersion: 1, taskId: task.taskId, runId, stepIndex, agent: task.agent, configVersion: 'test', model,
          action: stepIndex === 0 ? { type: 'tool_call', tool: 'calculator', arguments: { expression: '17 * 23' } }
            : { type: 'final_answer', answer: '17 * 23 = 391' },
          verdict: { kind: 'allow' }, verdictSource: 'VALIDATOR', findings: [], outcome: 'EXECUTED', output: '391',
          error: null, modelLatencyMicros: 1, validationLatencyMicros: 1, executionLatencyMicros: 1, occurredAt: now,
        }));
        await producer.send({ topic: STEPS, messages: steps.map((s) => ({ key: runId, value: JSON.stringify(s) })) });
        await producer.send({
          topic: RESULTS, messages: [{
            key: task.taskId, value: JSON.stringify({
              schemaVersion: 1, taskId: task.taskId, runId, agent: task.agent, configVersion: 'test',
              status: 'COMPLETED', answer: '17 * 23 = 391', reason: null, steps: 2, model,
              metadata: task.metadata ?? {}, startedAt: now, occurredAt: now,
            }),
          }],
        });
      },
    });
    await joined;
  });

  after(async () => {
    await consumer.disconnect();
    await producer.disconnect();
  });

  test('a submitted task is published as the schema says and its fast result is not missed', async () => {
    const client = new PatinoxClient({ bootstrap: bootstrap! });
    try {
      for (let i = 0; i < 3; i++) {
        const taskId = await client.submit('support', 'What is 17 * 23?', { metadata: { user: 'ada' } });
        const result = await client.waitForResult(taskId, 15_000);
        assert.equal(result.taskId, taskId);
        assert.equal(result.status, 'COMPLETED');
        assert.match(result.answer, /391/);
        assert.deepEqual(result.metadata, { user: 'ada' });
        const [key, task] = tasks[tasks.length - 1];
        assert.equal(key, taskId);
        assert.equal(task.input, 'What is 17 * 23?');
      }
    } finally {
      await client.close();
    }
  });

  test('steps are handed over, including those that came before onStep', async () => {
    const client = new PatinoxClient({ bootstrap: bootstrap!, followSteps: true });
    try {
      const taskId = await client.submit('support', 'What is 17 * 23?');
      const steps: StepEvent[] = [];
      await new Promise((resolve) => setTimeout(resolve, 500));
      client.onStep(taskId, (s) => steps.push(s));
      const result = await client.waitForResult(taskId, 15_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(steps.map((s) => s.stepIndex).sort(), [0, 1]);
      assert.equal(result.steps, 2);
    } finally {
      await client.close();
    }
  });

  test('a workflow task and a review decision are published as the executor reads them', async () => {
    const decisions: [string, ReviewDecision][] = [];
    const reader = kafka.consumer({ groupId: `decisions-${Date.now()}` });
    await reader.connect();
    await reader.subscribe({ topic: REVIEW_DECISIONS, fromBeginning: false });
    const joined = new Promise((resolve) => reader.on(reader.events.GROUP_JOIN, resolve));
    await reader.run({ eachMessage: async ({ message }) => { decisions.push([message.key!.toString(), JSON.parse(message.value!.toString())]); } });
    await joined;
    const client = new PatinoxClient({ bootstrap: bootstrap! });
    try {
      const taskId = await client.submitWorkflow('refund-request', '{"orderId": "A-1", "amount": 900, "reason": "broken"}');
      assert.equal((await client.waitForResult(taskId, 15_000)).status, 'COMPLETED');
      const [, task] = tasks.find(([key]) => key === taskId)!;
      assert.deepEqual([task.agent, task.workflow], ['refund-request', 'refund-request']);
      await client.decide(newDecision('r-1', taskId, 'REJECT', 'bob', { reason: 'never paid' }));
      for (let i = 0; i < 150 && !decisions.some(([key]) => key === 'r-1'); i++) await new Promise((r) => setTimeout(r, 100));
      const [, decision] = decisions.find(([key]) => key === 'r-1')!;
      assert.deepEqual([decision.decision, decision.reason, decision.decidedBy, decision.taskId], ['REJECT', 'never paid', 'bob', taskId]);
    } finally {
      await client.close();
      await reader.disconnect();
    }
  });

  test('a missing result times out naming the task', async () => {
    const client = new PatinoxClient({ bootstrap: bootstrap! });
    try {
      const taskId = await client.submit('silent', 'nobody answers this');
      await assert.rejects(client.waitForResult(taskId, 1500),
        (e: Error) => e instanceof ResultTimeoutError && e.taskId === taskId && e.message.includes(taskId));
    } finally {
      await client.close();
    }
  });
});
