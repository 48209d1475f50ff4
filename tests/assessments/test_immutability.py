"""Published questionnaire versions are immutable at the model level too (issue 3: "model, admin
and API refuse"): saving or deleting the questionnaire or any of its rows raises StateConflict."""

from __future__ import annotations

from decimal import Decimal

import pytest

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
from core.errors import StateConflict
from tests.assessments.conftest import mini_document

pytestmark = pytest.mark.django_db

CHILD_MODELS = [Dimension, Item, Option, Band, SceneLevel, LevelRule, Recommendation, Check]


def rows_of(questionnaire: Questionnaire, model):
    if model in (Option, Band, SceneLevel):
        return model.objects.filter(item__questionnaire=questionnaire)
    return model.objects.filter(questionnaire=questionnaire)


@pytest.fixture
def published():
    return questionnaire_services.import_questionnaire(document=mini_document(code="immutable"), publish=True)


@pytest.fixture
def draft():
    return questionnaire_services.import_questionnaire(document=mini_document(code="editable"))


def test_a_published_questionnaire_cannot_be_saved_or_deleted(published):
    published.title = "改过的标题"
    with pytest.raises(StateConflict, match="已发布"):
        published.save()
    with pytest.raises(StateConflict):
        published.delete()
    # A stale copy still held as a draft is refused too: the stored row decides.
    stale = Questionnaire.objects.get(pk=published.pk)
    stale.status = Questionnaire.Status.DRAFT
    with pytest.raises(StateConflict):
        stale.save()
    published.refresh_from_db()
    assert published.title != "改过的标题" and published.is_published


@pytest.mark.parametrize("model", CHILD_MODELS, ids=lambda m: m.__name__)
def test_rows_of_a_published_version_cannot_be_saved_or_deleted(published, model):
    row = rows_of(published, model).first()
    assert row is not None
    with pytest.raises(StateConflict):
        row.save()
    with pytest.raises(StateConflict):
        row.delete()
    assert model.objects.filter(pk=row.pk).exists()


def test_new_rows_cannot_be_added_to_a_published_version(published):
    dimension = published.dimensions.get(code="foundation")
    item = published.items.get(code="F-SYS")
    ratio = published.items.get(code="F-DIG")
    scene = published.items.get(code="S1")
    new_rows = [
        Item(
            questionnaire=published,
            dimension=dimension,
            code="NEW",
            kind="text",
            text="新题",
            text_en="New",
        ),
        Option(item=item, code="e", label="新选项", label_en="New", value=Decimal("0.5")),
        Band(item=ratio, position=9, upto=Decimal(1), value=Decimal(1)),
        SceneLevel(item=scene, level=4, label="x", label_en="x"),
        LevelRule(questionnaire=published, level=9, name="九级", name_en="L9", min_score=Decimal(99)),
        Recommendation(
            questionnaire=published, dimension="outcome", below=Decimal(50), text="x", text_en="x"
        ),
        Check(questionnaire=published, code="K-NEW", conditions=[], message="x", message_en="x"),
    ]
    for row in new_rows:
        with pytest.raises(StateConflict):
            row.save()
    assert not Item.objects.filter(questionnaire=published, code="NEW").exists()


def test_a_row_cannot_be_moved_out_of_a_published_version(published, draft):
    option = Option.objects.get(item__questionnaire=published, item__code="F-SYS", code="a")
    option.item = draft.items.get(code="F-SYS")
    with pytest.raises(StateConflict):
        option.save()


def test_drafts_stay_editable_and_publishing_still_works(draft):
    item = draft.items.get(code="F-SYS")
    item.text = "改过的题目"
    item.save()
    option = item.options.get(code="a")
    option.label = "改过的选项"
    option.save()
    draft.title = "改过的标题"
    draft.save()
    questionnaire_services.publish_questionnaire(questionnaire=draft)
    draft.refresh_from_db()
    assert draft.is_published and draft.items.get(code="F-SYS").text == "改过的题目"
    # ... and from then on it is frozen.
    with pytest.raises(StateConflict):
        draft.items.get(code="F-SYS").save()
    # A new version starts as an editable copy.
    copy_ = questionnaire_services.new_questionnaire_version(questionnaire=draft)
    copy_.items.get(code="F-SYS").save()
    copy_.items.get(code="F-SYS").delete()


def test_a_draft_can_be_deleted_with_its_rows(draft):
    pk = draft.pk
    draft.delete()
    assert not Questionnaire.objects.filter(pk=pk).exists()
    assert not Item.objects.filter(questionnaire_id=pk).exists()
