"""Templates (administrators): read, list, save with their variables checked, preview."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from lms_kit.domain import Clock, FieldViolation, Invalid, utc_now
from lms_notification.domain.catalog import CATALOG, notification_type
from lms_notification.domain.errors import TemplateNotFound
from lms_notification.domain.rendering import (
    Rendered,
    Template,
    TemplateKey,
    check_locale,
    check_template,
    render,
)
from lms_notification.handlers.ports import NotificationUnitOfWork


class TemplateHandlers:
    def __init__(
        self,
        uow: Callable[[], NotificationUnitOfWork],
        bundled: Mapping[str, Template],
        *,
        locales: tuple[str, ...],
        app_name: str = "LMS",
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._bundled = bundled
        self._locales = locales
        self._app_name = app_name
        self._clock = clock

    async def get(self, template_id: str) -> Template:
        key = _key(template_id, "name")
        async with self._uow() as uow:
            found = await uow.templates.get(key)
        found = found or self._bundled.get(key.id)
        if found is None:
            raise TemplateNotFound(f"templates/{template_id}")
        return found

    async def listing(self, type_name: str = "") -> list[Template]:
        async with self._uow() as uow:
            saved = {t.key.id: t for t in await uow.templates.of_type(type_name)}
        bundled = {k: t for k, t in self._bundled.items() if not type_name or t.key.type == type_name}
        return [t for _, t in sorted({**bundled, **saved}.items())]

    async def save(self, template_id: str, subject: str, text_body: str, html_body: str) -> Template:
        """Create or replace; refused when a body uses an undeclared variable or does not parse."""
        key = _key(template_id, "template.name")
        ntype = notification_type(key.type, field_path="template.name")
        check_locale(key.locale, self._locales, field_path="template.name")
        template = Template(key, subject, text_body, html_body, updated_at=self._clock())
        check_template(template, ntype)
        async with self._uow() as uow:
            saved = await uow.templates.save(template)
            await uow.commit()
        return saved

    async def preview(self, template_id: str, variables: Mapping[str, str]) -> Rendered:
        template = await self.get(template_id)
        ntype = notification_type(template.key.type, field_path="name")
        unknown = sorted(set(variables) - ntype.declared)
        if unknown:
            raise Invalid(
                [
                    FieldViolation(f"variables[{n!r}]", f"{ntype.name} declares no {n!r}", "UNKNOWN_VARIABLE")
                    for n in unknown
                ],
                reason="UNKNOWN_VARIABLE",
            )
        values = {
            **ntype.variables,
            "app_name": self._app_name,
            "unsubscribe_url": "https://lms.example/unsubscribe?token=sample",
            **variables,
        }
        return render(template, values)


def _key(template_id: str, field_path: str) -> TemplateKey:
    key = TemplateKey.parse(template_id)
    if key is None or key.type not in CATALOG:
        if key is not None:
            notification_type(key.type, field_path=field_path)
        raise Invalid.field(field_path, "INVALID_FORMAT", "templates/{type}.{channel}.{locale}")
    return key
