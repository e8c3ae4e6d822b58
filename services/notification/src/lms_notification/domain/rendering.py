"""Templates: declared variables checked at save time, sandboxed rendering, locale fallback."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta
from jinja2 import Template as JinjaTemplate
from jinja2.sandbox import SandboxedEnvironment

from lms_kit.domain import FieldViolation, Invalid
from lms_notification.domain.catalog import Channel, NotificationType
from lms_notification.domain.errors import UnknownLocale

DEFAULT_LOCALE = "en"
# Variables every template may use besides its type's own.
PLATFORM_VARIABLES = frozenset({"app_name", "unsubscribe_url"})
# The variables of one send together (the rendered message is bounded separately).
MAX_VARIABLES_BYTES = 16 * 1024

# Sandboxed: templates are written by administrators, never trusted with Python objects.
_TEXT = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
_HTML = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True, keep_trailing_newline=True)


@dataclass(frozen=True, slots=True)
class TemplateKey:
    type: str
    channel: Channel
    locale: str

    @property
    def id(self) -> str:
        return f"{self.type}.{self.channel.value}.{self.locale}"

    @classmethod
    def parse(cls, template_id: str) -> TemplateKey | None:
        parts = template_id.split(".")
        if len(parts) != 3:
            return None
        try:
            return cls(parts[0], Channel(parts[1]), parts[2])
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class Template:
    key: TemplateKey
    subject: str
    text_body: str
    html_body: str = ""
    bundled: bool = False
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text_body: str
    html_body: str
    locale: str


def check_template(template: Template, ntype: NotificationType, *, prefix: str = "template.") -> None:
    """Refuse (INVALID_ARGUMENT) a template that does not parse or uses an undeclared variable."""
    allowed = ntype.declared | PLATFORM_VARIABLES
    violations: list[FieldViolation] = []
    parts = {"subject": template.subject, "text_body": template.text_body, "html_body": template.html_body}
    for part, source in parts.items():
        try:
            used = meta.find_undeclared_variables(_TEXT.parse(source))
        except TemplateSyntaxError as error:
            violations.append(
                FieldViolation(prefix + part, f"does not parse: {error.message}", "TEMPLATE_SYNTAX")
            )
            continue
        for name in sorted(used - allowed):
            violations.append(
                FieldViolation(
                    prefix + part,
                    f"uses {name!r}, which {ntype.name} does not declare ({', '.join(sorted(allowed))})",
                    "UNKNOWN_VARIABLE",
                )
            )
        if used <= allowed:
            # A trial render with the samples catches what parsing cannot (sandbox refusals).
            env = _HTML if part == "html_body" else _TEXT
            samples = {**{name: "" for name in allowed}, **ntype.variables}
            try:
                env.from_string(source).render(samples)
            except TemplateError as error:
                violations.append(FieldViolation(prefix + part, f"cannot render: {error}", "TEMPLATE_SYNTAX"))
    if violations:
        reason = violations[0].reason if len({v.reason for v in violations}) == 1 else "INVALID_FIELDS"
        raise Invalid(violations, reason=reason)


def check_variables(
    ntype: NotificationType, variables: Mapping[str, str], *, field_path: str = "variables"
) -> None:
    """Refuse variables the type does not declare, and more than MAX_VARIABLES_BYTES of them."""
    violations = [
        FieldViolation(
            f"{field_path}[{name!r}]", f"{ntype.name} declares no variable {name!r}", "UNKNOWN_VARIABLE"
        )
        for name in sorted(set(variables) - ntype.declared)
    ]
    size = sum(len(k.encode()) + len(v.encode()) for k, v in variables.items())
    if size > MAX_VARIABLES_BYTES:
        violations.append(
            FieldViolation(
                field_path, f"{size} bytes of variables; at most {MAX_VARIABLES_BYTES}", "PAYLOAD_TOO_LARGE"
            )
        )
    if violations:
        reason = violations[0].reason if len({v.reason for v in violations}) == 1 else "INVALID_FIELDS"
        raise Invalid(violations, reason=reason)


def render(template: Template, variables: Mapping[str, str]) -> Rendered:
    """Render every part; a variable the template uses but `variables` lacks renders as empty."""
    values = _complete(template, variables)
    return Rendered(
        subject=_compiled(template.subject, html=False).render(values).strip(),
        text_body=_compiled(template.text_body, html=False).render(values),
        html_body=_compiled(template.html_body, html=True).render(values) if template.html_body else "",
        locale=template.key.locale,
    )


# Compiling is most of a render's cost; the same few templates render for every recipient.
@functools.lru_cache(maxsize=512)
def _compiled(source: str, *, html: bool) -> JinjaTemplate:
    return (_HTML if html else _TEXT).from_string(source)


@functools.lru_cache(maxsize=512)
def _used(source: str) -> frozenset[str]:
    return frozenset(meta.find_undeclared_variables(_TEXT.parse(source)))


def _complete(template: Template, variables: Mapping[str, str]) -> dict[str, str]:
    # StrictUndefined still catches misspellings at save time; at send time a declared but
    # unsupplied value is blank rather than a lost notification.
    used = _used(template.subject) | _used(template.text_body) | _used(template.html_body)
    return {**{name: "" for name in used}, **variables}


def locale_chain(locale: str) -> list[str]:
    """`pt-BR` -> [`pt-BR`, `pt`, `en`]: the locales tried in order."""
    chain: list[str] = []
    parts = locale.split("-") if locale else []
    while parts:
        chain.append("-".join(parts))
        parts = parts[:-1]
    if DEFAULT_LOCALE not in chain:
        chain.append(DEFAULT_LOCALE)
    return chain


def check_locale(locale: str, supported: Iterable[str], *, field_path: str = "locale") -> None:
    """Refuse a locale whose language the platform has no templates for (UNKNOWN_LOCALE)."""
    if not locale:
        return
    languages = {s.split("-")[0].lower() for s in supported}
    if locale.split("-")[0].lower() not in languages:
        raise UnknownLocale(locale, field_path)
