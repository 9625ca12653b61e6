from __future__ import annotations

from sitrep.reporting.markup import Block, Run, parse, parse_inline, plain, render


def test_bold_italic_and_plain_runs() -> None:
    runs = parse_inline("The **KIA** said *at least* 10 killed")
    assert runs == (
        Run("The "),
        Run("KIA", bold=True),
        Run(" said "),
        Run("at least", italic=True),
        Run(" 10 killed"),
    )


def test_unmatched_star_stays_literal() -> None:
    assert parse_inline("5 * 3 and a lone * star") == (Run("5 * 3 and a lone * star"),)


def test_bullets_and_paragraphs() -> None:
    blocks = parse("First line\ncontinues here.\n\n- one\n- **two**\nAfter list")
    assert [b.bullet for b in blocks] == [False, True, True, False]
    assert blocks[0].text == "First line continues here."
    assert blocks[2].runs == (Run("two", bold=True),)
    assert blocks[3].text == "After list"


def test_round_trip_is_stable() -> None:
    text = "Intro with **bold** and *italic*.\n\n- first\n- second **b**\n\nClosing."
    assert render(parse(text)) == text
    assert plain(text).splitlines() == [
        "Intro with bold and italic.",
        "first",
        "second b",
        "Closing.",
    ]


def test_render_keeps_spaces_outside_markers() -> None:
    blocks = [Block((Run("a "), Run("bold ", bold=True), Run("end")))]
    assert render(blocks) == "a **bold** end"
    assert parse(render(blocks))[0].text == "a bold end"
