"""A small Patinox client on confluent-kafka: submit tasks, wait for results, follow steps."""

from __future__ import annotations

import json
import time
import uuid
from typing import Dict, Iterator, List, Optional

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

from .records import ContractError, ReviewDecision, RunResult, StepEvent, TaskSubmitted, from_wire, to_wire

TASKS = "patinox.tasks"
STEPS = "patinox.steps"
RESULTS = "patinox.results"
REVIEW_DECISIONS = "patinox.review.decisions"


class PatinoxError(Exception):
    """A task could not be submitted, or its result did not arrive."""


class ResultTimeout(PatinoxError, TimeoutError):
    """No result arrived for a task in time."""

    def __init__(self, task_id: str, timeout: float):
        super().__init__("no RunResult for task %s within %.1f s on %s" % (task_id, timeout, RESULTS))
        self.task_id = task_id


def end_offsets(consumer: Consumer, topic: str, timeout: float = 10.0) -> List[TopicPartition]:
    """Every partition of ``topic`` at its current end offset, read now.

    Anything published after this call has an offset at or beyond them. (Assigning ``OFFSET_END``
    instead would resolve lazily, after a fast result could already have landed.) A topic that was
    just created may briefly have no leader: that is retried until ``timeout``.
    """
    deadline = time.monotonic() + timeout
    while True:
        remaining = max(0.1, deadline - time.monotonic())
        try:
            described = consumer.list_topics(topic, timeout=remaining).topics.get(topic)
            if described is None or described.error is not None or not described.partitions:
                raise PatinoxError("topic %s: %s" % (topic, described.error if described else "no metadata"))
            return [TopicPartition(topic, p, consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=remaining)[1])
                    for p in sorted(described.partitions)]
        except (KafkaException, PatinoxError) as e:
            if time.monotonic() >= deadline:
                raise PatinoxError("cannot read the end offsets of %s (is the mesh's broker up, with its topics?): %s"
                                   % (topic, e)) from e
            time.sleep(0.2)


