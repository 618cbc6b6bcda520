"""The FAQ search's relevance test set: what people type, and the demo FAQ's articles that answer it.

Each entry is (query, kind, answers): `answers` lists every demo article (by slug) that answers
the query, best first is not implied. Kinds: "question" (typed as a question), "keyword" (a few
words), "paraphrase" (the article's idea in other words), "synonym" (a word of the field the
article does not use, or uses rarely), "typo" (misspelt, sometimes inside a synonym), "plural".

Written from what a member of the public asks about FOIA, not from what the engine finds: a query
that the search gets wrong stays in the set. tests/test_faq_relevance.py scores the search on it.
"""

from __future__ import annotations

WHAT_FOIA = "what-is-foia-and-what-does-it-let-me-do"
WHO_CAN = "who-is-allowed-to-make-a-foia-request"
SUBMIT = "how-do-i-submit-a-foia-request-to-this-office"
MAIL = "can-i-send-my-request-by-mail-or-email-instead-of-using-the-website"
DESCRIBE = "how-do-i-describe-the-records-i-want-so-my-request-isnt-too-broad"
KINDS = "what-kinds-of-records-does-the-cops-office-keep"
PUBLIC = "do-i-need-to-file-a-foia-request-for-information-that-is-already-public"
WHY = "do-i-have-to-explain-why-i-want-the-records"
QUESTION = "can-i-ask-the-foia-office-a-question-instead-of-asking-for-records"
COST = "how-much-will-my-foia-request-cost"
CATEGORIES = "what-are-the-fee-categories-and-which-one-am-i-in"
MEDIA = "who-counts-as-a-representative-of-the-news-media-for-fee-purposes"
LIMIT = "what-does-the-fee-limit-on-the-request-form-mean"
WAIVER = "how-do-i-qualify-for-a-fee-waiver"
AFFORD = "can-my-fees-be-waived-because-i-cant-afford-to-pay"
FEE_HOLD = "will-a-question-about-fees-hold-up-my-request"
PAY_NOTHING = "will-i-have-to-pay-if-the-search-turns-up-nothing"
WAIVER_DENIED = "what-can-i-do-if-my-fee-waiver-is-denied-or-i-disagree-with-my-fee-category"
HOW_LONG = "how-long-does-the-office-have-to-respond-to-my-request"
RECEIVED = "what-date-counts-as-the-day-my-request-was-received"
STATUS = "how-do-i-check-the-status-of-my-request"
TWO_DATES = "why-does-my-status-page-show-two-different-dates"
HOLD = "why-is-my-request-on-hold"
WAITING = "what-does-waiting-for-your-reply-mean-on-my-status-page"
EXTEND = "why-did-the-office-extend-the-deadline-on-my-request"
TRACKS = "what-are-the-simple-and-complex-processing-tracks"
EXPEDITED = "what-is-expedited-processing-and-who-qualifies"
DISSEMINATING = "what-does-primarily-engaged-in-disseminating-information-mean"
ASK_EXPEDITED = "how-do-i-ask-for-expedited-processing"
EXPEDITED_SOON = "how-soon-will-i-know-if-my-request-for-expedited-processing-was-granted"
EXPEDITED_AWAY = "does-expedited-processing-mean-ill-get-my-records-right-away"
EXPEDITED_APPEAL = "can-i-appeal-if-my-request-for-expedited-processing-is-denied"
EXEMPTIONS = "what-are-the-nine-foia-exemptions"
EXEMPTION_7 = "what-is-exemption-7-and-what-do-parts-a-through-f-mean"
BLACKED_OUT = "why-are-parts-of-my-records-blacked-out"
NO_RECORDS = "why-did-i-get-a-no-records-response"
APPEAL = "how-do-i-appeal-a-foia-decision-i-disagree-with"
APPEAL_LONG = "how-long-does-an-appeal-take-and-what-happens-after-its-decided"
OGIS = "what-is-ogis-and-can-it-help-with-a-dispute"
LIAISON_HELP = "who-can-help-me-if-i-have-a-problem-with-my-request-before-i-appeal"
COURT = "can-i-take-the-government-to-court-over-my-foia-request"
MYSELF = "how-do-i-request-records-about-myself"
PROVE = "what-do-i-need-to-send-to-prove-who-i-am"
ANOTHER = "can-i-get-records-about-another-person-like-a-relative"
CORRECT = "can-i-ask-the-office-to-correct-information-about-me-in-its-records"
OWN_COST = "are-requests-for-my-own-records-handled-on-the-same-timeline-and-do-they-cost"
NOT_CITIZEN = "im-not-a-us-citizen-can-i-still-get-records-about-myself"
COPS = "what-is-the-cops-office"
COMMUNITY = "what-is-community-policing"
MONEY = "how-much-money-has-the-cops-office-put-into-community-policing"
GRANTS = "where-can-i-find-information-about-cops-grants-and-how-to-apply"
POLICE_REPORT = "can-i-get-a-police-report-or-other-records-from-my-local-police-department-here"
CONTACT = "how-do-i-contact-the-foia-office-or-the-foia-public-liaison"
COMPLAINTS = "does-the-cops-office-investigate-complaints-about-police-officers"

