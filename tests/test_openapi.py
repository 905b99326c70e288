"""The OpenAPI spec is the mini-program's contract: it lists exactly the routes the API serves."""
import re

from server.app import create_app

API = "/api/mp/v1"


def served_operations(app):
    operations = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API) and rule.endpoint.startswith("mp_"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix(API))
            operations |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return operations


def test_the_spec_lists_exactly_the_routes_served(client, app):
    spec = client.get(f"{API}/openapi.json").get_json()
    documented = {(path.removeprefix(API), method) for path, item in spec["paths"].items() for method in item
                  if method in ("get", "post", "put", "patch", "delete")}
    assert documented == served_operations(app)
    assert len(documented) >= 10


def test_every_operation_documents_its_answer_and_protected_ones_their_bearer_token(client):
    spec = client.get(f"{API}/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            assert any(code.startswith("2") for code in operation["responses"]), f"{method} {path}"
            if not path.endswith(("/auth/login", "/ping")):
                assert operation.get("security") == [{"bearerAuth": []}], f"{method} {path}"


def test_the_visit_contract_names_its_fields(client):
    schemas = client.get(f"{API}/openapi.json").get_json()["components"]["schemas"]
    assert set(schemas["VisitIn"]["properties"]) >= {"id", "campaign_id", "household_id", "outcome", "visited_at",
                                                    "materials", "photo_file_id", "location", "pledge", "feedback",
                                                    "note"}
    assert set(schemas["VisitIn"]["required"]) == {"id", "campaign_id", "household_id", "outcome", "visited_at"}


def test_the_docs_page_loads_its_assets_from_this_server():
    app = create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    page = app.test_client().get(f"{API}/docs").get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(a.startswith(("/assets/vendor/swagger-ui/", "/static/")) for a in assets), assets
    for asset in assets:
        assert app.test_client().get(asset).status_code == 200, asset


#: Where the spec rightly takes any object: each visit of a batch is checked on its own, as for POST /visits, and
#: answered item by item (a whole batch is not refused for one bad visit).
FREE_FORM = {"SyncIn.visits.[].{}"}


def _untyped(name, node, path=()):
    """Every property (and list item) under ``node`` that says neither its type nor the schema it is."""
    if any(key in node for key in ("type", "$ref", "allOf", "anyOf", "oneOf")):
        for key in ("allOf", "anyOf", "oneOf"):
            for i, part in enumerate(node.get(key, [])):
                yield from _untyped(name, part, (*path, f"{key}[{i}]"))
        for prop, sub in node.get("properties", {}).items():
            yield from _untyped(name, sub, (*path, prop))
        if isinstance(node.get("items"), dict):
            yield from _untyped(name, node["items"], (*path, "[]"))
        if isinstance(node.get("additionalProperties"), dict):
            yield from _untyped(name, node["additionalProperties"], (*path, "{}"))
    else:
        yield ".".join((name, *path))


def test_the_spec_types_every_field_it_serves_and_lists_the_values_of_every_enum(client):
    spec = client.get(f"{API}/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    untyped = [field for name, schema in schemas.items() for field in _untyped(name, schema) if field not in FREE_FORM]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict):
                for parameter in operation.get("parameters", []):
                    untyped += _untyped(f"{method} {path} ?{parameter['name']}", parameter.get("schema", {}))
    assert untyped == []
    visit = schemas["VisitOut"]["properties"]
    assert visit["outcome"]["enum"] == ["contacted", "not_home", "refused", "vacant"]
    assert "$ref" in str(visit["pledge"]) and "$ref" in str(visit["feedback"])
