"""The platform's default templates, shipped with the package (bundled/templates.json)."""

from __future__ import annotations

import json
from importlib import resources

from lms_notification.domain.catalog import notification_type
from lms_notification.domain.rendering import Template, TemplateKey, check_template


def bundled_templates() -> dict[str, Template]:
    """Every bundled template by id, each checked like a saved one (a bad file fails start-up)."""
    data = json.loads(
        resources.files("lms_notification.bundled").joinpath("templates.json").read_text("utf-8")
    )
    found: dict[str, Template] = {}
    for template_id, parts in data.items():
        key = TemplateKey.parse(template_id)
        if key is None:
            raise ValueError(f"bundled template {template_id!r}: not type.channel.locale")
        template = Template(
            key, parts["subject"], parts["text_body"], parts.get("html_body", ""), bundled=True
        )
        check_template(template, notification_type(key.type))
        found[template_id] = template
    return found