RELEVANCE_SET: list[tuple[str, str, tuple[str, ...]]] = [
    # --- typed as a question
    ("how do I file a FOIA request", "question", (SUBMIT,)),
    ("How do I file a Freedom of Information Act request?", "question", (SUBMIT,)),
    ("how much does a FOIA request cost", "question", (COST,)),
    ("how long does the agency have to answer my request", "question", (HOW_LONG,)),
    ("can I send my request by email?", "question", (MAIL,)),
    ("what is OGIS", "question", (OGIS,)),
    ("who can make a FOIA request", "question", (WHO_CAN,)),
    ("what happens if my fee waiver is denied", "question", (WAIVER_DENIED,)),
    ("can I get my dead father's records", "question", (ANOTHER,)),
    ("can I sue the agency?", "question", (COURT,)),
    ("what if I can't pay the fees", "question", (AFFORD,)),
    ("do I have to say why I want the records", "question", (WHY,)),
    ("how do I prove my identity", "question", (PROVE,)),
    ("can I get a police report from my local department", "question", (POLICE_REPORT,)),
    ("what does expedited processing mean", "question", (EXPEDITED,)),
    ("what are the exemptions?", "question", (EXEMPTIONS,)),
    ("how do I fix wrong information about me in your files", "question", (CORRECT,)),
    ("I'm not an American citizen, can I ask for my records?", "question", (NOT_CITIZEN,)),
    ("what does the COPS Office do", "question", (COPS,)),
    ("how do I apply for a COPS grant", "question", (GRANTS,)),
    ("does the COPS Office investigate police misconduct", "question", (COMPLAINTS,)),
    ("what is community policing?", "question", (COMMUNITY,)),
    ("where can I see the status of my request", "question", (STATUS,)),
    ("when is my request considered received", "question", (RECEIVED,)),
    # --- a few words
    ("fee waiver", "keyword", (WAIVER,)),
    ("fee categories", "keyword", (CATEGORIES,)),
    ("news media requester", "keyword", (MEDIA,)),
    ("fee limit", "keyword", (LIMIT,)),
    ("no records response", "keyword", (NO_RECORDS,)),
    ("appeal a decision", "keyword", (APPEAL,)),
    ("tracking number status", "keyword", (STATUS,)),
    ("processing tracks", "keyword", (TRACKS,)),
    ("exemption 7", "keyword", (EXEMPTION_7,)),
    ("first-party request", "keyword", (MYSELF,)),
    ("death certificate", "keyword", (ANOTHER,)),
    ("reading room", "keyword", (PUBLIC,)),
    ("estimated completion date", "keyword", (TWO_DATES,)),
    ("unusual circumstances extension", "keyword", (EXTEND,)),
    ("certification of identity", "keyword", (PROVE,)),
    ("contact the FOIA public liaison", "keyword", (CONTACT,)),
    ("local police records", "keyword", (POLICE_REPORT,)),
    # --- the idea in other words
    ("I cannot afford the fees", "paraphrase", (AFFORD,)),
    ("the agency needs more time for my request", "paraphrase", (EXTEND,)),
    ("records that are already online", "paraphrase", (PUBLIC,)),
    ("is my request too broad", "paraphrase", (DESCRIBE,)),
    ("charged for a search that found nothing", "paraphrase", (PAY_NOTHING,)),
    ("the office is waiting for my reply", "paraphrase", (WAITING,)),
    ("how fast will I hear back about expedited processing", "paraphrase", (EXPEDITED_SOON,)),
    ("will expedited processing get me the records immediately", "paraphrase", (EXPEDITED_AWAY,)),
    ("appeal a denial of expedited processing", "paraphrase", (EXPEDITED_APPEAL,)),
    ("fees for journalists", "paraphrase", (MEDIA,)),
    ("ask the FOIA office a question", "paraphrase", (QUESTION,)),
    ("how much money did COPS spend on community policing", "paraphrase", (MONEY,)),
    ("records about a relative", "paraphrase", (ANOTHER,)),
    ("what kinds of records does the office have", "paraphrase", (KINDS,)),
    ("a fee question is holding up my request", "paraphrase", (FEE_HOLD,)),
    ("what are the simple and complex queues", "paraphrase", (TRACKS,)),
    ("how long does an appeal take", "paraphrase", (APPEAL_LONG,)),
    # --- words of the field the article does not use (or rarely)
    ("how much is the charge for a request", "synonym", (COST,)),
    ("price of a FOIA request", "synonym", (COST,)),
    ("urgent request", "synonym", (EXPEDITED, ASK_EXPEDITED)),
    ("can I rush my request", "synonym", (ASK_EXPEDITED, EXPEDITED)),
    ("challenge a decision", "synonym", (APPEAL,)),
    ("dispute my fee category", "synonym", (WAIVER_DENIED,)),
    ("my own records", "synonym", (MYSELF, OWN_COST)),
    ("track my request", "synonym", (STATUS,)),
    ("where is my request", "synonym", (STATUS,)),
    ("redacted pages", "synonym", (BLACKED_OUT,)),
    ("why was information withheld", "synonym", (BLACKED_OUT,)),
    ("time limit for a response", "synonym", (HOW_LONG,)),
    ("response time", "synonym", (HOW_LONG,)),
    ("twenty working days", "synonym", (HOW_LONG,)),
    ("records of someone who died", "synonym", (ANOTHER,)),
    ("ombudsman", "synonym", (OGIS,)),
    ("mediation", "synonym", (OGIS,)),
    ("lawsuit", "synonym", (COURT,)),
    ("why has my request been paused", "synonym", (HOLD,)),
    ("PA request for records about me", "synonym", (MYSELF,)),
    ("Privacy Act", "synonym", (MYSELF, NOT_CITIZEN, CORRECT)),
    ("submit a freedom of information act request", "synonym", (SUBMIT,)),
    ("what does FOIA let me do", "synonym", (WHAT_FOIA,)),
    # --- misspelt
    ("expidited processing", "typo", (EXPEDITED,)),
    ("expidite my request", "typo", (ASK_EXPEDITED, EXPEDITED)),
    ("freedom of informaton act", "typo", (WHAT_FOIA,)),
    ("fee waver", "typo", (WAIVER,)),
    ("exemtpions", "typo", (EXEMPTIONS,)),
    ("apeal a decision", "typo", (APPEAL,)),
    ("redactoins", "typo", (BLACKED_OUT,)),
    ("privcy act records", "typo", (MYSELF,)),
    ("comunity policing", "typo", (COMMUNITY,)),
    ("ombudsmn", "typo", (OGIS,)),
    # --- plurals and singulars
    ("appeals", "plural", (APPEAL,)),
    ("fee waivers", "plural", (WAIVER,)),
    ("exemption", "plural", (EXEMPTIONS,)),
    ("grants", "plural", (GRANTS,)),
    ("redactions", "plural", (BLACKED_OUT,)),
    ("extensions", "plural", (EXTEND,)),
]
