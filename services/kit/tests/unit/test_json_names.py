"""Field paths renamed to the JSON names a REST client used."""

from lms.testing.v1 import probe_pb2 as p
from lms.user.v1 import user_pb2
from lms_kit.json_names import camel, json_path, request_type


def test_top_level_and_nested_fields_take_their_json_names():
    request = p.CreateWidgetRequest.DESCRIPTOR
    assert json_path(request, "request_id") == "requestId"
    assert json_path(request, "widget.contact_email") == "widget.contactEmail"
    assert json_path(request, "widget") == "widget"


def test_indexes_are_kept_and_the_walk_continues_into_the_element():
    update = user_pb2.UpdateUserRequest.DESCRIPTOR
    assert json_path(update, "user.display_name") == "user.displayName"
    assert json_path(update, "update_mask.paths[0]") == "updateMask.paths[0]"


def test_unknown_segments_are_camel_cased_as_protoc_would():
    assert json_path(None, "items[2].correct_choice_ids") == "items[2].correctChoiceIds"
    assert json_path(p.CreateWidgetRequest.DESCRIPTOR, "no_such.field_name") == "noSuch.fieldName"
    assert camel("new_password") == "newPassword"
    assert json_path(None, "") == ""


def test_the_request_type_is_found_from_the_method_path():
    assert request_type("/lms.user.v1.UserService/ResetPassword") is user_pb2.ResetPasswordRequest.DESCRIPTOR
    assert request_type("/lms.user.v1.UserService/NoSuchMethod") is None
    assert request_type("/no.such.Service/Method") is None
