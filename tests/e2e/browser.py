"""Browser helpers shared by the end-to-end tests."""

from __future__ import annotations

from typing import Any

# Bounding box of the first occurrence of `word` inside one text node of the article.
_WORD_BOX_JS = """(article, word) => {
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const i = node.data.indexOf(word);
    if (i === -1) continue;
    node.parentElement.scrollIntoView({block: "center"});
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + word.length);
    const box = range.getBoundingClientRect();
    return {left: box.left, right: box.right, y: (box.top + box.bottom) / 2};
  }
  return null;
}"""


def drag_select(page: Any, first: str, last: str, *, rtl: bool = False) -> None:
    """Press on the first character of `first`, drag to the last of `last`, release."""
    article = page.locator(".wb-article")  # CSS selectors pierce the shadow root
    start = article.evaluate(_WORD_BOX_JS, first)
    end = article.evaluate(_WORD_BOX_JS, last)
    # 1px inside the word's edges: a drag starts/ends at the nearest character boundary.
    x0 = start["right"] - 1 if rtl else start["left"] + 1
    x1 = end["left"] + 1 if rtl else end["right"] - 1
    page.mouse.move(x0, start["y"])
    page.mouse.down()
    page.mouse.move(x1, end["y"], steps=8)
    page.mouse.up()
