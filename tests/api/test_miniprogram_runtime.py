"""The API stays callable from WeChat's runtime, read from the OpenAPI document itself:
wx.request has no PATCH, wx.uploadFile sends one file, and its answer has no headers."""

from __future__ import annotations

from typing import Any

from tests.wx_runtime import REQUEST_METHODS


def _spec(client) -> dict[str, Any]:
    return client.get("/api/v1/openapi.json").get_json()


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def _operations(spec: dict[str, Any]):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace"):
                yield path, method, op


def _files_needed(spec: dict[str, Any], schema: dict[str, Any]) -> int:
    """The least number of files a valid body carries (required binaries, arrays by minItems, ≥ 1)."""
    schema = _resolve(spec, schema)
    needed = 0
    for name in schema.get("required", []):
        prop = _resolve(spec, schema["properties"][name])
        if prop.get("format") == "binary":
            needed += 1
        elif prop.get("type") == "array" and _resolve(spec, prop.get("items", {})).get("format") == "binary":
            needed += max(prop.get("minItems", 1), 1)
    return needed


def test_no_operation_is_reachable_only_by_patch(client) -> None:
    spec = _spec(client)
    only_patch = []
    for path, method, op in _operations(spec):
        if method.upper() in REQUEST_METHODS:
            continue
        twin = spec["paths"][path].get("put")
        if twin is None or twin.get("requestBody") != op.get("requestBody"):
            only_patch.append(f"{method.upper()} {path} ({op['operationId']})")
    assert only_patch == [], "wx.request has no PATCH; add PUT with the same body: " + ", ".join(only_patch)


def test_no_multipart_operation_needs_more_than_one_file(client) -> None:
    spec = _spec(client)
    uploads, too_many = [], []
    for path, method, op in _operations(spec):
        form = (op.get("requestBody") or {}).get("content", {}).get("multipart/form-data")
        if form is None:
            continue
        uploads.append(op["operationId"])
        if _files_needed(spec, form["schema"]) > 1:
            too_many.append(f"{method.upper()} {path}")
    assert len(uploads) >= 4  # faces.createCheck, contracts.sign, payroll: confirm slip, bank results
    assert too_many == [], "wx.uploadFile sends one file per request: " + ", ".join(too_many)


def test_upload_and_202_answers_say_in_the_body_what_headers_say(client) -> None:
    """wx.uploadFile gives no headers: replayed / retry_after in every upload answer; every 202
    names an absolute poll_url; every error body carries request_id."""
    spec = _spec(client)
    for path, _method, op in _operations(spec):
        form = (op.get("requestBody") or {}).get("content", {}).get("multipart/form-data")
        for status, answer in op["responses"].items():
            content = (answer.get("content") or {}).get("application/json")
            if content is None:
                continue
            schema = _resolve(spec, content["schema"])
            props = schema.get("properties", {})
            if status.startswith("2") and form is not None:
                assert {"replayed", "retry_after"} <= set(props), (path, status)
            if status == "202":
                assert props["poll_url"].get("format") == "uri" and "retry_after" in schema["required"], path
            if status.startswith(("4", "5")) and path.startswith("/api/"):  # not /healthz's 503 report
                assert "request_id" in props["error"]["properties"], (path, status)


def test_polled_reads_answer_etag(client) -> None:
    spec = _spec(client)
    for path in ("/api/v1/faces/checks/{check_id}", "/api/v1/attendance/clocks/{clock_id}"):
        get = spec["paths"][path]["get"]
        assert "304" in get["responses"] and "ETag" in get["responses"]["200"]["headers"], path
        assert "Retry-After" in get["responses"]["200"]["headers"], path
