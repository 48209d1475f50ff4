"""Import, export, validation, publishing and new versions of questionnaire documents."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from assessments import questionnaire_services
from assessments.documents import validate_document
from assessments.models import Item, Questionnaire
from assessments.selectors import questionnaire_document
from core.errors import DomainError, StateConflict

FIXTURE = Path(__file__).parent / "fixtures" / "mini.json"
MINI = json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def in_english():
    """The messages are asserted in English here (Chinese is the default language)."""
    with translation.override("en"):
        yield


def mini(**changes) -> dict:
    document = copy.deepcopy(MINI)
    document.update(changes)
    return document


def test_the_fixture_is_valid():
    assert validate_document(MINI) == []


@pytest.mark.django_db
def test_export_of_an_import_gives_the_same_document(tmp_path):
    call_command("import_questionnaire", str(FIXTURE), stdout=io.StringIO())
    out = io.StringIO()
    call_command("export_questionnaire", "mini", "1", stdout=out)
    assert json.loads(out.getvalue()) == MINI
    target = tmp_path / "out.json"
    call_command("export_questionnaire", "mini", "1", "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8")) == MINI


@pytest.mark.django_db
def test_import_with_publish_and_without():
    call_command("import_questionnaire", str(FIXTURE), "--publish", stdout=io.StringIO())
    questionnaire = Questionnaire.objects.get(code="mini", version=1)
    assert questionnaire.status == "published" and questionnaire.published_at is not None
    draft = questionnaire_services.import_questionnaire(document=mini(version=2))
    assert draft.status == "draft" and draft.published_at is None
    assert Item.objects.filter(questionnaire=draft).count() == 12  # 6 + 4 scenes + 1 + 1


@pytest.mark.django_db
def test_import_refuses_an_existing_version():
    questionnaire_services.import_questionnaire(document=mini())
    with pytest.raises(DomainError) as caught:
        questionnaire_services.import_questionnaire(document=mini())
    assert "version" in caught.value.errors
    assert Questionnaire.objects.filter(code="mini").count() == 1


def test_export_document_identity_for_the_api(db):
    questionnaire = questionnaire_services.import_questionnaire(document=mini(), publish=True)
    document = questionnaire_document(questionnaire)
    assert document["id"] == questionnaire.pk and document["status"] == "published"
    assert document["published_at"]
    without = {k: v for k, v in document.items() if k not in ("id", "status", "published_at")}
    # The API names the level rule even where the file leaves out the default (`local`).
    assert without == {**MINI, "rule": "local"}


# --- validation names every problem -------------------------------------------------------------


def item(document: dict, code: str) -> dict:
    return next(i for d in document["dimensions"] for i in d["items"] if i["code"] == code)


def _dup_item(d):
    d["dimensions"][3]["items"].append(copy.deepcopy(item(d, "M-PLAN")))


def _points_unscored(d):
    item(d, "S1")["points"] = 2


def _points_scored(d):
    item(d, "F-SYS")["points"] = 0


def _value_range(d):
    item(d, "F-SYS")["options"][3]["value"] = 1.5


def _dup_option(d):
    item(d, "F-SYS")["options"][1]["code"] = "a"


def _bands_order(d):
    item(d, "F-DIG")["bands"][2]["upto"] = 0.15


def _bands_short(d):
    item(d, "F-DIG")["bands"][-1]["upto"] = 0.9


def _when_unknown(d):
    item(d, "F-CLOUD")["when"] = {"item": "NOPE", "any": ["a"]}


def _when_later(d):
    item(d, "F-NET")["when"] = {"item": "F-SYS", "any": ["a"]}


def _when_option(d):
    item(d, "O-Q")["when"] = {"item": "F-SYS", "any": ["b", "zz"]}


def _ladder(d):
    item(d, "S2")["levels"] = item(d, "S2")["levels"][:4]


def _ladder_order(d):
    levels = item(d, "S3")["levels"]
    levels[0], levels[1] = levels[1], levels[0]


def _levels_order(d):
    d["levels"] = [d["levels"][1], d["levels"][0], d["levels"][2]]


def _levels_scores(d):
    d["levels"][1]["min_score"] = 85


def _levels_scenes(d):
    d["levels"][0]["min_constraint_scenes"] = 3


def _kind(d):
    item(d, "F-DEV")["kind"] = "slider"


def _text_en(d):
    item(d, "M-PLAN")["text_en"] = ""


def _unknown_key(d):
    item(d, "O-Q")["requried"] = True


def _dimension(d):
    d["dimensions"][3]["code"] = "results"


def _recommendation(d):
    d["recommendations"][0]["dimension"] = "nowhere"


def _check_unknown_item(d):
    d["checks"][0]["all"][0]["item"] = "NOPE"


def _check_any_on_scene(d):
    d["checks"][0]["all"].append({"item": "S1", "any": ["a"]})


def _check_level_on_single(d):
    d["checks"][1]["all"].append({"item": "F-SYS", "min_level": 2})


def _check_value_bound(d):
    d["checks"][1]["all"][0]["min_value"] = "high"


def _check_dup(d):
    d["checks"][1]["code"] = "K-NOSYS"


def _check_empty(d):
    d["checks"][2]["all"] = []


def _check_message(d):
    d["checks"][2]["message_en"] = ""


def _exclusive_single(d):
    item(d, "F-SYS")["options"][0]["exclusive"] = True


def _sector(d):
    d["sector"] = "mining"


# A list or an object where a code is expected used to crash the validator (unhashable TypeError).


def _item_code_list(d):
    item(d, "F-DEV")["code"] = ["x"]


def _kind_list(d):
    item(d, "S4")["kind"] = ["scene"]


def _when_item_list(d):
    item(d, "F-CLOUD-WHO")["when"] = {"item": ["x"], "any": ["y"]}


def _option_code_object(d):
    item(d, "F-SYS")["options"][2]["code"] = {"c": 1}


def _when_any_nested(d):
    item(d, "M-PLAN")["when"] = {"item": "F-SYS", "any": [["a"]]}


def _check_any_nested(d):
    d["checks"][1]["all"].append({"item": "O-Q", "any": [["a"]]})


def _check_item_list(d):
    d["checks"][1]["all"].append({"item": ["F-SYS"], "any": ["a"]})


def _check_dimension_object(d):
    d["checks"][1]["all"].append({"dimension": {"code": "outcome"}, "min_score": 1})


MUTATIONS = [
    (_dup_item, "items[1]: duplicate item code “M-PLAN”"),
    (_points_unscored, "S1: “points” must be 0 for an unscored item (scene)"),
    (_points_scored, "F-SYS: “points” must be positive for a scored item (single)"),
    (_value_range, "F-SYS.options[d]: “value” must be a number from 0 to 1"),
    (_dup_option, "duplicate option code “a”"),
    (_bands_order, "F-DIG.bands[2]: bands must be in increasing order"),
    (_bands_short, "F-DIG: the last band must reach 1"),
    (_when_unknown, "F-CLOUD: “when” names an unknown item “NOPE”"),
    (_when_later, "F-NET: “when” names “F-SYS”, which comes later"),
    (_when_option, "“when” names option “zz”, which item “F-SYS” does not have"),
    (_ladder, "S2: a scene's ladder must have exactly the levels 0, 1, 2, 3, 4"),
    (_ladder_order, "S3: a scene's ladder must have exactly the levels 0, 1, 2, 3, 4"),
    (_levels_order, "levels must be listed from the highest down"),
    (_levels_scores, "a lower level must ask for a lower “min_score”"),
    (_levels_scenes, "“min_constraint_scenes” is 3 but the questionnaire has 2 constraint scenes"),
    (_kind, "“kind” must be one of"),
    (_text_en, "M-PLAN: “text_en” must be a non-empty text"),
    (_unknown_key, "O-Q: unknown keys: requried"),
    (_dimension, "dimensions[3]: “code” must be one of foundation"),
    (_recommendation, "recommendations[0]: “dimension” must be one of the questionnaire's dimensions"),
    (_check_unknown_item, "checks[K-NOSYS].all[0]: unknown item “NOPE”"),
    (_check_any_on_scene, "“any” applies to single- and multiple-choice items only"),
    (_check_level_on_single, "levels apply to scenes only"),
    (_check_value_bound, "“min_value” must be a number"),
    (_check_dup, "duplicate check code “K-NOSYS”"),
    (_check_empty, "checks[K-FOUND]: “all” must be a non-empty list"),
    (_check_message, "checks[K-FOUND]: “message_en” must be a non-empty text"),
    (_exclusive_single, "“exclusive” applies to multiple-choice items only"),
    (_sector, "sector: must be one of"),
    (_item_code_list, "foundation.items[5]: “code” must be letters"),
    (_kind_list, "S4: “kind” must be one of"),
    (_when_item_list, 'F-CLOUD-WHO: “when”.“item” must be an item code, not ["x"]'),
    (_option_code_object, "F-SYS.options[2]: “code” must be letters"),
    (_when_any_nested, 'M-PLAN: “when”.“any” must list option codes, not ["a"]'),
    (_check_any_nested, ': “any” must list option codes, not ["a"]'),
    (_check_item_list, ': “item” must be an item code, not ["F-SYS"]'),
    (_check_dimension_object, 'unknown dimension “{"code": "outcome"}”'),
]


def _found(problems: list[str], fragment: str) -> bool:
    return any(fragment in problem for problem in problems)


@pytest.mark.parametrize(("mutate", "fragment"), MUTATIONS, ids=[m[0].__name__ for m in MUTATIONS])
def test_each_problem_is_named(mutate, fragment):
    document = mini()
    mutate(document)
    problems = validate_document(document)
    assert _found(problems, fragment), problems


def test_all_problems_are_named_at_once():
    document = mini()
    for mutate, _fragment in MUTATIONS:
        mutate(document)
    problems = validate_document(document)
    missing = [fragment for _mutate, fragment in MUTATIONS if not _found(problems, fragment)]
    assert missing == [], problems


def _paths(node, path=()):
    """Every (path, value) of a document's scalar values, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))
    else:
        yield path, node


