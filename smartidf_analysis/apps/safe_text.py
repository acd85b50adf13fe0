"""Text that comes from outside the code, made safe to show in a page.

Whatever a visitor puts in a URL parameter or types in a search box, and whatever a file
holds (commune names, an imported site's name or source, a building's id, a dataset's title,
a download's error message), is shown as the text it is: never as HTML, never as Markdown.
Every page interpolates such a value through one of these two functions:

- :func:`escape_markdown` for a Markdown pane or an alert (``pn.pane.Markdown``,
  ``pn.pane.Alert``): Panel renders Markdown with markdown-it and **passes raw HTML through**
  (``<img onerror=...>`` and ``<script>`` would run in the visitor's browser), and Markdown
  has its own ways to make a link (``[x](javascript:...)``, ``![x](...)``, ``<https://...>``,
  bare ``www.`` addresses) and to format text;
- :func:`escape_html` for an HTML pane (``pn.pane.HTML``) or an HTML template, e.g. the
  deck.gl tooltip of the buildings page, which pastes the picked object's fields into its
  HTML as they are.

Bokeh hover tooltips given as ``@field`` columns and Tabulator cells escape their values
themselves (as long as no ``{safe}`` or HTML formatter is used).
"""

from __future__ import annotations

import html
import re
import unicodedata

#: characters with a meaning in HTML, written as entities (markdown-it decodes an entity
#: into its character and escapes that again in its output: the visitor reads the character)
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
#: characters that open a TeX formula (``$$``, ``\(``, ``\[``) which MathJax would typeset
#: in a Markdown pane if a page loaded it (``\href{javascript:...}`` makes a link): each
#: inside a ``span`` of its own, so that the HTML holds no two of them side by side
_TEX = {"$": "<span>&#36;</span>", "\\": "<span>&#92;</span>"}
#: characters backslash-escaped anywhere (CommonMark: an escaped ASCII punctuation character
#: stands for itself): code spans, emphasis, strikethrough, links, images and footnotes,
#: table cells, heading marks, and what markdown-it's linkify turns into a link
#: (``www.example.org``, ``example.org``, ``https://...``, ``name@example.org``)
_INLINE = frozenset("`*_~[]|#./@")
#: what starts a block when it begins a line: lists (``-``, ``+``, ``1)``), setext
#: underlines (``=``), definition lists (``:``); backslash-escaped there
_LINE_START = re.compile(r"^(\s*)([-+=:]|\d+\))")


def escape_html(text: object) -> str:
    """``text`` (any value, ``str()`` of it) as HTML text: ``& < > " '`` as entities, so
    that it shows as written in an HTML pane, element or attribute value.

    Parameters
    ----------
    text : object
        Any value.

    Returns
    -------
    str
        Escaped HTML text.
    """
    return html.escape(str(text), quote=True)


def escape_markdown(text: object) -> str:
    """``text`` (any value, ``str()`` of it) as Markdown that renders to exactly that text on
    one line: no HTML tag, link, image, emphasis, heading, list, table cell break, code span
    or formula can come out of it. ``& < >`` become entities, ``$`` and ``\\`` a span each,
    the punctuation Markdown reads (``_INLINE``, and a block marker at the start) is
    backslash-escaped, and line breaks and other control characters become spaces (a value
    never starts a new paragraph or block). Other characters are left as they are, so that
    ``Saint-Denis (93066)`` stays readable in the Markdown source.

    Parameters
    ----------
    text : object
        Any value.

    Returns
    -------
    str
        Escaped Markdown, one line.
    """
    out = []
    for char in str(text):
        if char in _ENTITIES:
            out.append(_ENTITIES[char])
        elif char in _TEX:
            out.append(_TEX[char])
        elif char in _INLINE:
            out.append("\\" + char)
        elif unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            out.append(" ")
        else:
            out.append(char)
    return _LINE_START.sub(lambda m: f"{m[1]}{m[2][:-1]}\\{m[2][-1]}", "".join(out))
