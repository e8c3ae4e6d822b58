"""lms_kit: the shared runtime every LMS service stands on.

A service states what it is in a `lms_kit.service.ServiceDefinition` and wires its adapters
and handlers in `wire(runtime)`; `serve_service` does the rest (docs/kit.md).
"""
