"""Sentence-level differences between two versions of an article."""

from workbench.text.diff import sentence_diff

OLD = (
    "The EU approved a $6.2 billion aid package. Kallas spoke in Brussels.\n\n"
    "The plan is called ReArm Europe. It was announced in March."
)


def test_identical_and_rewrapped_texts_have_no_changes():
    rewrapped = OLD.replace("package. Kallas", "package.\nKallas")
    assert sentence_diff(OLD, OLD).unchanged
    assert sentence_diff(OLD, rewrapped).unchanged


def test_an_edited_figure_marks_its_whole_sentence_in_the_new_text():
    new = OLD.replace("$6.2 billion", "$6.5 billion")
    diff = sentence_diff(OLD, new)
    assert [new[start:end] for start, end in diff.changed] == [
        "The EU approved a $6.5 billion aid package."
    ]
    assert diff.removed == []  # edited in place: shown once, as a change


def test_added_and_removed_sentences():
    new = OLD.replace(" Kallas spoke in Brussels.", "") + " A vote follows in June."
    diff = sentence_diff(OLD, new)
    assert [new[start:end] for start, end in diff.changed] == ["A vote follows in June."]
    assert diff.removed == ["Kallas spoke in Brussels."]


def test_offsets_are_code_points_in_non_latin_text():
    old = "Україна отримала 6,2 млрд доларів. Це сказав прем'єр."
    new = "Україна отримала 6,5 млрд доларів 🇺🇦. Це сказав прем'єр."
    diff = sentence_diff(old, new, "uk")
    assert [new[start:end] for start, end in diff.changed] == [
        "Україна отримала 6,5 млрд доларів 🇺🇦."
    ]