class PatinoxClient:
    """Publishes ``TaskSubmitted`` records and reads ``RunResult`` (and ``StepEvent``) records.

    The client starts listening to ``patinox.results`` (and, with ``follow_steps``, ``patinox.steps``)
    at the end of every partition *before* its first submit, so it never misses a fast result; results
    published before that moment are not seen. Results of the tasks it submitted are kept until asked
    for, in any order; other clients' results are ignored.
    One instance is meant for one thread; close it (or use ``with``) when done.
    """

    def __init__(self, bootstrap: str, follow_steps: bool = False, client_id: str = "patinox-python",
                 config: Optional[Dict[str, object]] = None):
        self._bootstrap = bootstrap
        self._follow_steps = follow_steps
        common = {"bootstrap.servers": bootstrap, "client.id": client_id}
        common.update(config or {})
        self._producer = Producer({**common, "acks": "all", "enable.idempotence": True, "linger.ms": 0})
        self._consumer_config = {**common,
                                 # Partitions are assigned, never subscribed: the group id is only
                                 # required by the library; nothing is committed under it.
                                 "group.id": "patinox-python-%s" % uuid.uuid4(),
                                 "enable.auto.commit": False,
                                 "enable.partition.eof": False}
        self._results: Optional[Consumer] = None
        self._steps: Optional[Consumer] = None
        self._pending_results: Dict[str, RunResult] = {}
        self._pending_steps: List[StepEvent] = []
        # Only the tasks this client submitted or waits for are kept; other clients' results pass by.
        self._expected: set = set()
        self.skipped: List[str] = []
        """Messages that were not valid records (topic, offset and reason), for diagnosis."""

    # -- listening ---------------------------------------------------------------------------------

    def listen(self, timeout: float = 10.0) -> None:
        """Positions the consumers at the current end of their topics; ``submit`` calls it first."""
        if self._results is None:
            self._results = self._positioned(RESULTS, timeout)
        if self._follow_steps and self._steps is None:
            self._steps = self._positioned(STEPS, timeout)

    def _positioned(self, topic: str, timeout: float) -> Consumer:
        consumer = Consumer(self._consumer_config)
        try:
            consumer.assign(end_offsets(consumer, topic, timeout))
        except Exception:
            consumer.close()
            raise
        return consumer

    # -- submitting --------------------------------------------------------------------------------

    def submit(self, agent: str, input: str, task_id: Optional[str] = None,
               metadata: Optional[Dict[str, str]] = None, timeout: float = 10.0) -> str:
        """Publishes a task and returns its id once the broker has acknowledged it."""
        return self._submit(TaskSubmitted.new(agent, input, task_id=task_id, metadata=metadata), timeout)

    def submit_workflow(self, workflow: str, input: str, task_id: Optional[str] = None,
                        metadata: Optional[Dict[str, str]] = None, timeout: float = 10.0) -> str:
        """Publishes a task for ``workflow`` (its input as JSON when the workflow declares an input schema)."""
        return self._submit(TaskSubmitted.for_workflow(workflow, input, task_id=task_id, metadata=metadata), timeout)

    def _submit(self, task: TaskSubmitted, timeout: float) -> str:
        self.listen(timeout)
        self._expected.add(task.task_id)
        self._publish(TASKS, task.task_id, task, timeout)
        return task.task_id

    def decide(self, decision: ReviewDecision, timeout: float = 10.0) -> None:
        """Publishes a reviewer's decision on ``patinox.review.decisions``; the executor applies the first one."""
        self._publish(REVIEW_DECISIONS, decision.review_id, decision, timeout)

    def _publish(self, topic: str, key: str, record, timeout: float) -> None:
        errors: List[str] = []

        def delivered(err, _msg):
            if err is not None:
                errors.append(str(err))

        value = json.dumps(to_wire(record), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._producer.produce(topic, key=key.encode("utf-8"), value=value, on_delivery=delivered)
        remaining = self._producer.flush(timeout)
        if remaining:
            raise PatinoxError("%s %s was not acknowledged by %s within %.1f s" % (topic, key, self._bootstrap, timeout))
        if errors:
            raise PatinoxError("%s %s was not published: %s" % (topic, key, errors[0]))

    # -- results -----------------------------------------------------------------------------------

    def wait_for_result(self, task_id: str, timeout: float = 60.0) -> RunResult:
        """The task's ``RunResult``; raises :class:`ResultTimeout` (naming the task) if none comes in time."""
        self.listen()
        self._expected.add(task_id)
        deadline = time.monotonic() + timeout
        while task_id not in self._pending_results:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ResultTimeout(task_id, timeout)
            self._poll_results(min(remaining, 0.5))
        self._expected.discard(task_id)
        return self._pending_results.pop(task_id)

    def _poll_results(self, timeout: float) -> None:
        for result in self._read(self._results, RunResult, timeout):
            if result.task_id in self._expected:
                self._pending_results[result.task_id] = result

    def stream_steps(self, task_id: str, timeout: float = 60.0, grace: float = 2.0) -> Iterator[StepEvent]:
        """Yields the task's ``StepEvent`` records as they arrive, until the run has ended.

        Needs ``follow_steps=True``. Steps are keyed by run, so a run's steps arrive in order. Steps and
        the result travel on different topics: after the result, this waits up to ``grace`` seconds for
        the steps it counts. The result stays available to :meth:`wait_for_result`.
        """
        if not self._follow_steps:
            raise PatinoxError("stream_steps needs PatinoxClient(..., follow_steps=True)")
        self.listen()
        self._expected.add(task_id)
        deadline = time.monotonic() + timeout
        seen = 0
        ended_at = None
        while True:
            mine = [s for s in self._pending_steps if s.task_id == task_id]
            self._pending_steps = [s for s in self._pending_steps if s.task_id != task_id]
            for step in mine:
                seen += 1
                yield step
            result = self._pending_results.get(task_id)
            if result is not None:
                ended_at = ended_at or time.monotonic()
                if seen >= result.steps or time.monotonic() - ended_at >= grace:
                    return
            elif time.monotonic() >= deadline:
                raise ResultTimeout(task_id, timeout)
            self._pending_steps.extend(s for s in self._read(self._steps, StepEvent, 0.1) if s.task_id in self._expected)
            self._poll_results(0.01)

    def _read(self, consumer: Consumer, cls: type, timeout: float) -> List:
        records = []
        # poll() returns as soon as a message is there; consume(n) would wait for n messages or the timeout.
        messages = []
        msg = consumer.poll(timeout)
        while msg is not None and len(messages) < 100:
            messages.append(msg)
            msg = consumer.poll(0)
        if msg is not None:
            messages.append(msg)
        for msg in messages:
            if msg.error() is not None:
                if msg.error().fatal():
                    raise KafkaException(msg.error())
                continue
            if msg.value() is None:
                continue
            try:
                records.append(from_wire(cls, json.loads(msg.value().decode("utf-8"))))
            except (ContractError, ValueError) as e:
                self.skipped.append("%s@%d:%d %s" % (msg.topic(), msg.partition(), msg.offset(), e))
                del self.skipped[:-100]
        return records

    # -- lifecycle ---------------------------------------------------------------------------------

    def close(self) -> None:
        """Flushes the producer and closes the consumers."""
        self._producer.flush(5)
        for consumer in (self._results, self._steps):
            if consumer is not None:
                consumer.close()
        self._results = self._steps = None

    def __enter__(self) -> "PatinoxClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
