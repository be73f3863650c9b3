/**
 * A thin Patinox client on kafkajs: publish a `TaskSubmitted` to `patinox.tasks`, read its
 * `RunResult` from `patinox.results`. The record types are generated from the mesh's JSON Schemas.
 */
import { randomUUID } from 'crypto';
import { Admin, Consumer, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { Action, RECORD_FIELDS, ReviewDecision, ReviewRequest, RunResult, SCHEMA_VERSION, StepEvent, TaskSubmitted } from './records';

export * from './records';
export * from './reviews';

export const TASKS = 'patinox.tasks';
export const STEPS = 'patinox.steps';
export const RESULTS = 'patinox.results';
export const REVIEW_DECISIONS = 'patinox.review.decisions';

/** A message that is not the record it should be; the message names the record and the field. */
export class ContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractError';
  }
}

/** No result arrived for a task in time. */
export class ResultTimeoutError extends Error {
  constructor(readonly taskId: string, timeoutMs: number) {
    super(`no RunResult for task ${taskId} within ${timeoutMs} ms on ${RESULTS}`);
    this.name = 'ResultTimeoutError';
  }
}

type RecordName = keyof typeof RECORD_FIELDS;

/**
 * Reads a record from a message value. Fields this version does not know are tolerated (a newer mesh
 * may add optional ones); a missing required field or another schema version is a {@link ContractError}.
 */
