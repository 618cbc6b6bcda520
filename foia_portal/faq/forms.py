"""FAQ forms: the staff editor, the import entry (JSON), the helpfulness vote, the readers'
comment, the suggestions shown, and a set of search synonyms."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Form,
    HiddenField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from foia_portal.faq import synonym_sets
from foia_portal.faq.answers import LINK_SYNTAX, link_problems
from foia_portal.faq.models import FEEDBACK_MAX
from foia_portal.platform.text import forbidden_characters, has_control_characters, strip_text

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MESSAGE = (
    "Use lower-case letters, digits and single hyphens only, e.g. how-much-does-foia-cost."
)
QUESTION_MAX = 500
ANSWER_MAX = 20_000
CATEGORY_MAX = 120
SLUG_MAX = 160


def _no_control_characters(form, field) -> None:
    if isinstance(field.data, str) and has_control_characters(field.data):
        raise ValidationError("Remove the invisible control characters from this text.")


# Read by the OpenAPI generator (foia_portal/api/form_schema.py) to state the rule as a pattern.
_no_control_characters.forbidden_characters = lambda field: forbidden_characters()


def _single_line(form, field) -> None:
    if isinstance(field.data, str) and ("\n" in field.data or "\r" in field.data):
        raise ValidationError("Keep this on one line.")


def _links_with_words(form, field) -> None:
    if isinstance(field.data, str):
        problems = link_problems(field.data)
        if problems:
            raise ValidationError(" ".join(problems))


class FaqFields:
    """The fields of one FAQ entry, shared by the staff editor and the JSON import."""

    category = StringField(
        "Category",
        filters=[strip_text],
        validators=[
            DataRequired("Enter the category."),
            Length(max=CATEGORY_MAX, message=f"Keep the category under {CATEGORY_MAX} characters."),
            _single_line,
            _no_control_characters,
        ],
        description="For example “Fees and fee waivers”. A new name creates a new category.",
    )
    question = StringField(
        "Question",
        filters=[strip_text],
        validators=[
            DataRequired("Enter the question."),
            Length(max=QUESTION_MAX, message=f"Keep the question under {QUESTION_MAX} characters."),
            _single_line,
            _no_control_characters,
        ],
        description="In sentence case, as a reader would ask it: “How do I appeal a decision?”",
    )
    answer = TextAreaField(
        "Answer",
        filters=[strip_text],
        validators=[
            DataRequired("Enter the answer."),
            Length(max=ANSWER_MAX, message=f"Keep the answer under {ANSWER_MAX:,} characters."),
            _no_control_characters,
            _links_with_words,
        ],
        description=(
            "Markdown: **bold**, *italic*, lists, ## headings in sentence case. A link is written "
            f"{LINK_SYNTAX}, with words that say where it goes, never the bare address. It goes to "
            "a page of this site (starting with /), an https:// address, mailto: or tel:."
        ),
    )
    slug = StringField(
        "Web address (slug)",
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=SLUG_MAX, message=f"Keep the slug under {SLUG_MAX} characters."),
            Regexp(SLUG_PATTERN, message=SLUG_MESSAGE),
        ],
        description=(
            "The end of the article's address, /faq/<slug>. "
            "Left empty, it is made from the question."
        ),
    )


class FaqForm(FaqFields, FlaskForm):
    """The staff editor: create or edit one FAQ (the staff pages render it)."""

    published = BooleanField("Published (visible to the public)", default=True)


class FaqImportEntry(FaqFields, Form):
    """One entry of `flask faq import`: the contract's {category, question, answer, slug}."""

    # Import requires the slug: it is what makes a repeated import update instead of duplicate.
    slug = StringField(
        "slug",
        filters=[strip_text],
        validators=[
            DataRequired("Give the slug."),
            Length(max=SLUG_MAX, message=f"Keep the slug under {SLUG_MAX} characters."),
            Regexp(SLUG_PATTERN, message=SLUG_MESSAGE),
        ],
    )
    published = BooleanField("published")


