"""The records Patinox exchanges on Kafka, as Python dataclasses.

Field names are the snake_case forms of the wire's camelCase names (``task_id`` is ``taskId``).
A field is required on the wire exactly when its annotation is not ``Optional``; the unit tests
check every dataclass against ``contracts/schemas/*.schema.json``, so a schema change breaks them.

Reading is tolerant of fields this version does not know (a newer mesh may add optional ones) and
strict about required fields: a missing one raises :class:`ContractError` naming record and field.
Writing is exact: the services refuse unknown fields.
"""

from __future__ import annotations

import dataclasses
import re
import typing
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

#: The schema version of every record this client reads and writes.
SCHEMA_VERSION = 1

#: ``RunResult.status`` values.
RUN_STATUSES = ("COMPLETED", "BLOCKED", "DIVERTED", "BUDGET_EXCEEDED", "SUSPENDED", "FAILED")
#: ``StepEvent.outcome`` values.
STEP_OUTCOMES = ("EXECUTED", "RETRIED", "DIVERTED", "BLOCKED", "FAILED")
#: ``StepEvent.verdictSource`` values.
VERDICT_SOURCES = ("VALIDATOR", "FAIL_CLOSED", "FAIL_OPEN", "REVIEWER")
#: ``ReviewDecision.decision`` values.
REVIEW_DECISIONS = ("APPROVE", "EDIT", "REJECT")
#: ``Finding.outcome`` values.
VERDICT_KINDS = ("ALLOW", "MODIFY", "RETRY", "DIVERT", "BLOCK")

#: ``Action`` kinds, the value of its ``type`` property.
ACTION_TYPES = ("tool_call", "final_answer")

#: An action as on the wire: ``{"type": "tool_call", "tool": ..., "arguments": {...}}``
#: or ``{"type": "final_answer", "answer": ...}``.
Action = Dict[str, Any]
#: A verdict as on the wire: ``{"kind": "allow"}``, ``{"kind": "modify", "action": ..., "reason": ...}``,
#: ``{"kind": "retry", "feedback": ...}``, ``{"kind": "divert", "target": ..., "reason": ...}``,
#: ``{"kind": "block", "reason": ...}``.
Verdict = Dict[str, Any]


class ContractError(ValueError):
    """A message does not match the record it should be; the message names the record and field."""


def camel(name: str) -> str:
    """The wire name of a dataclass field: ``model_latency_micros`` -> ``modelLatencyMicros``."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def format_instant(value: datetime) -> str:
    """An ISO-8601 UTC instant with a ``Z``, as the services write them."""
    if value.tzinfo is None:
        raise ContractError("instants must be timezone-aware, got naive %r" % value)
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_instant(text: str) -> datetime:
    """Parses an ISO-8601 instant; digits beyond microseconds are dropped."""
    if text.endswith("Z") or text.endswith("z"):
        text = text[:-1] + "+00:00"
    if "." in text:
        # Python < 3.11 accepts only 3 or 6 fractional digits; the services may write up to 9.
        main, frac = text.split(".", 1)
        digits = re.match(r"\d*", frac).group(0)
        zone = frac[len(digits):]
        text = main + "." + (digits + "000000")[:6] + zone
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class ModelRef:
    """Which model proposed an action; ``scripted`` marks the deterministic test model."""

    provider: str
    name: str
    scripted: bool


@dataclass(frozen=True)
class Usage:
    """Tokens and estimated cost of a step or a run."""

    input_tokens: int
    output_tokens: int
    cost_usd: float


@dataclass(frozen=True)
class Finding:
    """One validator's judgement of a step; ``outcome`` is one of :data:`VERDICT_KINDS`."""

    validator: str
    outcome: str
    score: float
    reason: str
    latency_micros: int


@dataclass(frozen=True)
class TaskSubmitted:
    """A task for an agent or a workflow. Topic ``patinox.tasks``, key ``task_id``.

    A workflow task names the workflow in ``workflow`` and in ``agent`` alike (``agent`` stays required on the wire).
    """

    task_id: str
    agent: str
    input: str
    metadata: Optional[Dict[str, str]] = None
    occurred_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    workflow: Optional[str] = None
    schema_version: int = SCHEMA_VERSION

    @staticmethod
    def new(agent: str, input: str, task_id: Optional[str] = None,
            metadata: Optional[Dict[str, str]] = None) -> "TaskSubmitted":
        """A task submitted now, with a fresh id unless one is given."""
        return TaskSubmitted(task_id=task_id or str(uuid.uuid4()), agent=agent, input=input,
                             metadata=dict(metadata or {}))

    @staticmethod
    def for_workflow(workflow: str, input: str, task_id: Optional[str] = None,
                     metadata: Optional[Dict[str, str]] = None) -> "TaskSubmitted":
        """A task for ``workflow`` submitted now; a workflow with an input schema reads ``input`` as JSON."""
        return TaskSubmitted(task_id=task_id or str(uuid.uuid4()), agent=workflow, input=input,
                             metadata=dict(metadata or {}), workflow=workflow)


