"""WSGI middleware in front of pygeoapi: the service is read-only, and the kinds of bad
request that pygeoapi 0.21 answers with a 500 and a logged traceback (reproduced in
``tests/test_upstream_bugs.py``) get a 4xx with a JSON message instead:

* any method but GET, HEAD and OPTIONS (POST only to ``/processes/<id>/execution``) is a
  405 — pygeoapi's items view returns nothing for a POST without a Content-Type;
* an empty ``sortby`` entry (``sortby=`` or ``sortby=a,,b``) is a 400 — pygeoapi indexes
  its first character;
* an execute request that is not UTF-8, or JSON but not an object, or whose ``subscriber``
  is not an object, is a 400 — pygeoapi decodes the first without a guard, calls ``.get``
  on the second and subscripts the third; the body of an execute request is limited to
  :data:`MAX_EXECUTE_BYTES` (413 beyond).
"""

from __future__ import annotations

import io
import json
from urllib.parse import parse_qsl

READ_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_EXECUTE_BYTES = 64 * 1024


def _answer(start_response, status: str, code: str, message: str, headers=()):
    body = json.dumps({"code": code, "type": code, "description": message}).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body))), *headers])
    return [body]


def _bad_sortby(query: str) -> bool:
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name == "sortby" and any(part.lstrip("+-") == "" for part in value.split(",")):
            return True
    return False


def guard(app):
    """``app`` behind the checks of this module's docstring.

    Parameters
    ----------
    app : callable
        A WSGI application (pygeoapi's Flask app).

    Returns
    -------
    callable
        A WSGI application that answers the bad requests itself and passes the others to
        ``app``.
    """

    def guarded(environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "")
        execution = path.startswith("/processes/") and path.rstrip("/").endswith("/execution")
        if method not in READ_METHODS and not (method == "POST" and execution):
            allow = "GET, HEAD, OPTIONS" + (", POST" if execution else "")
            return _answer(start_response, "405 Method Not Allowed", "MethodNotAllowed",
                           f"{method} is not allowed: this service is read-only "
                           f"(allowed here: {allow})", [("Allow", allow)])
        if _bad_sortby(environ.get("QUERY_STRING", "")):
            return _answer(start_response, "400 Bad Request", "InvalidParameterValue",
                           "sortby: a property name is empty (use sortby=name,-other)")
        if method == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = -1
            if not 0 <= length <= MAX_EXECUTE_BYTES:
                return _answer(start_response, "413 Content Too Large", "InvalidParameterValue",
                               f"an execute request is at most {MAX_EXECUTE_BYTES} bytes")
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return _answer(start_response, "400 Bad Request", "InvalidParameterValue",
                               "an execute request is UTF-8 JSON")
            try:
                request = json.loads(text)
            except ValueError:
                request = {}  # not JSON: pygeoapi answers 400 itself
            if not isinstance(request, dict):
                return _answer(start_response, "400 Bad Request", "InvalidParameterValue",
                               "an execute request is a JSON object: {\"inputs\": {...}}")
            if isinstance(request, dict) and request.get("subscriber") is not None \
                    and not isinstance(request["subscriber"], dict):
                return _answer(start_response, "400 Bad Request", "InvalidParameterValue",
                               "subscriber must be an object with successUri")
        return app(environ, start_response)

    return guarded
