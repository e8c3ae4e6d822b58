"""The OpenAPI document (gen/openapi/lms.openapi.json) is a valid OpenAPI 3.0.3
document, fresh against the contracts, and maps every `google.api.http` rule
the way the gateway's transcoder serves it. Mapping rules are proven on a small
contract compiled here, so they hold whatever the real contracts contain."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest
from google.api import annotations_pb2
from google.protobuf import descriptor_pb2
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "gen_openapi.py"
COMMITTED = ROOT / "gen" / "openapi" / "lms.openapi.json"
DESCRIPTOR_SET = ROOT / "gen" / "descriptors" / "lms.binpb"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_openapi", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_openapi", module)
    spec.loader.exec_module(module)
    return module


gen_openapi = _load_generator()


def _http_rules(descriptor_path: Path, *, include_testing: bool) -> set[tuple[str, str, str]]:
    """(rpc, verb, template) of every rule, read straight from the descriptor protos."""
    files = descriptor_pb2.FileDescriptorSet.FromString(descriptor_path.read_bytes()).file
    found = set()
    for file in files:
        if not file.package.startswith("lms.") or (
            file.package.startswith("lms.testing.") and not include_testing
        ):
            continue
        for service in file.service:
            for method in service.method:
                if not method.options.HasExtension(annotations_pb2.http):
                    continue
                rule = method.options.Extensions[annotations_pb2.http]
                for r in [rule, *rule.additional_bindings]:
                    verb = r.WhichOneof("pattern")
                    found.add((f"{file.package}.{service.name}.{method.name}", verb, getattr(r, verb)))
    return found


def _operations(document: dict) -> list[tuple[str, str, dict]]:
    return [(path, verb, op) for path, item in document["paths"].items() for verb, op in item.items()]


# -- the committed document ------------------------------------------------------------------------


def test_the_committed_document_is_a_valid_openapi_3_document() -> None:
    document = json.loads(COMMITTED.read_text())
    assert document["openapi"] == "3.0.3"
    validate(document)  # raises on the first violation of the OpenAPI 3.0 schema


def test_the_committed_document_is_fresh() -> None:
    assert COMMITTED.read_text() == gen_openapi.render(gen_openapi.build(DESCRIPTOR_SET)), (
        "gen/openapi/lms.openapi.json is stale: run `python scripts/gen_openapi.py`"
    )


def test_every_http_rule_of_the_contracts_is_an_operation() -> None:
    document = json.loads(COMMITTED.read_text())
    mapped = {
        (op["x-lms-rpc"], verb, template)
        for _, _, op in _operations(document)
        for verb, template in op["x-lms-http-rule"].items()
    }
    rules = _http_rules(DESCRIPTOR_SET, include_testing=False)
    assert rules, "the contracts have no google.api.http rules"
    assert mapped == rules
    # Every operation is where its rule says, under the HTTP method it says.
    for path, verb, op in _operations(document):
        assert list(op["x-lms-http-rule"]) == [verb]
        assert path.split("/")[1] == op["x-lms-http-rule"][verb].split("/")[1]


def test_the_probe_is_left_out_unless_asked_for(tmp_path: Path) -> None:
    document = json.loads(COMMITTED.read_text())
    assert not [op for _, _, op in _operations(document) if op["x-lms-rpc"].startswith("lms.testing.")]

    out = tmp_path / "with-probe.json"
    subprocess.run(
        [sys.executable, str(SCRIPT), "--include-testing", "--out", str(out)], check=True, capture_output=True
    )
    with_probe = json.loads(out.read_text())
    validate(with_probe)
    rpcs = {op["x-lms-rpc"] for _, _, op in _operations(with_probe)}
    assert "lms.testing.v1.ProbeService.Echo" in rpcs
    assert rpcs >= {op["x-lms-rpc"] for _, _, op in _operations(document)}


def test_check_fails_on_a_stale_document(tmp_path: Path) -> None:
    stale = tmp_path / "lms.openapi.json"
    stale.write_text(COMMITTED.read_text().replace('"openapi": "3.0.3"', '"openapi": "3.0.2"'))
    failed = subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--out", str(stale)], capture_output=True, text=True
    )
    assert failed.returncode == 1
    assert "stale" in failed.stdout
    stale.write_text(COMMITTED.read_text())
    fresh = subprocess.run([sys.executable, str(SCRIPT), "--check", "--out", str(stale)], capture_output=True)
    assert fresh.returncode == 0


def test_error_responses_are_google_rpc_status() -> None:
    document = json.loads(COMMITTED.read_text())
    status = document["components"]["schemas"]["google.rpc.Status"]
    assert set(status["properties"]) == {"code", "message", "details"}
    assert status["properties"]["details"]["items"]["required"] == ["@type"]
    for _, _, op in _operations(document):
        errors = {code for code in op["responses"] if code != "200"}
        assert {"400", "401", "403", "404", "429", "500", "503"} <= errors
        for code in errors:
            ref = op["responses"][code]["$ref"].rsplit("/", 1)[1]
            schema = document["components"]["responses"][ref]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/google.rpc.Status"}


# -- mapping rules, on a contract of our own ---------------------------------------------------------

SAMPLE_PROTO = """\
syntax = "proto3";