@dataclass(frozen=True)
class StepEvent:
    """One step of a run. Topic ``patinox.steps``, key ``run_id``."""

    task_id: str
    run_id: str
    step_index: int
    agent: str
    config_version: str
    model: ModelRef
    action: Action
    verdict: Verdict
    verdict_source: str
    outcome: str
    model_latency_micros: int
    validation_latency_micros: int
    execution_latency_micros: int
    occurred_at: datetime
    findings: Optional[List[Finding]] = None
    output: Optional[str] = None
    error: Optional[str] = None
    usage: Optional[Usage] = None
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True)
class RunResult:
    """The end of a run, exactly one per task. Topic ``patinox.results``, key ``task_id``."""

    task_id: str
    run_id: str
    agent: str
    config_version: str
    status: str
    answer: str
    steps: int
    started_at: datetime
    occurred_at: datetime
    reason: Optional[str] = None
    usage: Optional[Usage] = None
    model: Optional[ModelRef] = None
    metadata: Optional[Dict[str, str]] = None
    workflow: Optional[str] = None
    schema_version: int = SCHEMA_VERSION

    @property
    def completed(self) -> bool:
        """Whether the agent gave its answer (as opposed to a refusal, a divert or a failure)."""
        return self.status == "COMPLETED"


@dataclass(frozen=True)
class ReviewRequest:
    """A run suspended until a person decides on its pending ``action``. Topic ``patinox.review.requests``."""

    review_id: str
    task_id: str
    run_id: str
    agent: str
    step_index: int
    config_version: str
    policy: str
    action: Action
    reason: str
    input: str
    expires_at: datetime
    occurred_at: datetime
    workflow: Optional[str] = None
    step: Optional[str] = None
    metadata: Optional[Dict[str, str]] = None
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True)
class ReviewDecision:
    """A reviewer's decision (:data:`REVIEW_DECISIONS`). Topic ``patinox.review.decisions``, key ``review_id``.

    ``action`` is the action to run instead (``EDIT``, validated again); ``reason`` why (``REJECT``).
    """

    decision_id: str
    review_id: str
    task_id: str
    decision: str
    decided_by: str
    occurred_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    action: Optional[Action] = None
    reason: Optional[str] = None
    schema_version: int = SCHEMA_VERSION

    def __post_init__(self):
        if self.decision not in REVIEW_DECISIONS:
            raise ContractError("ReviewDecision.decision: %r is not one of %s" % (self.decision, REVIEW_DECISIONS))
        if self.decision == "EDIT" and self.action is None:
            raise ContractError("ReviewDecision: an edit names the action to run ('action')")
        if self.decision == "REJECT" and not self.reason:
            raise ContractError("ReviewDecision: a rejection says why ('reason')")


#: The top-level records by their schema title.
RECORDS = {cls.__name__: cls for cls in (TaskSubmitted, StepEvent, RunResult, ReviewRequest, ReviewDecision)}


def field_types(cls: type) -> Dict[str, Any]:
    """The resolved annotations of a dataclass, by field name."""
    return typing.get_type_hints(cls)


def is_optional(annotation: Any) -> bool:
    """Whether the annotation is ``Optional[...]``, i.e. the field may be absent on the wire."""
    return typing.get_origin(annotation) is typing.Union and type(None) in typing.get_args(annotation)


def unwrap_optional(annotation: Any) -> Any:
    """The ``X`` of ``Optional[X]``, or the annotation itself."""
    if is_optional(annotation):
        return next(a for a in typing.get_args(annotation) if a is not type(None))
    return annotation


def to_wire(record: Any) -> Dict[str, Any]:
    """The JSON-ready dict of a record, camelCase names, instants as ISO-8601 strings."""
    out: Dict[str, Any] = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if value is None:
            continue
        out[camel(f.name)] = _encode_value(value)
    return out


def _encode_value(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return to_wire(value)
    if isinstance(value, datetime):
        return format_instant(value)
    if isinstance(value, list):
        return [_encode_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode_value(v) for k, v in value.items()}
    return value


def from_wire(cls: type, data: Any, path: str = "") -> Any:
    """Reads a record of type ``cls`` from a decoded JSON object; raises :class:`ContractError`."""
    where = path or cls.__name__
    if not isinstance(data, dict):
        raise ContractError("%s: expected a JSON object, got %s" % (where, type(data).__name__))
    hints = field_types(cls)
    values: Dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        wire = camel(f.name)
        annotation = hints[f.name]
        raw = data.get(wire)
        if raw is None:
            if not is_optional(annotation):
                raise ContractError("%s: missing required field '%s'" % (where, wire))
            values[f.name] = None
            continue
        values[f.name] = _decode_value(unwrap_optional(annotation), raw, "%s.%s" % (where, wire))
    record = cls(**values)
    version = getattr(record, "schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise ContractError("%s: schemaVersion %s is not supported (this client reads %d)"
                            % (where, version, SCHEMA_VERSION))
    return record


def _decode_value(annotation: Any, raw: Any, where: str) -> Any:
    origin = typing.get_origin(annotation)
    if dataclasses.is_dataclass(annotation):
        return from_wire(annotation, raw, where)
    if annotation is datetime:
        if not isinstance(raw, str):
            raise ContractError("%s: expected an ISO-8601 string" % where)
        try:
            return parse_instant(raw)
        except ValueError as e:
            raise ContractError("%s: not an ISO-8601 instant: %s" % (where, e)) from e
    if origin is list:
        (item,) = typing.get_args(annotation)
        if not isinstance(raw, list):
            raise ContractError("%s: expected an array" % where)
        return [_decode_value(item, v, "%s[%d]" % (where, i)) for i, v in enumerate(raw)]
    if origin is dict:
        if not isinstance(raw, dict):
            raise ContractError("%s: expected an object" % where)
        return dict(raw)
    expected = {str: str, int: int, float: (int, float), bool: bool}.get(annotation)
    if expected is not None:
        if not isinstance(raw, expected) or (annotation is not bool and isinstance(raw, bool)):
            raise ContractError("%s: expected %s, got %s" % (where, annotation.__name__, type(raw).__name__))
        return float(raw) if annotation is float else raw
    return raw