class FaqVoteForm(Form):
    """The "Was this helpful?" buttons (no session, so no CSRF token: see docs/faq-search.md)."""

    helpful = HiddenField(validators=[DataRequired(), Regexp(r"^(yes|no)$")])


def _one_kind_of_newline(value):
    # Browsers send a typed line break as CR LF but count it as one character against maxlength.
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _something_written(form, field) -> None:
    # Not DataRequired: that would mark the box required, and writing in it is optional.
    if not field.data:
        raise StopValidation("Write what you were looking for, then send it.")


class FaqFeedbackForm(Form):
    """ "What was missing?" after a "No" vote (no session, so no CSRF token, as the vote)."""

    comment = TextAreaField(
        "What was missing? (optional)",
        filters=[_one_kind_of_newline, strip_text],
        validators=[
            _something_written,
            Length(
                max=FEEDBACK_MAX,
                message=f"Keep your comment to {FEEDBACK_MAX:,} characters or fewer (it has %(length)d).",
            ),
            _no_control_characters,
        ],
        description=(
            "Tell us what you hoped to find in this answer. Please don’t include personal "
            "information, such as your name, email address, phone number or tracking number: "
            "we can’t reply to comments here."
        ),
    )
    # The spam trap: people never see it (macros/forms.html, honeypot).
    website = StringField("Leave this field empty")


MAX_SUGGESTIONS = 10


def each_faq_slug(form, field) -> None:
    if len(field.data or []) > MAX_SUGGESTIONS:
        raise ValidationError(f"Report at most {MAX_SUGGESTIONS} suggestions at a time.")
    for slug in field.data or []:
        if len(slug) > SLUG_MAX or not SLUG_PATTERN.match(slug):
            raise ValidationError("Each suggestion must be an FAQ slug.")


# The same rule for the OpenAPI document (foia_portal/api/form_schema.py reads it).
each_faq_slug.json_schema = {
    "maxItems": MAX_SUGGESTIONS,
    "items": {"pattern": SLUG_PATTERN.pattern, "maxLength": SLUG_MAX},
}


class SuggestionsShownForm(Form):
    """What the request form's script reports after showing FAQ suggestions."""

    # PostgreSQL stores no NUL: control characters are refused rather than failing the insert.
    form_token = StringField(
        validators=[
            DataRequired("Give the form token."),
            Length(min=16, max=64),
            _no_control_characters,
        ]
    )
    query = StringField(validators=[Optional(), Length(max=10_000), _no_control_characters])
    faq_slugs = SelectMultipleField(validate_choice=False, validators=[each_faq_slug])


MAX_PER_PAGE = 50  # faq.search.search_faqs gives no more


class FaqSearchQuery(Form):
    """`GET /api/v1/faq`'s query parameters; the OpenAPI document lists them from this form."""

    q = StringField("The words to search for; empty gives no results")
    page = IntegerField("Page", validators=[Optional(), NumberRange(min=1)])
    per_page = IntegerField(
        "Results per page", validators=[Optional(), NumberRange(min=1, max=MAX_PER_PAGE)]
    )


class SynonymSetForm(FlaskForm):
    """A set of equivalent search terms, as the editors type it on the synonyms page."""

    terms = TextAreaField(
        "Terms that mean the same thing",
        filters=[_one_kind_of_newline],
        validators=[
            DataRequired("Enter at least two terms, one on each line."),
            Length(max=2_000, message="Keep the set under 2,000 characters; split it in two."),
        ],
        description=(
            "One word or short phrase on each line (or separated by commas), e.g. “fee”, "
            "“charge”, “cost”. A search for any of them also finds the others, ranked below "
            "the words typed."
        ),
    )

    def term_list(self) -> list[str]:
        """The terms typed, one per line or comma."""
        return [t for line in (self.terms.data or "").split("\n") for t in line.split(",")]

    def validate_terms(self, field) -> None:
        _, problems = synonym_sets.check_terms(self.term_list())
        if problems:
            raise ValidationError(" ".join(problems))
