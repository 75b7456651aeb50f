"""Both languages define the same labels and the same prose sections, with the same fields."""

import re
import string

import pytest

from ui.i18n import CONTENT, LANGS, labels, prose_sections
from ui.setup import EXAMPLES, PAGES

PROSE_FILES = sorted({path.stem for lang in LANGS for path in (CONTENT / lang).glob("*.md")})


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_define_the_same_label_keys():
    assert set(labels("ko")) == set(labels("en"))


@pytest.mark.parametrize("key", sorted(labels("en")))
def test_a_label_has_the_same_placeholders_in_both_languages(key):
    assert fields(labels("ko")[key]) == fields(labels("en")[key])


@pytest.mark.parametrize("name", PROSE_FILES)
def test_both_languages_have_the_same_prose_sections(name):
    assert set(prose_sections("ko", name)) == set(prose_sections("en", name))
    assert all(prose_sections("ko", name).values()), "no empty section"


@pytest.mark.parametrize("page_id", [page_id for page_id, _, _ in PAGES])
def test_every_page_has_a_title_a_nav_label_and_prose(page_id):
    for lang in LANGS:
        assert labels(lang)[f"{page_id}.title"]
        assert labels(lang)[f"nav.{page_id}"]
        assert prose_sections(lang, page_id)


def test_korean_labels_are_written_in_korean():
    hangul = re.compile(r"[\uac00-\ud7a3]")
    pages = [page_id for page_id, _, _ in PAGES]
    for page_id in pages:
        assert hangul.search(labels("ko")[f"{page_id}.title"]), page_id


def test_example_sentences_exist_in_both_languages():
    for lang in LANGS:
        assert all(labels(lang)[key].strip() for key in EXAMPLES + ("example.default",))
