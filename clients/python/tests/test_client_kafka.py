"""The client against a real broker, with a fake executor that answers every task at once.

Needs a broker with the Patinox topics: set PATINOX_TEST_BOOTSTRAP (the mesh-it module's
ClientsUnitTest does, with its test broker). Without it the tests are skipped, saying why.
"""

import json
import os
import sys
import threading
import unittest
import uuid
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

BOOTSTRAP = os.environ.get("PATINOX_TEST_BOOTSTRAP")


def now():
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


class FakeExecutor(threading.Thread):
    """Answers each task the moment it arrives: two steps, then the result. Ignores agent 'silent'."""

    def __init__(self, bootstrap):
        super().__init__(daemon=True, name="fake-executor")
        from confluent_kafka import Consumer, Producer
        from patinox_client.client import end_offsets
        self.consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "fake-%s" % uuid.uuid4(),
                                  "enable.auto.commit": False})
        self.consumer.assign(end_offsets(self.consumer, "patinox.tasks", timeout=30))
        self.producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 0})
        self.stopped = threading.Event()
        self.tasks = []

    def run(self):
        while not self.stopped.is_set():
            msg = self.consumer.poll(0.1)
            if msg is None or msg.error():
                continue
            task = json.loads(msg.value())
            self.tasks.append((msg.key().decode(), task))
            if task["agent"] == "silent":
                continue
            run_id = "run-" + task["taskId"]
            for index, action in enumerate([{"type": "tool_call", "tool": "calculator", "arguments": {"expression": "17 * 23"}},
                                            {"type": "final_answer", "answer": "17 * 23 = 391"}]):
                step = {"schemaVersion": 1, "taskId": task["taskId"], "runId": run_id, "stepIndex": index,
                        "agent": task["agent"], "configVersion": "test", "model": {"provider": "scripted", "name": "fake",
                                                                                 "scripted": True},
                        "action": action, "verdict": {"kind": "allow"}, "verdictSource": "VALIDATOR", "findings": [],
                        "outcome": "EXECUTED", "output": "391", "error": None,
                        "usage": {"inputTokens": 1, "outputTokens": 1, "costUsd": 0.0}, "modelLatencyMicros": 1,
                        "validationLatencyMicros": 1, "executionLatencyMicros": 1, "occurredAt": now()}
                self.producer.produce("patinox.steps", key=run_id, value=json.dumps(step))
            result = {"schemaVersion": 1, "taskId": task["taskId"], "runId": run_id, "agent": task["agent"],
                      "configVersion": "test", "status": "COMPLETED", "answer": "17 * 23 = 391", "reason": None,
                      "steps": 2, "usage": {"inputTokens": 2, "outputTokens": 2, "costUsd": 0.0},
                      "model": {"provider": "scripted", "name": "fake", "scripted": True},
                      "metadata": task.get("metadata", {}), "startedAt": now(), "occurredAt": now()}
            self.producer.produce("patinox.results", key=task["taskId"], value=json.dumps(result))
            self.producer.flush(5)

    def stop(self):
        self.stopped.set()
        self.join(5)
        self.consumer.close()


@unittest.skipUnless(BOOTSTRAP, "set PATINOX_TEST_BOOTSTRAP to a broker with the Patinox topics")
class ClientAgainstABroker(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.fake = FakeExecutor(BOOTSTRAP)
        cls.fake.start()

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def test_submit_publishes_a_valid_task_and_a_fast_result_is_not_missed(self):
        from patinox_client import PatinoxClient
        from patinox_client.records import TaskSubmitted, from_wire
        with PatinoxClient(BOOTSTRAP) as client:
            for _ in range(5):
                task_id = client.submit("support", "What is 17 * 23?", metadata={"user": "ada"})
                result = client.wait_for_result(task_id, timeout=15)
                self.assertEqual(task_id, result.task_id)
                self.assertEqual("COMPLETED", result.status)
                self.assertIn("391", result.answer)
                self.assertEqual({"user": "ada"}, result.metadata)
        key, task = self.fake.tasks[-1]
        self.assertEqual(task_id, key)
        self.assertEqual("What is 17 * 23?", from_wire(TaskSubmitted, task).input)

    def test_results_of_several_tasks_are_kept_until_asked_for(self):
        from patinox_client import PatinoxClient
        with PatinoxClient(BOOTSTRAP) as client:
            ids = [client.submit("support", "task %d" % i) for i in range(3)]
            for task_id in reversed(ids):
                self.assertEqual(task_id, client.wait_for_result(task_id, timeout=15).task_id)

    def test_steps_stream_in_order_then_the_result_is_there(self):
        from patinox_client import PatinoxClient
        with PatinoxClient(BOOTSTRAP, follow_steps=True) as client:
            task_id = client.submit("support", "What is 17 * 23?")
            steps = list(client.stream_steps(task_id, timeout=15))
            self.assertEqual([0, 1], [s.step_index for s in steps])
            self.assertEqual("calculator", steps[0].action["tool"])
            self.assertEqual("allow", steps[0].verdict["kind"])
            self.assertEqual(2, client.wait_for_result(task_id, timeout=1).steps)

    def test_a_workflow_task_and_a_review_decision_are_published_as_the_executor_reads_them(self):
        from confluent_kafka import Consumer
        from patinox_client import PatinoxClient
        from patinox_client.client import end_offsets
        from patinox_client.records import ReviewDecision, from_wire
        decisions = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": "test-%s" % uuid.uuid4(),
                              "enable.auto.commit": False})
        decisions.assign(end_offsets(decisions, "patinox.review.decisions", timeout=30))
        try:
            with PatinoxClient(BOOTSTRAP) as client:
                task_id = client.submit_workflow("refund-request", '{"orderId": "A-1", "amount": 900, "reason": "broken"}')
                self.assertEqual("COMPLETED", client.wait_for_result(task_id, timeout=15).status)
                client.decide(ReviewDecision(decision_id="d-1", review_id="r-1", task_id=task_id, decision="REJECT",
                                             reason="never paid", decided_by="bob"))
            key, task = [t for t in self.fake.tasks if t[0] == task_id][0]
            self.assertEqual(("refund-request", "refund-request"), (task["agent"], task["workflow"]))
            msg = decisions.poll(15)
            while msg is not None and msg.error() is not None:
                msg = decisions.poll(15)
            self.assertIsNotNone(msg, "no decision on patinox.review.decisions")
            self.assertEqual(b"r-1", msg.key())
            decision = from_wire(ReviewDecision, json.loads(msg.value()))
            self.assertEqual(("REJECT", "never paid", "bob"), (decision.decision, decision.reason, decision.decided_by))
        finally:
            decisions.close()

    def test_a_missing_result_times_out_naming_the_task(self):
        from patinox_client import PatinoxClient, ResultTimeout
        with PatinoxClient(BOOTSTRAP) as client:
            task_id = client.submit("silent", "nobody answers this")
            with self.assertRaises(ResultTimeout) as caught:
                client.wait_for_result(task_id, timeout=1.5)
            self.assertIn(task_id, str(caught.exception))
            self.assertEqual(task_id, caught.exception.task_id)


if __name__ == "__main__":
    unittest.main()
