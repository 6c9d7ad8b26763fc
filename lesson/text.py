"""Text from a data file or a link, printed by Streamlit's Markdown as it was typed."""

import re

# The marks that Markdown, Streamlit's colours (:red[...]) or its LaTeX ($...$)
# may read as markup, and an ampersand that may open an entity (&lt;). A
# backslash before a mark makes Markdown print the mark itself.
MARKUP = re.compile(r"([\\`*_\[\]<>$~#|]|&(?=[\w#]))")
# Streamlit turns :cat: into an emoji after the backslashes have gone, so a
# colon before a letter gets an invisible word joiner instead.
EMOJI_OPENING = re.compile(r":(?=\w)")
WORD_JOINER = "\u2060"


def plain(text: object) -> str:
    """text for st.markdown, st.caption, st.error, ...: printed as typed.

    A class named "*c*" would print as an italic c, "$\\alpha$" as α, ":cat:"
    as a cat and "<b>B</b>" lose its tags; plain(name) prints each as typed.
    """
    escaped = MARKUP.sub(r"\\\1", str(text))
    return EMOJI_OPENING.sub(":" + WORD_JOINER, escaped)