package lms.sample.v1;

import "google/api/annotations.proto";
import "google/api/field_behavior.proto";
import "google/api/resource.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/field_mask.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
import "lms/options/v1/options.proto";

// ShelfService keeps shelves of books.
service ShelfService {
  // GetBook returns a book. Anyone may read.
  rpc GetBook(GetBookRequest) returns (Book) {
    option (google.api.http) = {
      get: "/v1/{name=shelves/*/books/*}"
      additional_bindings {get: "/v1/books/{book_id}"}
    };
    option (lms.options.v1.access) = {anonymous: true};
  }

  // UpdateBook changes a book.
  rpc UpdateBook(UpdateBookRequest) returns (Book) {
    option (google.api.http) = {
      patch: "/v1/{book.name=shelves/*/books/*}"
      body: "book"
    };
    option (lms.options.v1.access) = {owner_field: "book.name" roles: [ROLE_ADMIN]};
  }

  // ShelveBook moves a book to a shelf.
  rpc ShelveBook(ShelveBookRequest) returns (ShelveBookResponse) {
    option (google.api.http) = {
      post: "/v1/{name=shelves/*/books/*}:shelve"
      body: "*"
      response_body: "book"
    };
    option (lms.options.v1.access) = {authenticated: true};
  }

  // Internal has no REST mapping.
  rpc Internal(GetBookRequest) returns (Book) {
    option (lms.options.v1.access) = {services: ["search"]};
  }
}

// Shelf is a shelf.
message Shelf {
  option (google.api.resource) = {
    type: "sample.lms/Shelf"
    pattern: "shelves/{shelf_id}"
  };
  // The name.
  string name = 1;
}

// Genre is a kind of book.
enum Genre {
  // Not set.
  GENRE_UNSPECIFIED = 0;
  // Made up.
  GENRE_FICTION = 1;
}

// Book is a book.
message Book {
  // Resource name `shelves/{shelf}/books/{book}`.
  string name = 1 [(lms.options.v1.field) = {required: true pattern: "shelves/[^/]+/books/[^/]+"}];
  // Page count.
  int64 pages = 2;
  // Genre.
  Genre genre = 3;
  // When it was added.
  google.protobuf.Timestamp create_time = 4 [(google.api.field_behavior) = OUTPUT_ONLY];
  // Reading time.
  google.protobuf.Duration reading_time = 5;
  // Subtitle, if any.
  google.protobuf.StringValue subtitle = 6;
  // Labels.
  map<string, int32> labels = 7;
  // Tags, at most 5.
  repeated string tags = 8 [(lms.options.v1.field) = {max_items: 5 max_len: 20}];
  // Title, 1 to 80 characters.
  string title = 9 [(lms.options.v1.field) = {required: true max_len: 80}];
  // Contact, an email or empty.
  string contact = 10 [(lms.options.v1.field) = {email: true ignore_empty: true}];
  // Rating 1 to 5.
  int32 rating = 11 [(lms.options.v1.field) = {has_min: true min: 1 has_max: true max: 5}];
  // Anything.
  google.protobuf.Struct extra = 12;
  // Where it is.
  oneof location {
    // On a shelf.
    string shelf = 13;
    // Lent to someone.
    string borrower = 14;
  }
  // Blob.
  bytes cover = 15 [(lms.options.v1.field) = {max_len: 10}];
}

