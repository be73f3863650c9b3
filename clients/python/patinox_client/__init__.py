"""A thin Python client for the Patinox mesh: JSON over Kafka, checked against the mesh's JSON Schemas.

    from patinox_client import PatinoxClient
    with PatinoxClient("127.0.0.1:9092") as client:
        task_id = client.submit("support", "What is 17 * 23?")
        print(client.wait_for_result(task_id, timeout=60).answer)
"""

from .records import (SCHEMA_VERSION, ContractError, Finding, ModelRef, RunResult, StepEvent, TaskSubmitted, Usage,
                      from_wire, to_wire)

__all__ = ["PatinoxClient", "PatinoxError", "ResultTimeout", "SCHEMA_VERSION", "ContractError", "Finding",
           "ModelRef", "RunResult", "StepEvent", "TaskSubmitted", "Usage", "from_wire", "to_wire"]


def __getattr__(name):
    # The client needs confluent-kafka; the records do not, so schema checks run without it.
    if name in ("PatinoxClient", "PatinoxError", "ResultTimeout"):
        from . import client
        return getattr(client, name)
    raise AttributeError(name)
