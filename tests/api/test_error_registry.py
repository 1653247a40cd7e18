"""The error catalogue is the contract: a route may only answer codes it declares.

The scan follows each view's calls through our own modules (blueprints, services, schemas,
models) by reading their source, and collects every catalogued code written there. It over-
approximates (a code mentioned on a path is taken as raisable) and cannot follow calls on
objects whose type it does not know (``engine.analyze``); both err on the side of declaring more.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from types import FunctionType, ModuleType
from typing import Any

import pytest

from blueprints.contract import OPERATION_ID, raises
from services.error_codes import CATALOGUE, RETRY_TEXT

OUR_PACKAGES = ("blueprints", "services", "schemas", "models")


def _ours(obj: Any) -> bool:
    module = getattr(obj, "__module__", "") or ""
    return module.split(".")[0] in OUR_PACKAGES


def _resolve(node: ast.expr, scope: dict[str, Any]) -> Any:
    """`name` or `a.b.c` in a function's module globals, else None."""
    if isinstance(node, ast.Name):
        return scope.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, scope)
        if isinstance(base, ModuleType) or (isinstance(base, type) and _ours(base)):
            return getattr(base, node.attr, None)
    return None


def _default_code(cls: type) -> str | None:
    return getattr(cls, "default_code", None)


def reachable_codes(fn: Any, seen: set[Any] | None = None) -> set[str]:
    seen = set() if seen is None else seen
    fn = inspect.unwrap(fn)
    if fn in seen or not isinstance(fn, FunctionType) or not _ours(fn):
        return set()
    seen.add(fn)
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    codes: set[str] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in CATALOGUE
                and CATALOGUE[node.value].status is not None):
            codes.add(node.value)
        if not isinstance(node, ast.Call):
            continue
        target = _resolve(node.func, fn.__globals__)
        if isinstance(target, type) and _ours(target):
            if issubclass(target, Exception) and not node.args and not node.keywords and _default_code(target):
                codes.add(_default_code(target))  # Forbidden() -> FORBIDDEN
            continue
        if isinstance(target, FunctionType):
            codes |= reachable_codes(target, seen)
    return codes


@pytest.fixture(scope="module")
def contract(app):
    spec = app.api_doc
    return spec, app.declared_codes, {op.endpoint: op for op in app.operations()}


def test_every_route_declares_what_it_can_raise(contract):
    _spec, declared, operations = contract
    missing = {}
    for endpoint, op in operations.items():
        undeclared = reachable_codes(op.view) - set(declared[endpoint])
        if undeclared:
            missing[endpoint] = sorted(undeclared)
    assert not missing, f"add these to the route's @raises(...): {missing}"


def test_the_scan_sees_through_services(contract):
    """The scan is not vacuous: it finds codes several calls deep."""
    _spec, _declared, operations = contract
    assert {"CONSENT_REQUIRED", "CHALLENGE_REPLAYED", "FRAME_COUNT_INVALID"} <= reachable_codes(
        operations["faces.create_check"].view)
    assert "FORBIDDEN" in reachable_codes(operations["org.update_team"].view)
    assert "WECHAT_PHONE_CODE_INVALID" in reachable_codes(operations["auth.bind_phone"].view)


def test_the_scan_catches_an_undeclared_code():
    from services.errors import NotFound

    def helper() -> None:
        raise NotFound("TEAM_NOT_FOUND")

    def view() -> None:
        helper()

    view.__module__ = helper.__module__ = "blueprints.fake"
    view.__globals__["helper"] = helper  # resolve like a module-level helper
    try:
        assert reachable_codes(view) == {"TEAM_NOT_FOUND"}
    finally:
        del view.__globals__["helper"]


def test_the_document_lists_the_declared_codes_per_status(contract):
    spec, declared, operations = contract
    for endpoint, op in operations.items():
        answer = spec["paths"][op.path][op.method]
        listed: list[str] = []
        for status, response in answer["responses"].items():
            if int(status) < 400 or "error" not in str(response.get("content", "")):
                continue
            enum = response["content"]["application/json"]["schema"]["properties"]["error"]["properties"]["code"]
            assert all(CATALOGUE[c].status == int(status) for c in enum["enum"]), (endpoint, status)
            assert len(enum["x-enum-descriptions"]) == len(enum["enum"])
            listed += enum["enum"]
        assert sorted(listed) == sorted(declared[endpoint]), endpoint


def test_operation_ids_are_readable_and_unique(contract):
    spec, _declared, _operations = contract
    ids = [op["operationId"] for item in spec["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    assert all(OPERATION_ID.match(i) for i in ids), ids
    assert {"faces.createCheck", "org.getCompany", "auth.login"} <= set(ids)


def test_every_status_is_described_in_chinese(contract):
    spec, _declared, _operations = contract
    for item in spec["paths"].values():
        for op in item.values():
            for status, response in op["responses"].items():
                assert any("\u4e00" <= ch <= "\u9fff" for ch in response["description"]), (op["operationId"], status)


def test_catalogue_entries_are_complete():
    for code, entry in CATALOGUE.items():
        assert code == entry.code and code.isupper()
        assert entry.message and entry.when and entry.action and entry.retry in RETRY_TEXT
        assert entry.status is None or 400 <= entry.status < 600


def test_only_catalogued_codes_can_be_declared():
    with pytest.raises(ValueError):
        raises("NO_SUCH_CODE")
    with pytest.raises(ValueError):
        raises("FACE_NOT_FOUND")  # a result reason, never an HTTP error