// GetBookRequest names a book.
message GetBookRequest {
  // Resource name.
  string name = 1 [(google.api.field_behavior) = REQUIRED];
  // A book id.
  string book_id = 2;
  // Read as of this time.
  google.protobuf.Timestamp read_time = 3;
  // Filter.
  Filter filter = 4;
  // Idempotency key.
  string request_id = 5 [(lms.options.v1.field) = {uuid: true ignore_empty: true}];
  // Genres.
  repeated Genre genres = 6;
}

// Filter filters.
message Filter {
  // Minimum pages.
  int32 min_pages = 1;
  // Nested.
  Filter inner = 2;
}

// UpdateBookRequest changes a book.
message UpdateBookRequest {
  // The book.
  Book book = 1 [(lms.options.v1.field) = {required: true}];
  // Fields to change.
  google.protobuf.FieldMask update_mask = 2;
}

// ShelveBookRequest shelves a book.
message ShelveBookRequest {
  // The book.
  string name = 1;
  // The shelf.
  string shelf = 2 [(google.api.field_behavior) = REQUIRED];
  // Required kind.
  Genre genre = 3 [(lms.options.v1.field) = {required: true}];
}

// ShelveBookResponse wraps the book.
message ShelveBookResponse {
  // The shelved book.
  Book book = 1;
}
"""


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict:
    import grpc_tools
    from grpc_tools import protoc

    work = tmp_path_factory.mktemp("sample")
    proto = work / "lms" / "sample" / "v1" / "sample.proto"
    proto.parent.mkdir(parents=True)
    proto.write_text(textwrap.dedent(SAMPLE_PROTO))
    out = work / "sample.binpb"
    well_known = Path(grpc_tools.__file__).parent / "_proto"
    code = protoc.main(
        [
            "protoc",
            f"-I{work}",
            f"-I{ROOT / 'protos'}",
            f"-I{well_known}",
            "--include_imports",
            "--include_source_info",
            f"--descriptor_set_out={out}",
            "lms/sample/v1/sample.proto",
            "google/rpc/status.proto",
            "google/rpc/error_details.proto",
        ]
    )
    assert code == 0
    document = gen_openapi.build(out)
    validate(document)
    return document


def _schema(document: dict, name: str) -> dict:
    return document["components"]["schemas"][name]


def test_resource_name_variables_become_one_parameter_per_segment(sample: dict) -> None:
    get = sample["paths"]["/v1/shelves/{shelfId}/books/{book}"]["get"]
    path_params = [p for p in get["parameters"] if p["in"] == "path"]
    assert [p["name"] for p in path_params] == ["shelfId", "book"]  # resource pattern, then collection
    assert all(p["required"] and p["x-lms-field"] == "name" for p in path_params)
    assert all(p["schema"]["pattern"] == gen_openapi.SEGMENT_PATTERN for p in path_params)
    # A plain variable keeps the field's JSON name; additional bindings are operations too.
    alt = sample["paths"]["/v1/books/{bookId}"]["get"]
    assert alt["x-lms-http-rule"] == {"get": "/v1/books/{book_id}"}
    assert get["operationId"] != alt["operationId"]
    # Verbs stay on the last segment.
    assert "post" in sample["paths"]["/v1/shelves/{shelfId}/books/{book}:shelve"]


def test_without_a_body_the_other_fields_are_query_parameters_with_dotted_names(sample: dict) -> None:
    get = sample["paths"]["/v1/shelves/{shelfId}/books/{book}"]["get"]
    query = {p["name"]: p for p in get["parameters"] if p["in"] == "query"}
    # name is in the path; nested messages flatten with dots, recursion stops; repeated explode.
    assert set(query) == {"bookId", "readTime", "filter.minPages", "requestId", "genres"}
    assert query["readTime"]["schema"] == {"type": "string", "format": "date-time"}
    assert query["filter.minPages"]["schema"]["type"] == "integer"
    assert query["genres"]["explode"] is True and query["genres"]["schema"]["type"] == "array"
    assert "requestBody" not in get


def test_a_body_field_is_the_body_minus_path_fields_and_the_rest_is_query(sample: dict) -> None:
    patch = sample["paths"]["/v1/shelves/{shelfId}/books/{book}"]["patch"]
    assert [p["name"] for p in patch["parameters"] if p["in"] == "query"] == ["updateMask"]
    body_ref = patch["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = _schema(sample, body_ref.rsplit("/", 1)[1])
    assert "name" not in body["properties"] and "name" not in body.get("required", [])
    assert "title" in body["required"]


def test_body_star_takes_the_request_minus_path_fields_and_response_body_a_field(sample: dict) -> None:
    post = sample["paths"]["/v1/shelves/{shelfId}/books/{book}:shelve"]["post"]
    assert not [p for p in post.get("parameters", []) if p["in"] == "query"]
    body_ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = _schema(sample, body_ref.rsplit("/", 1)[1])
    assert set(body["properties"]) == {"shelf", "genre"}
    assert body["required"] == ["shelf", "genre"]
    # A required enum cannot be its _UNSPECIFIED zero.
    assert body["properties"]["genre"]["enum"] == ["GENRE_FICTION"]
    ok = post["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["allOf"] == [{"$ref": "#/components/schemas/lms.sample.v1.Book"}]


def test_messages_follow_the_proto3_json_mapping(sample: dict) -> None:
    book = _schema(sample, "lms.sample.v1.Book")
    props = book["properties"]
    assert "createTime" in props and "create_time" not in props  # camelCase names
    assert props["pages"]["type"] == "string" and props["pages"]["format"] == "int64"
    assert props["genre"]["allOf"] == [{"$ref": "#/components/schemas/lms.sample.v1.Genre"}]
    assert _schema(sample, "lms.sample.v1.Genre")["enum"] == ["GENRE_UNSPECIFIED", "GENRE_FICTION"]
    assert props["createTime"]["format"] == "date-time" and props["createTime"]["readOnly"] is True
    assert props["readingTime"]["pattern"].endswith("s$")
    assert props["subtitle"] == {"description": "Subtitle, if any.", "type": "string", "nullable": True}
    assert props["labels"]["additionalProperties"]["type"] == "integer"
    assert props["extra"]["type"] == "object"
    assert props["cover"]["format"] == "byte" and props["cover"]["maxLength"] == 16  # base64 of 10 bytes
    assert book["x-lms-oneofs"] == {"location": ["shelf", "borrower"]}
    assert "At most one of `shelf`, `borrower`" in book["description"]
    assert props["pages"]["description"] == "Page count."  # proto comments are the docs


def test_field_rules_become_json_schema_constraints(sample: dict) -> None:
    props = _schema(sample, "lms.sample.v1.Book")["properties"]
    assert set(_schema(sample, "lms.sample.v1.Book")["required"]) == {"name", "title"}
    assert props["name"]["pattern"] == "^(?:shelves/[^/]+/books/[^/]+)$"
    assert props["title"]["minLength"] == 1 and props["title"]["maxLength"] == 80
    assert props["tags"]["maxItems"] == 5 and props["tags"]["items"]["maxLength"] == 20
    assert props["rating"]["minimum"] == 1 and props["rating"]["maximum"] == 5
    # ignore_empty: empty, or a value that keeps the rule.
    assert props["contact"]["anyOf"] == [{"maxLength": 0}, {"format": "email"}]
    query = {p["name"]: p for p in sample["paths"]["/v1/books/{bookId}"]["get"]["parameters"]}
    assert query["requestId"]["schema"]["anyOf"][1]["format"] == "uuid"


def test_security_follows_the_access_policy(sample: dict) -> None:
    paths = sample["paths"]
    anonymous = paths["/v1/shelves/{shelfId}/books/{book}"]["get"]
    owner = paths["/v1/shelves/{shelfId}/books/{book}"]["patch"]
    assert "security" not in anonymous and "**Access:** anyone" in anonymous["description"]
    assert owner["security"] == [{"bearerAuth": []}]
    assert "role admin or the owner of the resource named by `book.name`" in owner["description"]
    assert sample["components"]["securitySchemes"]["bearerAuth"]["bearerFormat"] == "JWT"
    assert not [op for _, _, op in _operations(sample) if op["x-lms-rpc"].endswith(".Internal")]


def test_output_is_deterministic(sample: dict) -> None:
    again = gen_openapi.build(DESCRIPTOR_SET)
    assert gen_openapi.render(again) == gen_openapi.render(gen_openapi.build(DESCRIPTOR_SET))
    assert list(again["paths"]) == sorted(again["paths"])
