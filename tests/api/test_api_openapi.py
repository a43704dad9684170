"""The OpenAPI document: stable operation ids and the SSE event models."""

from __future__ import annotations

from fastapi.testclient import TestClient

EXPECTED_OPERATIONS = {
    ("post", "/v1/chat"): "chat",
    ("post", "/v1/chat/completions"): "create_chat_completion",
    ("post", "/v1/feedback"): "record_feedback",
    ("post", "/v1/events"): "record_events",
    ("get", "/v1/sessions/{session_id}"): "get_session",
    ("get", "/v1/shoppers/{shopper_id}/export"): "export_shopper",
    ("delete", "/v1/shoppers/{shopper_id}"): "delete_shopper",
    ("get", "/v1/products/{product_id}"): "get_product",
    ("get", "/v1/search"): "search_products",
    ("post", "/v1/catalog"): "upsert_products",
    ("get", "/healthz"): "health",
    ("get", "/readyz"): "ready",
    ("get", "/metrics"): "metrics",
}


def test_operation_ids_are_stable(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    found = {
        (method, path): op["operationId"]
        for path, item in spec["paths"].items()
        for method, op in item.items()
    }
    assert found == EXPECTED_OPERATIONS


def test_sse_route_documents_the_event_models(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    content = spec["paths"]["/v1/chat"]["post"]["responses"]["200"]["content"]
    assert content["text/event-stream"]["schema"] == {"$ref": "#/components/schemas/ChatEvent"}
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/ChatTurnPublic"}
    schemas = spec["components"]["schemas"]
    union = schemas["ChatEvent"]
    refs = {variant["$ref"].rsplit("/", 1)[1] for variant in union["oneOf"]}
    assert refs == {
        "PlanEvent",
        "ProductsEvent",
        "TokenEvent",
        "RecommendationsEvent",
        "ComparisonEvent",
        "DegradedEvent",
        "ErrorEvent",
        "DoneEvent",
    }
    assert union["discriminator"]["propertyName"] == "type"
    assert all(name in schemas for name in refs)
    chunk = spec["paths"]["/v1/chat/completions"]["post"]["responses"]["200"]["content"]["text/event-stream"]
    assert chunk["schema"]["$ref"].endswith("ChatCompletionChunkPublic")
    assert "ChatCompletionChunkPublic" in schemas


def test_bearer_auth_is_documented(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert spec["paths"]["/v1/chat"]["post"]["security"] == [{"HTTPBearer": []}]


def test_every_status_a_route_can_answer_is_documented(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            documented = set(op["responses"])
            needed = {"200"}
            if op.get("security"):
                needed |= {"401", "429", "503"}
            if "requestBody" in op:
                needed |= {"413", "415", "422"}
            if op.get("parameters"):
                needed.add("422")
            if op["operationId"] in {"upsert_products", "export_shopper", "delete_shopper"}:
                needed.add("403")
            if op["operationId"] in {"chat", "create_chat_completion"}:
                needed |= {"404", "502"}
                assert "X-Aisle-Session-Id" in op["responses"]["200"]["headers"]
            assert needed <= documented, (method, path, sorted(needed - documented))
            for status in documented - {"200"}:
                assert "application/json" in op["responses"][status]["content"], (method, path, status)
