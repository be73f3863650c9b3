"""Human review over the executor's REST API (``/reviews``): list the runs waiting for a person, show one, approve,
edit or reject it. Standard library only; the API key is the one the executor was given (``X-API-Key``)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional

from .records import Action


class ReviewError(Exception):
    """The executor refused a call; ``status`` is the HTTP status (404 unknown review, 409 decided already)."""

    def __init__(self, status: int, message: str):
        super().__init__("%d %s" % (status, message))
        self.status = status


class ReviewClient:
    """Reviews of suspended runs. A decision is published by the executor to ``patinox.review.decisions``;
    :meth:`PatinoxClient.decide` publishes one directly instead."""

    def __init__(self, base_url: str = "http://127.0.0.1:8081", api_key: Optional[str] = None, timeout: float = 30.0):
        self._base = base_url.rstrip("/")
        self._api_key = api_key
        self._timeout = timeout

    def list(self) -> List[Dict[str, Any]]:
        """The reviews waiting for a decision, oldest first (``reviewId``, ``taskId``, ``action``, ``reason``, ...)."""
        return self._call("GET", "/reviews")

    def show(self, review_id: str) -> Dict[str, Any]:
        """One review, waiting or decided."""
        return self._call("GET", "/reviews/%s" % review_id)

    def approve(self, review_id: str, reviewer: str) -> Dict[str, Any]:
        """Runs the pending action as it is; returns the decision."""
        return self._call("POST", "/reviews/%s/approve" % review_id, {"reviewer": reviewer})

    def edit(self, review_id: str, action: Action, reviewer: str) -> Dict[str, Any]:
        """Runs ``action`` instead, if the validator allows it (it is validated again)."""
        return self._call("POST", "/reviews/%s/edit" % review_id, {"reviewer": reviewer, "action": action})

    def reject(self, review_id: str, reason: str, reviewer: str) -> Dict[str, Any]:
        """Ends the run with ``reason``."""
        return self._call("POST", "/reviews/%s/reject" % review_id, {"reviewer": reviewer, "reason": reason})

    def _call(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self._base + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self._api_key:
            request.add_header("X-API-Key", self._api_key)
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            text = e.read().decode("utf-8", "replace")
            try:
                message = json.loads(text).get("error", text)
            except ValueError:
                message = text
            raise ReviewError(e.code, message) from None
        return json.loads(text) if text else {}
