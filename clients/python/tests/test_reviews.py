"""Review decisions: the records on the wire, and ReviewClient against a local server answering like /reviews."""

import json
import os
import sys
import threading
import unittest
from http.server import BaseHTTPRequestHandler, HTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

from patinox_client.records import ContractError, ReviewDecision, ReviewRequest, TaskSubmitted, from_wire, to_wire  # noqa: E402
from patinox_client.reviews import ReviewClient, ReviewError  # noqa: E402

KEY = "ptx_test"
REVIEW = {"reviewId": "r-1", "status": "WAITING", "taskId": "t-9", "workflow": "refund-request", "step": "route/refund",
          "action": {"type": "tool_call", "tool": "refund", "arguments": {"orderId": "A-7", "amount": 900}},
          "reason": "refunds above 500 need a human"}


class FakeExecutor(BaseHTTPRequestHandler):
    calls = []

    def _answer(self, status, body):
        out = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        FakeExecutor.calls.append((self.command, self.path, body))
        if self.headers.get("X-API-Key") != KEY:
            return self._answer(401, {"error": "missing or wrong API key"})
        if self.path == "/reviews":
            return self._answer(200, [REVIEW])
        if self.path == "/reviews/r-1":
            return self._answer(200, REVIEW)
        if self.path.startswith("/reviews/r-1/"):
            kind = self.path.rsplit("/", 1)[1].upper()
            return self._answer(202, {"reviewId": "r-1", "decision": kind, "decidedBy": body["reviewer"]})
        return self._answer(404, {"error": "no review 'nope'"})

    do_GET = _handle
    do_POST = _handle

    def log_message(self, *args):
        pass


class ReviewClientTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = HTTPServer(("127.0.0.1", 0), FakeExecutor)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.url = "http://127.0.0.1:%d" % cls.server.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()

    def setUp(self):
        FakeExecutor.calls.clear()

    def test_lists_shows_and_decides_with_the_api_key(self):
        reviews = ReviewClient(self.url, api_key=KEY)
        self.assertEqual(["r-1"], [r["reviewId"] for r in reviews.list()])
        self.assertEqual("route/refund", reviews.show("r-1")["step"])
        self.assertEqual("APPROVE", reviews.approve("r-1", reviewer="ada")["decision"])
        edited = {"type": "tool_call", "tool": "refund", "arguments": {"orderId": "A-7", "amount": 400}}
        self.assertEqual("eve", reviews.edit("r-1", edited, reviewer="eve")["decidedBy"])
        reviews.reject("r-1", "the order was never paid", reviewer="bob")
        self.assertEqual([("GET", "/reviews", None), ("GET", "/reviews/r-1", None),
                          ("POST", "/reviews/r-1/approve", {"reviewer": "ada"}),
                          ("POST", "/reviews/r-1/edit", {"reviewer": "eve", "action": edited}),
                          ("POST", "/reviews/r-1/reject", {"reviewer": "bob", "reason": "the order was never paid"})],
                         FakeExecutor.calls)

    def test_the_executors_refusals_are_raised_with_their_status(self):
        with self.assertRaises(ReviewError) as caught:
            ReviewClient(self.url, api_key=KEY).approve("nope", reviewer="ada")
        self.assertEqual(404, caught.exception.status)
        self.assertIn("no review 'nope'", str(caught.exception))
        with self.assertRaises(ReviewError) as caught:
            ReviewClient(self.url, api_key="wrong").list()
        self.assertEqual(401, caught.exception.status)


class ReviewRecords(unittest.TestCase):

    def test_a_workflow_task_names_the_workflow_in_both_fields(self):
        wire = to_wire(TaskSubmitted.for_workflow("refund-request", '{"amount": 900}', task_id="t-1"))
        self.assertEqual(("refund-request", "refund-request"), (wire["agent"], wire["workflow"]))

    def test_decisions_are_checked_as_the_executor_checks_them(self):
        with self.assertRaises(ContractError):
            ReviewDecision(decision_id="d", review_id="r", task_id="t", decision="REJECT", decided_by="bob")
        with self.assertRaises(ContractError):
            ReviewDecision(decision_id="d", review_id="r", task_id="t", decision="EDIT", decided_by="eve")
        wire = to_wire(ReviewDecision(decision_id="d", review_id="r", task_id="t", decision="APPROVE", decided_by="ada"))
        self.assertEqual({"decisionId", "reviewId", "taskId", "decision", "decidedBy", "occurredAt", "schemaVersion"},
                         set(wire))

    def test_a_review_request_as_the_executor_writes_it_is_read(self):
        wire = dict(REVIEW, schemaVersion=1, runId="run-9", agent="refund-request", stepIndex=4, configVersion="abc",
                    policy="refunds", input="{}", metadata={}, expiresAt="2026-11-26T17:00:00Z",
                    occurredAt="2026-11-25T17:00:00.123456789Z")
        request = from_wire(ReviewRequest, wire)
        self.assertEqual(900, request.action["arguments"]["amount"])
        self.assertEqual("route/refund", request.step)


if __name__ == "__main__":
    unittest.main()
