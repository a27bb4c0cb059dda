"""The one front-matter reader, the one YAML loader every importer uses and the one emitter (decisions/formats/)."""

from __future__ import annotations

import datetime

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decisions.formats import emitter, frontmatter
from decisions.formats import yaml as formats_yaml

pytestmark = pytest.mark.text_only  # tests/conftest.py: those without a database run once

RECORD = "---\nnumber: 0012\ntitle: Nightly builds\noptions:\n- name: yes\n- name: no\n---\n\n# Body\n"


def test_split_gives_the_yaml_the_body_and_their_file_lines():
    front = frontmatter.split(RECORD)
    assert front.yaml == "number: 0012\ntitle: Nightly builds\noptions:\n- name: yes\n- name: no\n"
    assert front.body == "\n# Body\n"
    assert (front.yaml_line, front.body_line) == (2, 8)


def test_split_accepts_a_closing_line_of_three_dots_with_spaces_after_it():
    assert frontmatter.split("---\na: 1\n...  \nbody").body == "body"


def test_split_tells_a_missing_front_matter_from_an_unclosed_one():
    with pytest.raises(frontmatter.NoFrontMatter, match="must start with a line ---"):
        frontmatter.split("a: 1\n---\n")
    with pytest.raises(frontmatter.UnclosedFrontMatter, match="not closed") as caught:
        frontmatter.split("---\na: 1\n")
    assert caught.value.line == 1


def test_the_record_loader_remembers_the_file_line_of_every_key_and_item():
    front = frontmatter.split(RECORD)
    data = formats_yaml.load(front.yaml, first_line=front.yaml_line, loader=formats_yaml.RecordLoader)
    assert data["number"] == 12
    assert data.lines == {"number": 2, "title": 3, "options": 4}
    assert data["options"].lines == [5, 6]
    assert data["options"][1].lines == {"name": 6}


def test_the_record_loader_refuses_a_key_given_twice_at_its_line():
    with pytest.raises(formats_yaml.YAMLLoadError, match="the key 'a' appears twice") as caught:
        formats_yaml.load("a: 1\nb: 2\na: 3\n", first_line=2, loader=formats_yaml.RecordLoader)
    assert caught.value.line == 4


def test_the_default_loader_keeps_dates_as_the_text_written():
    assert formats_yaml.load("created: 2019-02-30\nok: 2019-02-28\n") == {
        "created": "2019-02-30",
        "ok": "2019-02-28",
    }
    assert formats_yaml.load("day: 2019-02-28\n", loader=formats_yaml.RecordLoader)["day"] == datetime.date(
        2019, 2, 28
    )


def test_a_syntax_error_names_its_file_line_and_where_the_collection_started():
    with pytest.raises(formats_yaml.YAMLLoadError) as caught:
        formats_yaml.load("a: 1\nb: [1, 2\nc: 3\n", first_line=2)
    assert caught.value.line == 4
    assert caught.value.context_line == 3
    assert str(caught.value).endswith("(while parsing a flow sequence started on line 3)")


def test_deep_nesting_and_large_aliases_are_refused_before_loading():
    with pytest.raises(formats_yaml.YAMLLoadError, match="nested more than 100 levels deep") as caught:
        formats_yaml.load("a: 1\nb: " + "[" * 101, first_line=2)
    assert caught.value.line == 3
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 10)}]\n" for n in range(4)
    )
    with pytest.raises(formats_yaml.YAMLLoadError, match="the alias") as caught:
        formats_yaml.load(laughs, first_line=2)
    assert caught.value.line == 5  # the line of d, whose aliases pass the budget


def test_split_accepts_spaces_after_the_opening_dashes_and_a_lone_opening_line():
    front = frontmatter.split("--- \t\ntitle: x\n---\nBody\n")
    assert (front.yaml, front.body, front.yaml_line, front.body_line) == ("title: x\n", "Body\n", 2, 4)
    assert frontmatter.has_front_matter("---  \ntitle: x\n")
    with pytest.raises(frontmatter.UnclosedFrontMatter):
        frontmatter.split("---")
    assert not frontmatter.has_front_matter("----\ntitle: x\n---\n")


def test_dump_writes_what_the_record_loader_reads_back():
    data = {"number": 12, "title": "A: b", "when": datetime.date(2024, 1, 2), "text": "two\nlines\n"}
    data["items"] = [{"name": "yes", "note": None}, {"name": "  padded", "note": "x\ty"}]
    data["empty"] = []
    assert formats_yaml.load(emitter.dump(data), loader=formats_yaml.RecordLoader) == data


# What the RFC export can hold: strings of any text (and awkward runs of quotes, colons, breaks,
# spaces and long words that make the emitter fold), numbers, booleans, None, dates, and lists
# and mappings of those nested in its JSON metadata.
_PIECES = ["a", "bb", "x" * 30, "word", " ", "  ", "\n", "\n\n", ":", "#", "'", '"', "- ", "é", "\U0001f600"]
_PIECES += ["\t", "\u2028", "\x85", "\ufeff", "yes", "---", "...", "\\", "0012", "2023-03-30", "null"]
_TEXT = st.one_of(
    st.text(),
    st.lists(st.sampled_from(_PIECES), max_size=60).map("".join),
    st.text(" abc\n'\":#-", max_size=250),
)
_SCALARS = st.one_of(_TEXT, st.integers(), st.none(), st.booleans(), st.floats(), st.dates())
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=4)),
    max_leaves=20,
)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.dictionaries(_TEXT, _VALUES, min_size=1, max_size=6))
def test_dump_at_a_width_writes_what_yaml_safe_dump_writes(data):
    expected = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    assert emitter.dump(data, width=100) == expected


def test_dump_at_a_width_folds_long_text_and_nests_mappings_as_safe_dump_does():
    data = {
        "title": "A title: with a colon, 'quotes' and # a hash " * 4,
        "created": "2023-03-30",
        "authors": ["O'Brien", "Zoë", "- dash"],
        "metadata": {
            "nested": {"k": "v: w", "list": [1, None, 1.5, [], {}]},
            "": "empty key",
            "x" * 130: "long key",
        },
        "two lines": "first\n\n second \nthird",
    }
    expected = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    assert emitter.dump(data, width=100) == expected
