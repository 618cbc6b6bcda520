"""FAQ search in the words of the field: the glossary, the editors' synonym sets, question words,
the office's name, phrases, and typos inside a synonym."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from foia_portal.extensions import db
from foia_portal.faq import search, services, synonym_sets
from foia_portal.faq.glossary import BUILT_IN_SETS
from foia_portal.faq.models import FaqSynonymSet
from foia_portal.faq.search import search_faqs
from foia_portal.faq.synonyms import Glossary, fold, office_names, term_words
from foia_portal.platform.content_version import FAQ, content_version
from tests.fixtures.staff import login

OFFICE = office_names("Office of Community Oriented Policing Services (COPS Office)", "COPS")


def slugs(results) -> list[str]:
    return [hit.slug for hit in results.hits]


def plan(query: str, sets=BUILT_IN_SETS):
    return Glossary(sets, OFFICE).plan(term_words(query))


def faq(question: str, answer: str = "Nothing more.", category: str = "Things"):
    return services.create_faq(category=category, question=question, answer=answer)


# ------------------------------------------------------------------------------ the query's plan


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("how do I appeal", ("appeal",)),
        ("what is a fee waiver", ("fee", "waiver")),
        ("can I get records", ("get", "records")),
        ("where do I send it", ("send",)),
        ("what does tolling mean", ("tolling",)),
        ("appeal to the COPS Office", ("appeal",)),
        ("does this office charge fees", ("charge", "fees")),
        ("the Office of Community Oriented Policing Services grants", ("grants",)),
        ("what is the COPS Office", ("cops", "office")),  # nothing else: searched after all
        ("how do I", ("how", "do", "i")),
        ("community policing", ("community", "policing")),  # a topic, not the office's name
    ],
)
def test_question_words_and_the_office_name_are_not_searched_when_other_words_are(query, words):
    assert plan(query).words == words


def test_a_glossary_term_is_found_longest_first_with_its_synonyms():
    fee_waiver = plan("fee waiver")
    assert [group.typed for group in fee_waiver.groups] == [("fee", "waiver")]
    alternatives = fee_waiver.groups[0].alternatives
    assert ("waived",) in alternatives and ("cost",) not in alternatives  # not "fee" alone
    assert ("fee", "waiver") in fee_waiver.phrases


def test_plurals_find_the_glossary_term_and_multi_word_terms_become_phrases():
    fees = plan("fees")
    assert ("charge",) in fees.alternatives and ("cost",) in fees.alternatives
    time_limit = plan("what is the time limit")
    assert ("time", "limit") in time_limit.phrases
    assert ("deadline",) in time_limit.alternatives and ("how", "long") in time_limit.alternatives


def test_two_words_in_a_row_make_a_phrase_and_a_synonym_in_it_a_synonym_phrase():
    query = plan("submit a freedom of information act request")
    assert ("freedom", "of", "information", "act", "request") in query.phrases
    [phrase_synonyms] = [group for group in query.groups if group.of_phrase]
    assert ("foia", "request") in phrase_synonyms.alternatives
    assert ("foia", "request") not in query.alternatives  # they only rank
    assert plan("waiver for the fee").phrases == (("waiver", "for", "the", "fee"),)
    assert plan("waiver for all of the fee").phrases == ()  # more than two stop words between


def test_the_office_name_is_known_in_the_forms_people_type():
    assert OFFICE == [
        "Office of Community Oriented Policing Services (COPS Office)",
        "Office of Community Oriented Policing Services",
        "COPS Office",
        "COPS",
    ]


def test_folding_finds_plurals_and_keeps_short_words():
    assert [fold(w) for w in ("fees", "appeals", "policies", "process", "pas")] == [
        "fee",
        "appeal",
        "policy",
        "process",
        "pas",
    ]
    assert term_words("First-party, E-mail!") == ("first", "party", "e", "mail")


# ------------------------------------------------------------------------------ search behaviour


def test_a_synonym_finds_an_answer_that_lacks_the_word_typed(app):
    faq("How much does a request cost?", "Most requests are free.")
    faq("Who is the liaison?", "Someone helpful.")
    db.session.commit()
    results = search_faqs("what is the charge")
    assert slugs(results) == ["how-much-does-a-request-cost"]
    assert "<mark>cost</mark>" in results.hits[0].question_html


def test_a_synonym_ranks_below_the_word_typed(app):
    faq("What is the charge?", "Explained here.")
    faq("What is the fee?", "Explained here.")
    db.session.commit()
    assert slugs(search_faqs("fee")) == ["what-is-the-fee", "what-is-the-charge"]
    assert slugs(search_faqs("charge")) == ["what-is-the-charge", "what-is-the-fee"]


def test_a_rare_synonym_still_ranks_below_a_common_word_typed(app):
    # "fee" is in nearly every article and "charge" in one: bm25 alone would weigh the rare
    # synonym above the common word typed. The synonym is weighed against the word typed.
    for number in range(6):
        faq(f"Question number {number}?", f"An answer about the fee, number {number}.")
    faq("What is the charge?", "Explained here.")
    faq("What is the fee?", "Explained here.")
    db.session.commit()
    found = slugs(search_faqs("fee", per_page=20))
    assert found.index("what-is-the-fee") < found.index("what-is-the-charge")
    assert found[0] == "what-is-the-fee"


def test_the_question_outweighs_the_answer_and_the_office_name_decides_nothing(app):
    faq("What is the COPS Office?", "The office gives grants; appeal its decisions to OIP.")
    faq("How do I appeal?", "Write to OIP.")
    db.session.commit()
    assert slugs(search_faqs("how do I appeal to the COPS Office")) == [
        "how-do-i-appeal",
        "what-is-the-cops-office",
    ]
    assert slugs(search_faqs("COPS Office"))[0] == "what-is-the-cops-office"


def test_a_phrase_match_outweighs_the_same_words_scattered(app):
    faq("Is there a waiver for the search fee?", "Sometimes.")
    faq("Is there a fee waiver for the search?", "Sometimes.")
    db.session.commit()
    assert slugs(search_faqs("fee waiver"))[0] == "is-there-a-fee-waiver-for-the-search"


@pytest.mark.parametrize(
    ("query", "did_you_mean"),
    [
        ("expidite", "expedite"),  # a glossary word no article holds as written
        ("expidited processing", "expedited processing"),
        ("freedom of informaton act", "freedom of information act"),
    ],
)
def test_typos_inside_a_synonym_are_corrected_and_found(app, query, did_you_mean):
    faq("What is expedited processing?", "Going ahead of the FOIA queue.")
    faq("What does FOIA let me do?", "Ask for records.")
    db.session.commit()
    results = search_faqs(query)
    assert results.did_you_mean == did_you_mean
    expected = "what-does-foia-let-me-do" if "freedom" in query else "what-is-expedited-processing"
    assert slugs(results)[0] == expected


def test_a_glossary_word_is_never_corrected_into_another_word(app):
    faq("Can I sue?", "Go to court.")
    faq("What is a suite?", "Rooms.")
    db.session.commit()
    results = search_faqs("lawsuit")
    assert results.did_you_mean is None
    assert slugs(results) == ["can-i-sue"]


def test_past_the_cap_synonyms_fill_a_page_the_words_cannot(app, monkeypatch):
    monkeypatch.setattr(search, "MAX_COUNTED", 3)
    for number in range(4):
        faq(f"Charge question {number}?", "About money.")
    faq("What is the fee?", "Explained.")
    db.session.commit()
    results = search_faqs("fee", per_page=3)
    assert results.total_capped
    assert slugs(results)[0] == "what-is-the-fee"
    assert len(results.hits) == 3


# ------------------------------------------------------------------------------ editors' sets


def test_an_editors_set_takes_effect_at_once_and_moves_the_content_version(app):
    faq("Where is the reading room?", "Online.")
    db.session.commit()
    assert search_faqs("electronic library").total == 0
    before = content_version(FAQ)
    synonym_set = synonym_sets.save_set(["reading room", "electronic library"])
    db.session.commit()
    assert content_version(FAQ) > before
    assert slugs(search_faqs("electronic library")) == ["where-is-the-reading-room"]

    synonym_sets.save_set(["reading room", "e-library"], synonym_set)
    db.session.commit()
    assert search_faqs("electronic library").total == 0
    assert search_faqs("e-library").total == 1
    synonym_sets.delete_set(synonym_set)
    db.session.commit()
    assert search_faqs("e-library").total == 0


@pytest.mark.parametrize(
    ("terms", "problem"),
    [
        (["fee"], "at least two terms"),
        (["fee", "Fees"], "the same term as"),
        (["fee", "!!!"], "no letter or digit"),
        (["fee", "x" * 61], "longer than 60"),
        (["fee", "one two three four five six seven"], "more than 6 words"),
        (["fee", "char\x07ge"], "control characters"),
        ([f"term{n}" for n in range(21)], "at most 20 terms"),
        ("fee, charge", "list of terms"),
        ([1, 2], "list of terms"),
    ],
)
def test_a_bad_set_is_refused_saying_why(app, terms, problem):
    with pytest.raises(synonym_sets.SynonymSetError) as error:
        synonym_sets.save_set(terms)
    assert problem in str(error.value)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FaqSynonymSet)) == 0


def test_the_same_set_twice_is_refused(app):
    synonym_sets.save_set(["fee", "charge"])
    with pytest.raises(synonym_sets.SynonymSetError, match="already a set"):
        synonym_sets.save_set(["Charges", "fees"])


def test_synonyms_export_and_import_as_json_lines(app, runner, tmp_path):
    path = tmp_path / "synonyms.jsonl"
    path.write_text('["fee", "Charge"]\n\n["reading room", "e-library"]\n', encoding="utf-8")
    first = runner.invoke(args=["faq", "synonyms", "import", str(path)])
    assert first.exit_code == 0, first.output
    assert "2 added, 0 unchanged" in first.output
    again = runner.invoke(args=["faq", "synonyms", "import", str(path)])
    assert "0 added, 2 unchanged" in again.output

    exported = runner.invoke(args=["faq", "synonyms", "export"])
    assert exported.output == '["fee", "charge"]\n["reading room", "e-library"]\n'

    path.write_text('["fee", "charge"]\n["grant", "award money"]\n', encoding="utf-8")
    replaced = runner.invoke(args=["faq", "synonyms", "import", "--replace", str(path)])
    assert "1 added, 1 unchanged, 1 removed." in replaced.output
    assert [s.terms for s in synonym_sets.list_sets()] == [
        ["fee", "charge"],
        ["grant", "award money"],
    ]


def test_a_bad_import_file_names_each_line_and_imports_nothing(app, runner, tmp_path):
    path = tmp_path / "synonyms.jsonl"
    path.write_text(
        '["fee", "charge"]\n{"fee": 1}\n["solo"]\nnot json\n["charges", "fees"]\n',
        encoding="utf-8",
    )
    result = runner.invoke(args=["faq", "synonyms", "import", str(path)])
    assert result.exit_code != 0
    assert "line 2: A set is a list of terms" in result.output
    assert "line 3: Give at least two terms" in result.output
    assert "line 4: not valid JSON" in result.output
    assert "line 5: the same set as line 1." in result.output
    assert "nothing was imported" in result.output
    assert synonym_sets.list_sets() == []
    path.write_bytes(b"\xff\xfe[")
    assert "not UTF-8" in runner.invoke(args=["faq", "synonyms", "import", str(path)]).output


def test_staff_add_change_and_remove_a_set_on_the_synonyms_page(client, officer):
    login(client, officer)
    page = client.get("/staff/faqs/synonyms")
    assert page.status_code == 200
    assert "ombudsman" in page.get_data(as_text=True)  # the built-in glossary is shown

    refused = client.post("/staff/faqs/synonyms", data={"terms": "fee"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Give at least two terms" in html and "<title>Error:" in html
    assert "fee</textarea>" in html  # what was typed is kept

    saved = client.post(
        "/staff/faqs/synonyms", data={"terms": "Reading room\ne-library, FOIA library"}
    )
    assert saved.status_code == 303
    [synonym_set] = synonym_sets.list_sets()
    assert synonym_set.terms == ["reading room", "e-library", "foia library"]

    assert client.get(f"/staff/faqs/synonyms/{synonym_set.id}/edit").status_code == 200
    changed = client.post(
        f"/staff/faqs/synonyms/{synonym_set.id}/edit", data={"terms": "reading room\nlibrary"}
    )
    assert changed.status_code == 303
    db.session.refresh(synonym_set)
    assert synonym_set.terms == ["reading room", "library"]

    removed = client.post(f"/staff/faqs/synonyms/{synonym_set.id}/delete")
    assert removed.status_code == 303
    assert synonym_sets.list_sets() == []
    assert client.post("/staff/faqs/synonyms/999/delete").status_code == 404


def test_the_synonyms_page_is_for_staff_only(client):
    assert client.get("/staff/faqs/synonyms").status_code in (302, 303)
