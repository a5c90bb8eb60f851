"""Schemathesis hooks for Tools/contract-test.sh (loaded through SCHEMATHESIS_HOOKS).

1. A serializer for the JSON Lines media types of `POST /v1/postings:import`: the body is the
   text itself (schemathesis has no built-in serializer for them).

2. Requests that do not carry the run's own key go out from a fresh loopback source address
   (127.1.x.y). Once an address has failed authentication 20 times in a minute, the service
   answers its further failures with 429 instead of 401 (FailureCounter). The auth checks
   (`ignored_auth`, `missing_required_header`) and negative tests send hundreds of requests
   without a valid key; from one address every later 401 would become a 429. One failure per
   address keeps each answer the one a first-time caller gets. Requests with the run's key keep
   the default address.
"""

import itertools
import json
import os

import requests
import schemathesis
from requests.adapters import HTTPAdapter

_TOKEN = os.environ.get("JOBMATCH_CONTRACT_TOKEN", "")


@schemathesis.serializer("application/x-ndjson", "application/jsonl", "application/json-lines")
def _json_lines(ctx, value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    # negative tests: a non-string body goes out as its JSON text
    return json.dumps(value).encode("utf-8")


class _FromAddress(HTTPAdapter):
    def __init__(self, source: str):
        self._source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self._source, 0)
        super().init_poolmanager(*args, **kwargs)


_addresses = itertools.count()
_plain_send = HTTPAdapter.send


def _send(self, request, **kwargs):
    if isinstance(self, _FromAddress) or not _TOKEN or request.headers.get("Authorization") == "Bearer " + _TOKEN:
        return _plain_send(self, request, **kwargs)
    n = next(_addresses) % (250 * 250)
    adapter = _FromAddress(f"127.1.{n // 250 + 1}.{n % 250 + 1}")
    try:
        response = adapter.send(request, **kwargs)
        response.content  # read the body before the connection pool goes away
        return response
    finally:
        adapter.close()


HTTPAdapter.send = _send
