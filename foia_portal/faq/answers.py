"""FAQ answers: Markdown as staff write it → sanitised HTML, plain text, and a page description.

The rules for links live here once: the editor's form refuses an answer that breaks them, with a
message naming the link, and the renderer drops any link that breaks them anyway (an answer
imported or saved before the rules existed), so a page can never carry one.

- A link has words of its own: `[the request form](/foia/request)`, never `/foia/request` or
  `https://www.foia.gov/` standing as its own text, nor a bare address in the text.
- A link goes to a page of this site (a path starting with `/`, or `#` for a place on the same
  page), an `https://` address, an email address (`mailto:`) or a phone number (`tel:`).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt

from foia_portal.faq.search import SENTINELS
from foia_portal.platform.text import SENTENCE_END

# CommonMark without raw HTML: staff write Markdown, and any HTML they type is shown as text.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable("table")


def _shifted_heading(renderer, tokens, idx, options, env):
    # The article's question is the page's <h1>: headings inside an answer start at <h2>.
    token = tokens[idx]
    token.tag = f"h{min(6, int(token.tag[1]) + 1)}"
    return renderer.renderToken(tokens, idx, options, env)


_markdown.add_render_rule("heading_open", _shifted_heading)
_markdown.add_render_rule("heading_close", _shifted_heading)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")

# ------------------------------------------------------------------------------- links

LINK_STARTS = ("/", "#", "https://", "mailto:", "tel:")
LINK_SYNTAX = "[the request form](/foia/request)"
# An address written out in the text: a web address, or a path of this site ("/foia/request"),
# but not "and/or", "24/7" or a date (a letter or digit just before the slash).
_BARE_ADDRESS = re.compile(
    r"https?://[^\s<>()\[\]]+|\bwww\.[^\s<>()\[\]]+|(?<![\w/<])/[a-z0-9][\w./~-]*",
    re.IGNORECASE,
)
# Link syntax that Markdown did not make a link (a script: address, a space in the address).
_UNMADE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?(?P<href>[^\s>]*)")
_LOOKS_LIKE_ADDRESS = re.compile(r"^(?:https?://|www\.|/)\S*$", re.IGNORECASE)


def allowed_href(href: str) -> bool:
    """A link may go to a path of this site, a place on the page, https, mailto or tel."""
    lowered = href.strip().lower()
    return lowered.startswith(LINK_STARTS) and not lowered.startswith("//")


def _keep_allowed_links(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href" and not allowed_href(value):
        return None
    return value


def _shown_address(address: str) -> str:
    return address.rstrip(".,;:!?’'\"")


def link_problems(markdown: str) -> list[str]:
    """What breaks the link rules in an answer, one message per link (empty when all is well)."""
    problems: list[str] = []
    for block in _markdown.parse(clean_text(markdown)):
        if block.type != "inline":
            continue
        href: str | None = None
        words: list[str] = []
        text: list[str] = []  # the text between links, where bare addresses would be
        for token in [*(block.children or []), None]:
            if token is not None and token.type == "text" and href is None:
                text.append(token.content)
                continue
            if text:
                problems.extend(_text_problems("".join(text)))
                text = []
            if token is None:
                break
            if token.type == "link_open":
                href, words = str(token.attrGet("href") or ""), []
            elif token.type == "link_close" and href is not None:
                problems.extend(_one_link_problems(href, "".join(words).strip()))
                href = None
            elif href is not None:
                words.append(token.content)
    return problems


def _text_problems(text: str) -> list[str]:
    problems = []
    for match in _UNMADE_LINK.finditer(text):
        href = match.group("href")
        if href.count(")") > href.count("("):
            href = href[: href.rindex(")")]
        if not allowed_href(href):
            problems.append(_refused_href(href))
        else:
            problems.append(
                f"“{match.group().strip()}” did not become a link: check that the brackets are "
                "closed and that the address has no spaces."
            )
    for match in _BARE_ADDRESS.finditer(_UNMADE_LINK.sub(" ", text)):
        address = _shown_address(match.group())
        href = f"https://{address}" if address.lower().startswith("www.") else address
        problems.append(
            f"Make “{address}” a link with words of its own: "
            f"[words that say where it goes]({href})."
        )
    return problems


def _refused_href(href: str) -> str:
    return (
        f"The link to “{href}” cannot be used: a link must go to a page of this site "
        "(starting with /), to an https:// address, or start with mailto: or tel:."
    )


def _one_link_problems(href: str, words: str) -> list[str]:
    problems = []
    if not allowed_href(href):
        problems.append(_refused_href(href))
    if not words:
        problems.append(f"The link to “{href}” has no words: write them between the brackets.")
    elif words == href or _LOOKS_LIKE_ADDRESS.match(words):
        problems.append(
            f"Give the link “{words}” words of its own that say where it goes, "
            f"for example [the request form]({href})."
        )
    return problems


# ------------------------------------------------------------------------------- rendering


def clean_text(value: str) -> str:
    """Normalise Unicode and drop the highlight sentinels: stored text can never fake a <mark>."""
    value = unicodedata.normalize("NFC", value)
    for sentinel in SENTINELS:
        value = value.replace(sentinel, "")
    return value


@dataclass(frozen=True)
class RenderedAnswer:
    html: str  # sanitised HTML, safe to show as is
    text: str  # plain text, what the search indexes and snippets read


def render_answer(markdown: str) -> RenderedAnswer:
    """Markdown → sanitised HTML (markdown-it-py, then nh3) and plain text; also for previews."""
    markdown = clean_text(markdown)
    raw_html = _markdown.render(markdown)
    safe_html = nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "mailto", "tel"},
        attribute_filter=_keep_allowed_links,
        link_rel="noopener noreferrer",
    )
    # Text for the index: tags gone, entities decoded, one blank line between blocks.
    text = html.unescape(nh3.clean(safe_html, tags=set()))
    text = _BLANK_LINES.sub("\n\n", _SPACES.sub(" ", text)).strip()
    return RenderedAnswer(html=safe_html, text=text)


# ------------------------------------------------------------------------------- description

DESCRIPTION_MAX = 155
# Whole sentences shorter than this say too little ("No."): the description is cut mid-sentence.
_DESCRIPTION_MIN_SENTENCES = 70


def meta_description(text: str, limit: int = DESCRIPTION_MAX) -> str:
    """The page's <meta name="description">: the answer's first sentences as plain text.

    As many whole sentences as fit in `limit` characters; when they would say too little, the
    text is cut at the last word that fits, with an ellipsis.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    ends = [match.end() for match in SENTENCE_END.finditer(text) if match.end() <= limit]
    if ends and ends[-1] >= _DESCRIPTION_MIN_SENTENCES:
        return text[: ends[-1]]
    room = limit - 1  # one character for the ellipsis
    cut = text[:room]
    if text[room] != " ":
        cut = cut.rpartition(" ")[0] or cut
    return cut.rstrip(" ,;:–—-") + "…"
