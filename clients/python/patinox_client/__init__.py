"""A thin Python client for the Patinox mesh: JSON over Kafka, checked against the mesh's JSON Schemas.

    from patinox_client import PatinoxClient
    with PatinoxClient("127.0.0.1:9092") as client:
        task_id = client.submit("support", "What is 17 * 23?")
        print(client.wait_for_result(task_id, timeout=60).answer)
        task_id = client.submit_workflow("refund-request", '{"orderId": "A-1", "amount": 900, "reason": "broken"}')

    from patinox_client.reviews import ReviewClient     # human review over the executor's REST API
    reviews = ReviewClient("http://127.0.0.1:8081", api_key="...")
    for review in reviews.list():
        reviews.approve(review["reviewId"], reviewer="ada")
"""

from .records import (SCHEMA_VERSION, ContractError, Finding, ModelRef, ReviewDecision, ReviewRequest, RunResult,
                      StepEvent, TaskSubmitted, Usage, from_wire, to_wire)
from .reviews import ReviewClient, ReviewError

__all__ = ["PatinoxClient", "PatinoxError", "ResultTimeout", "SCHEMA_VERSION", "ContractError", "Finding",
           "ModelRef", "ReviewClient", "ReviewDecision", "ReviewError", "ReviewRequest", "RunResult", "StepEvent",
           "TaskSubmitted", "Usage", "from_wire", "to_wire"]


def __getattr__(name):
    # The client needs confluent-kafka; the records do not, so schema checks run without it.
    if name in ("PatinoxClient", "PatinoxError", "ResultTimeout"):
        from . import client
        return getattr(client, name)
    raise AttributeError(name)
