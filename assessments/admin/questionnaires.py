"""Admin: the commission authors questionnaires (drafts), imports and exports them as JSON,
publishes them, copies a new version; assessments are shown read-only (they change through the
review loop, not by hand)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from assessments import questionnaire_services
from assessments.models import (
    Band,
    Check,
    Dimension,
    Item,
    LevelRule,
    Option,
    Questionnaire,
    Recommendation,
    SceneLevel,
)
from assessments.selectors import questionnaire_json
from core.errors import DomainError


def _published(obj) -> bool:
    questionnaire = obj if isinstance(obj, Questionnaire) else getattr(obj, "questionnaire", None)
    return questionnaire is not None and questionnaire.pk is not None and questionnaire.is_published


class ImmutableWhenPublished:
    """Published versions are read-only: no change, no delete, no inline rows (the model's rule)."""

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and _published(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and _published(obj):
            return False
        return super().has_delete_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        # Inlines are asked with their parent; model admins without an object.
        if obj is not None and _published(obj):
            return False
        if isinstance(self, admin.options.InlineModelAdmin):
            return super().has_add_permission(request, obj)
        return super().has_add_permission(request)


class DimensionInline(ImmutableWhenPublished, admin.TabularInline):
    model = Dimension
    extra = 0
    fields = ["position", "code", "name", "name_en"]
    show_change_link = True


class LevelRuleInline(ImmutableWhenPublished, admin.TabularInline):
    model = LevelRule
    extra = 0
    fields = ["level", "name", "name_en", "min_score", "scene_level", "min_scenes", "min_constraint_scenes"]


class RecommendationInline(ImmutableWhenPublished, admin.StackedInline):
    model = Recommendation
    extra = 0
    fields = ["position", "dimension", "below", "text", "text_en"]


class CheckInline(ImmutableWhenPublished, admin.StackedInline):
    model = Check
    extra = 0
    fields = ["position", "code", "conditions", "message", "message_en"]


MAX_IMPORT_BYTES = 2 * 1024 * 1024  # the shipped questionnaires are about 60 KB


class QuestionnaireImportForm(forms.Form):
    file = forms.FileField(
        label=_("Questionnaire file (JSON)"),
        help_text=_("A questionnaire document as in QUESTIONNAIRES.md, UTF-8 encoded."),
    )
    publish = forms.BooleanField(
        label=_("Publish it at once"),
        required=False,
        help_text=_("Otherwise it is imported as a draft, to check and publish later."),
    )


def read_uploaded_document(upload) -> tuple[Any, list[str]]:
    """The JSON document of an uploaded file (numbers exact, as the import command reads them),
    or the problems that keep it from being read."""
    if upload.size > MAX_IMPORT_BYTES:
        return None, [
            gettext("The file is larger than %(size)s MB.") % {"size": MAX_IMPORT_BYTES // (1024 * 1024)}
        ]
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [gettext("The file is not UTF-8 text.")]
    try:
        return json.loads(text, parse_float=Decimal), []
    except json.JSONDecodeError as exc:
        return None, [
            gettext("The file is not valid JSON (line %(line)s, column %(column)s): %(error)s")
            % {"line": exc.lineno, "column": exc.colno, "error": exc.msg}
        ]


def problem_list(errors: dict) -> list[str]:
    """The messages of a DomainError, flattened (every problem of the document, in order)."""
    problems: list[str] = []
    for messages_ in errors.values():
        problems.extend(str(m) for m in (messages_ if isinstance(messages_, list) else [messages_]))
    return problems


def export_response(questionnaire: Questionnaire) -> HttpResponse:
    """A download of exactly the file `manage.py export_questionnaire CODE VERSION -o FILE` writes."""
    response = HttpResponse(questionnaire_json(questionnaire), content_type="application/json; charset=utf-8")
    filename = f"{questionnaire.code}-v{questionnaire.version}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.register(Questionnaire)
class QuestionnaireAdmin(ImmutableWhenPublished, SimpleHistoryAdmin):
    list_display = ["code", "version", "sector", "title", "status", "published_at", "item_count"]
    list_filter = ["status", "sector", "code"]
    search_fields = ["code", "title", "title_en"]
    readonly_fields = ["status", "published_at", "created_at"]
    fields = [
        "code",
        "version",
        "sector",
        "title",
        "title_en",
        "description",
        "description_en",
        "status",
        "published_at",
        "created_at",
    ]
    inlines = [DimensionInline, LevelRuleInline, RecommendationInline, CheckInline]
    actions = ["publish", "new_version", "export_json"]
    # Templates (templates/admin/assessments/questionnaire/) take their words from the context:
    # the assessments catalogue translates them here.
    change_list_template = "admin/assessments/questionnaire/change_list.html"
    change_form_template = "admin/assessments/questionnaire/change_form.html"

    def get_urls(self):
        custom = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="assessments_questionnaire_import",
            ),
            path(
                "<path:object_id>/export/",
                self.admin_site.admin_view(self.export_view),
                name="assessments_questionnaire_export",
            ),
        ]
        return custom + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = extra_context or {}
        if self.has_add_permission(request):
            extra_context["import_json"] = {
                "url": reverse("admin:assessments_questionnaire_import"),
                "label": gettext("Import JSON"),
            }
        return super().changelist_view(request, extra_context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        extra_context = extra_context or {}
        extra_context["export_json"] = {
            "url": reverse("admin:assessments_questionnaire_export", args=[object_id]),
            "label": gettext("Export JSON"),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a questionnaire document: it is created (as a draft, or published), or nothing is
        and every problem of the document is listed."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = QuestionnaireImportForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            publish = form.cleaned_data["publish"]
            if publish and not self.has_change_permission(request):
                raise PermissionDenied
            document, problems = read_uploaded_document(form.cleaned_data["file"])
            if not problems:
                try:
                    questionnaire = questionnaire_services.import_questionnaire(
                        document=document, publish=publish
                    )
                except DomainError as exc:
                    problems = problem_list(exc.errors)
                else:
                    self.message_user(
                        request,
                        gettext("Imported %(code)s version %(version)s (%(status)s).")
                        % {
                            "code": questionnaire.code,
                            "version": questionnaire.version,
                            "status": questionnaire.get_status_display(),
                        },
                        messages.SUCCESS,
                    )
                    return redirect("admin:assessments_questionnaire_change", questionnaire.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import a questionnaire from JSON"),
            "form": form,
            "problems": problems,
            "words": {
                "intro": gettext(
                    "The file is checked as a whole: if anything is wrong, nothing is created and every "
                    "problem is listed. A code and version that already exist are refused."
                ),
                "problems": ngettext(
                    "Nothing was imported: %(n)d problem.",
                    "Nothing was imported: %(n)d problems.",
                    len(problems),
                )
                % {"n": len(problems)},
                "submit": gettext("Import"),
            },
        }
        return TemplateResponse(request, "admin/assessments/questionnaire/import.html", context)

    def export_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Download a questionnaire version as its JSON document."""
        questionnaire = self.get_object(request, unquote(object_id))
        if questionnaire is None:
            raise Http404
        if not self.has_view_permission(request, questionnaire):
            raise PermissionDenied
        return export_response(questionnaire)

    @admin.action(description=_("Export JSON"), permissions=["view"])
    def export_json(self, request: HttpRequest, queryset: QuerySet[Questionnaire]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(
                request, gettext("Choose exactly one questionnaire to export."), messages.WARNING
            )
            return None
        return export_response(queryset.get())

    @admin.display(description=_("number of items"))
    def item_count(self, obj: Questionnaire) -> int:
        return obj.items.count()

    def save_model(self, request, obj: Questionnaire, form, change: bool) -> None:
        questionnaire_services.ensure_editable(obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change: bool) -> None:
        questionnaire_services.ensure_editable(form.instance)
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj: Questionnaire) -> None:
        questionnaire_services.ensure_editable(obj)
        super().delete_model(request, obj)

    @admin.action(description=_("Publish the selected drafts (validated first)"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Questionnaire]) -> None:
        published = 0
        for questionnaire in queryset:
            try:
                questionnaire_services.publish_questionnaire(questionnaire=questionnaire)
                published += 1
            except DomainError as exc:
                problems = exc.errors.get("document") or exc.errors.get("detail") or [str(exc)]
                if not isinstance(problems, list):
                    problems = [problems]
                self.message_user(
                    request,
                    _("%(questionnaire)s was not published: %(problems)s")
                    % {"questionnaire": questionnaire, "problems": "; ".join(str(p) for p in problems)},
                    messages.ERROR,
                )
        if published:
            self.message_user(
                request,
                ngettext("%(n)d questionnaire published.", "%(n)d questionnaires published.", published)
                % {"n": published},
                messages.SUCCESS,
            )

    @admin.action(description=_("Start a new version as a copy"), permissions=["add"])
    def new_version(self, request: HttpRequest, queryset: QuerySet[Questionnaire]) -> None:
        for questionnaire in queryset:
            copy_ = questionnaire_services.new_questionnaire_version(questionnaire=questionnaire)
            self.message_user(
                request,
                _("Created %(code)s version %(version)s as a draft copy.")
                % {"code": copy_.code, "version": copy_.version},
                messages.SUCCESS,
            )


class OptionInline(ImmutableWhenPublished, admin.TabularInline):
    model = Option
    extra = 0
    fields = ["position", "code", "label", "label_en", "value", "exclusive"]


class BandInline(ImmutableWhenPublished, admin.TabularInline):
    model = Band
    extra = 0
    fields = ["position", "upto", "value"]


class SceneLevelInline(ImmutableWhenPublished, admin.TabularInline):
    model = SceneLevel
    extra = 0
    fields = ["level", "label", "label_en"]


@admin.register(Item)
class ItemAdmin(ImmutableWhenPublished, admin.ModelAdmin):
    list_display = ["code", "questionnaire", "dimension", "kind", "points", "required", "position"]
    list_filter = ["questionnaire", "kind", "required", "dimension__code"]
    search_fields = ["code", "text", "text_en"]
    list_select_related = ["questionnaire", "dimension"]
    fields = [
        "dimension",
        "position",
        "code",
        "kind",
        "points",
        "required",
        "text",
        "text_en",
        "help",
        "help_en",
        "when_item",
        "when_any",
        "constraint",
        "group",
        "group_en",
        "numerator_label",
        "numerator_label_en",
        "denominator_label",
        "denominator_label_en",
    ]
    inlines = [OptionInline, BandInline, SceneLevelInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "dimension":
            kwargs["queryset"] = Dimension.objects.filter(questionnaire__status="draft").select_related(
                "questionnaire"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj: Item, form, change: bool) -> None:
        # An item belongs to its dimension's questionnaire.
        obj.questionnaire = obj.dimension.questionnaire
        questionnaire_services.ensure_editable(obj.questionnaire)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change: bool) -> None:
        questionnaire_services.ensure_editable(form.instance.questionnaire)
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj: Item) -> None:
        questionnaire_services.ensure_editable(obj.questionnaire)
        super().delete_model(request, obj)


@admin.register(Dimension)
class DimensionAdmin(ImmutableWhenPublished, admin.ModelAdmin):
    list_display = ["code", "name", "questionnaire", "position"]
    list_filter = ["questionnaire"]
    fields = ["questionnaire", "position", "code", "name", "name_en"]

    def save_model(self, request, obj: Dimension, form, change: bool) -> None:
        questionnaire_services.ensure_editable(obj.questionnaire)
        super().save_model(request, obj, form, change)