export function decode<T extends RecordName>(record: T, value: Buffer | string): Records[T] {
  let data: unknown;
  try {
    data = JSON.parse(value.toString());
  } catch (e) {
    throw new ContractError(`${record}: not valid JSON: ${(e as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ContractError(`${record}: expected a JSON object`);
  }
  const object = data as Record<string, unknown>;
  for (const field of RECORD_FIELDS[record].required) {
    if (object[field] === undefined || object[field] === null) {
      throw new ContractError(`${record}: missing required field '${field}'`);
    }
  }
  if (object.schemaVersion !== SCHEMA_VERSION) {
    throw new ContractError(`${record}: schemaVersion ${object.schemaVersion} is not supported (this client reads ${SCHEMA_VERSION})`);
  }
  return object as unknown as Records[T];
}

interface Records {
  TaskSubmitted: TaskSubmitted;
  StepEvent: StepEvent;
  RunResult: RunResult;
  ReviewRequest: ReviewRequest;
  ReviewDecision: ReviewDecision;
}

/** Options of {@link PatinoxClient}. */
export interface PatinoxClientOptions {
  /** Kafka bootstrap servers, e.g. `127.0.0.1:9092`. */
  bootstrap: string | string[];
  clientId?: string;
  /** Also read `patinox.steps`, for {@link PatinoxClient.onStep}. */
  followSteps?: boolean;
  /** kafkajs log level (default WARN; warnings and errors go to stderr). */
  logLevel?: logLevel;
  /** How long to wait for the broker when connecting, in ms (default 30 000). */
  connectTimeoutMs?: number;
}

/** Options of {@link PatinoxClient.submit}. */
export interface SubmitOptions {
  /** The task id, the executor's idempotency key (default: a fresh UUID). */
  taskId?: string;
  /** Free-form labels, copied to the result. */
  metadata?: Record<string, string>;
}

/** A task submitted now, as {@link PatinoxClient.submit} publishes it. */
export function newTask(agent: string, input: string, options: SubmitOptions = {}): TaskSubmitted {
  return {
    schemaVersion: SCHEMA_VERSION,
    taskId: options.taskId ?? randomUUID(),
    agent,
    input,
    metadata: { ...(options.metadata ?? {}) },
    occurredAt: new Date().toISOString(),
  };
}

/**
 * A task for `workflow` submitted now: the workflow is named in `workflow` and in `agent` alike (`agent` stays
 * required on the wire). A workflow that declares an input schema reads `input` as JSON.
 */
export function newWorkflowTask(workflow: string, input: string, options: SubmitOptions = {}): TaskSubmitted {
  return { ...newTask(workflow, input, options), workflow };
}

/** A reviewer's decision on the review `reviewId` of task `taskId`, made now. */
export function newDecision(reviewId: string, taskId: string, decision: ReviewDecision['decision'], decidedBy: string,
                            options: { action?: Action; reason?: string } = {}): ReviewDecision {
  if (decision === 'EDIT' && !options.action) throw new ContractError("ReviewDecision: an edit names the action to run ('action')");
  if (decision === 'REJECT' && !options.reason) throw new ContractError("ReviewDecision: a rejection says why ('reason')");
  return {
    schemaVersion: SCHEMA_VERSION, decisionId: randomUUID(), reviewId, taskId, decision,
    ...(options.action ? { action: options.action } : {}), ...(options.reason ? { reason: options.reason } : {}),
    decidedBy, occurredAt: new Date().toISOString(),
  };
}

/**
 * Submits tasks and waits for their results. Before the first submit the client joins
 * `patinox.results` with a group of its own and seeks every partition to the end offsets read
 * beforehand, so a result published after that moment is never missed, however fast it comes.
 * Results of tasks it neither submitted nor waits for are ignored. Call {@link close} when done.
 */
export class PatinoxClient {
  private readonly kafka: Kafka;
  private readonly groupId = `patinox-ts-${randomUUID()}`;
  private readonly connectTimeoutMs: number;
  private admin?: Admin;
  private producer?: Producer;
  private consumer?: Consumer;
  private listening?: Promise<void>;
  private readonly results = new Map<string, RunResult>();
  private readonly waiters = new Map<string, (result: RunResult) => void>();
  private readonly expected = new Set<string>();
  private readonly stepHandlers = new Map<string, (step: StepEvent) => void>();
  private readonly stepBuffer = new Map<string, StepEvent[]>();
  /** Messages that were not valid records (topic, partition, offset and reason), for diagnosis. */
  readonly skipped: string[] = [];

  constructor(private readonly options: PatinoxClientOptions) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'patinox-typescript',
      brokers: Array.isArray(options.bootstrap) ? options.bootstrap : options.bootstrap.split(','),
      logLevel: options.logLevel ?? logLevel.WARN,
      connectionTimeout: Math.min(this.connectTimeoutMs, 10_000),
    });
  }

  /** Joins the result (and step) topics at their current end; {@link submit} calls it first. */
  listen(): Promise<void> {
    this.listening ??= this.startListening().catch((e) => {
      this.listening = undefined;
      throw e;
    });
    return this.listening;
  }

  private async startListening(): Promise<void> {
    try {
      await this.joinAtTheEnd();
    } catch (e) {
      // Leave nothing running behind a failed start; the next listen() starts afresh.
      await this.consumer?.disconnect().catch(() => undefined);
      await this.admin?.disconnect().catch(() => undefined);
      this.consumer = this.admin = undefined;
      throw e;
    }
  }

  private async joinAtTheEnd(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    const topics = this.options.followSteps ? [RESULTS, STEPS] : [RESULTS];
    const ends = new Map<string, { partition: number; high: string }[]>();
    for (const topic of topics) {
      // End offsets read now: anything published later has an offset at or beyond them.
      ends.set(topic, await this.admin.fetchTopicOffsets(topic));
    }
    const consumer = this.kafka.consumer({ groupId: this.groupId, allowAutoTopicCreation: false });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: false });
    let positioned = false;
    const joined = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(
        `could not join ${topics.join(', ')} on ${this.options.bootstrap} within ${this.connectTimeoutMs} ms`)),
        this.connectTimeoutMs);
      consumer.on(consumer.events.GROUP_JOIN, () => {
        if (!positioned) {
          positioned = true;
          for (const [topic, offsets] of ends) {
            offsets.forEach(({ partition, high }) => consumer.seek({ topic, partition, offset: high }));
          }
        }
        clearTimeout(timer);
        resolve();
      });
    });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        if (message.value === null) return;
        try {
          if (topic === RESULTS) this.onResult(decode('RunResult', message.value));
          else this.onStepEvent(decode('StepEvent', message.value));
        } catch (e) {
          this.skipped.push(`${topic}@${partition}:${message.offset} ${(e as Error).message}`);
          this.skipped.splice(0, Math.max(0, this.skipped.length - 100));
        }
      },
    });
    await joined;
  }

  private onResult(result: RunResult): void {
    if (!this.expected.has(result.taskId)) return;
    const waiter = this.waiters.get(result.taskId);
    if (waiter) waiter(result);
    else this.results.set(result.taskId, result);
  }

  private onStepEvent(step: StepEvent): void {
    if (!this.expected.has(step.taskId)) return;
    const handler = this.stepHandlers.get(step.taskId);
    if (handler) handler(step);
    else this.stepBuffer.set(step.taskId, [...(this.stepBuffer.get(step.taskId) ?? []), step]);
  }

  private forget(taskId: string): void {
    this.expected.delete(taskId);
    this.stepHandlers.delete(taskId);
    this.stepBuffer.delete(taskId);
  }

  /** Publishes a task and resolves to its id once the broker has acknowledged it. */
  async submit(agent: string, input: string, options: SubmitOptions = {}): Promise<string> {
    return this.submitTask(newTask(agent, input, options));
  }

  /** Publishes a task for `workflow` (see {@link newWorkflowTask}) and resolves to its id. */
  async submitWorkflow(workflow: string, input: string, options: SubmitOptions = {}): Promise<string> {
    return this.submitTask(newWorkflowTask(workflow, input, options));
  }

  /** Publishes a reviewer's decision to `patinox.review.decisions`; the executor applies the first one per review. */
  async decide(decision: ReviewDecision): Promise<void> {
    await this.publish(REVIEW_DECISIONS, decision.reviewId, decision);
  }

  private async submitTask(task: TaskSubmitted): Promise<string> {
    await this.listen();
    this.expected.add(task.taskId);
    await this.publish(TASKS, task.taskId, task);
    return task.taskId;
  }

  private async publish(topic: string, key: string, record: object): Promise<void> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      this.producer = producer;
    }
    await this.producer.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify(record) }] });
  }

  /** The task's result; rejects with a {@link ResultTimeoutError} naming the task if none comes in time. */
  async waitForResult(taskId: string, timeoutMs = 60_000): Promise<RunResult> {
    this.expected.add(taskId);
    await this.listen();
    const ready = this.results.get(taskId);
    if (ready) {
      this.results.delete(taskId);
      this.forget(taskId);
      return ready;
    }
    return new Promise<RunResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(taskId);
        reject(new ResultTimeoutError(taskId, timeoutMs));
      }, timeoutMs);
      this.waiters.set(taskId, (result) => {
        clearTimeout(timer);
        this.waiters.delete(taskId);
        this.forget(taskId);
        resolve(result);
      });
    });
  }

  /**
   * Calls `handler` with each `StepEvent` of a submitted task (needs `followSteps`): first those that
   * already arrived, then each as it arrives, until its result has been taken with {@link waitForResult}.
   * Steps and results travel on different topics: the result may come before the last steps.
   */
  onStep(taskId: string, handler: (step: StepEvent) => void): void {
    if (!this.options.followSteps) throw new Error('onStep needs new PatinoxClient({ ..., followSteps: true })');
    this.expected.add(taskId);
    this.stepHandlers.set(taskId, handler);
    (this.stepBuffer.get(taskId) ?? []).forEach(handler);
    this.stepBuffer.delete(taskId);
  }

  /** Leaves the group (and deletes it), disconnects everything. */
  async close(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    if (this.admin) {
      if (this.consumer) await this.admin.deleteGroups([this.groupId]).catch(() => undefined);
      await this.admin.disconnect();
    }
    this.consumer = this.producer = this.admin = undefined;
    this.listening = undefined;
  }
}