def _replaced(document, path, value):
    document = copy.deepcopy(document)
    node = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return document


@pytest.mark.parametrize("wrap", [lambda v: [v], lambda v: {"x": v}], ids=["list", "object"])
def test_a_list_or_object_anywhere_is_named_never_a_crash(wrap):
    """Every scalar of the document, replaced in turn by a list or an object: problems, no TypeError."""
    for path, value in _paths(MINI):
        problems = validate_document(_replaced(MINI, path, wrap(value)))
        assert problems, path


def test_not_an_object():
    assert validate_document([1, 2]) == ["The document must be a JSON object."]


@pytest.mark.django_db
def test_import_command_lists_every_problem_and_creates_nothing(tmp_path):
    document = mini()
    _points_scored(document)
    _when_unknown(document)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_questionnaire", str(path))
    message = str(caught.value)
    assert "2 problem(s)" in message and "F-SYS" in message and "NOPE" in message
    assert not Questionnaire.objects.filter(code="mini").exists()


@pytest.mark.django_db
def test_import_command_lists_shape_problems_without_a_traceback(tmp_path):
    document = mini()
    for mutate in (_item_code_list, _kind_list, _when_item_list, _option_code_object, _check_any_nested):
        mutate(document)
    path = tmp_path / "shapes.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_questionnaire", str(path))
    message = str(caught.value)
    assert "problem(s)" in message and "Traceback" not in message
    assert "F-CLOUD-WHO: “when”.“item” must be an item code" in message
    assert "F-SYS.options[2]: “code” must be letters" in message
    assert not Questionnaire.objects.filter(code="mini").exists()


