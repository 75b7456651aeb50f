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


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page_id", [page_id for page_id, _, _ in PAGES])
def test_every_page_has_a_title_a_nav_label_and_prose(page_id, lang):
    assert labels(lang)[f"{page_id}.title"]
    assert labels(lang)[f"nav.{page_id}"]
    assert prose_sections(lang, page_id)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page_id", [page_id for page_id, _, _ in PAGES[1:]])
def test_the_overview_has_a_line_for_every_concept_page(page_id, lang):
    assert labels(lang)[f"overview.line_{page_id}"].strip()


def test_every_page_file_is_in_pages():
    """A page missing from PAGES has no link in the sidebar and no page test: fail loudly."""
    listed = {path for _, path, _ in PAGES}
    on_disk = {f"pages/{path.name}" for path in (CONTENT.parent / "pages").glob("*.py")}
    assert on_disk <= listed, f"pages not in ui.setup.PAGES: {sorted(on_disk - listed)}"
    assert "app.py" in listed


def test_every_language_has_its_folder_and_its_name():
    for lang in LANGS:
        assert (CONTENT / lang / "labels.toml").exists()
        for other in LANGS:
            assert labels(other)[f"language.{lang}"]


def test_korean_labels_are_written_in_korean():  # one check per script we know
    hangul = re.compile(r"[\uac00-\ud7a3]")
    pages = [page_id for page_id, _, _ in PAGES]
    for page_id in pages:
        assert hangul.search(labels("ko")[f"{page_id}.title"]), page_id


def test_example_sentences_exist_in_both_languages():
    for lang in LANGS:
        assert all(labels(lang)[key].strip() for key in EXAMPLES + ("example.default",))