@pytest.mark.django_db
def test_import_command_reports_bad_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"code": "x",', encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_questionnaire", str(path))


# --- publishing and versions --------------------------------------------------------------------


@pytest.mark.django_db
def test_published_versions_are_immutable_and_a_new_version_starts_as_a_copy():
    published = questionnaire_services.import_questionnaire(document=mini(), publish=True)
    with pytest.raises(StateConflict):
        questionnaire_services.ensure_editable(published)
    with pytest.raises(StateConflict):
        questionnaire_services.publish_questionnaire(questionnaire=published)
    copy_ = questionnaire_services.new_questionnaire_version(questionnaire=published)
    assert (copy_.code, copy_.version, copy_.status) == ("mini", 2, "draft")
    questionnaire_services.ensure_editable(copy_)  # a draft may change
    assert questionnaire_document(copy_, identity=False) == mini(version=2)
    # The copy is independent: changing it leaves the published version as it was.
    Item.objects.filter(questionnaire=copy_, code="F-SYS").update(points=12)
    assert questionnaire_document(published, identity=False) == MINI


@pytest.mark.django_db
def test_publish_validates_what_the_tables_hold():
    draft = questionnaire_services.import_questionnaire(document=mini())
    Item.objects.filter(questionnaire=draft, code="M-PLAN").update(points=0)
    with pytest.raises(DomainError) as caught:
        questionnaire_services.publish_questionnaire(questionnaire=draft)
    assert _found(caught.value.errors["document"], "M-PLAN: “points” must be positive")
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.django_db
def test_reference_step_imports_and_publishes_once(tmp_path):
    from assessments.reference import load_questionnaires

    (tmp_path / "mini.json").write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_questionnaires(tmp_path) == 1
    assert load_questionnaires(tmp_path) == 0
    assert Questionnaire.objects.get(code="mini").status == "published"
    # A draft of a shipped version (imported by hand) is published by the step.
    (tmp_path / "mini2.json").write_text(json.dumps(mini(version=2)), encoding="utf-8")
    questionnaire_services.import_questionnaire(document=mini(version=2))
    assert load_questionnaires(tmp_path) == 0
    assert Questionnaire.objects.get(code="mini", version=2).status == "published"
