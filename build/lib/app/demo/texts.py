"""What the demo's people write: narratives, rationales, strengths and improvements, chosen
deterministically so that every run of the demo tells the same story."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

NARRATIVES: dict[str, Sequence[str]] = {
    "LEAD": (
        "Our customer service strategy was adopted by the {board} and is reviewed every spring "
        "against complaint volumes and satisfaction. The permanent secretary's blog sets out the "
        "vision in plain language, and staff survey results show most teams can describe it.",
        "A named director is accountable for customer service and reports to the {board} each "
        "quarter. Customer objectives now appear in the personal objectives of every senior "
        "manager, and we test this in the annual objective-setting audit.",
        "Leaders spend a day each quarter at the front line, in contact centres and local "
        "offices. Actions from these visits are logged and reported back to staff through the "
        "intranet, so people can see what changed.",
        "Every significant change goes through a customer impact assessment before approval. "
        "The assessment template asks which customer groups are affected and how we will know "
        "whether the change made things better or worse.",
        "We agreed joint priorities with partner bodies through a shared customer board, which "
        "meets every two months. Its first joint project removed duplicate identity checks "
        "for people applying to more than one scheme.",
    ),
    "INSIGHT": (
        "We keep a customer profile built from our case management system and census data, "
        "refreshed twice a year. It identifies the groups who use us most and those who "
        "cannot choose another provider, and it is used in service planning.",
        "Customers can complain, compliment or comment by phone, post, email, web form and "
        "social media. Every route feeds the same case system, and we publish a quarterly "
        "'you said, we did' summary on our website.",
        "Complaints and feedback are analysed each quarter for root causes. The analysis goes "
        "to the executive team, and the last four reports led to changes in letters, phone "
        "menus and the appointment booking process.",
        "We run a vulnerability flag on case records, agreed with advocacy groups, so that "
        "staff can offer extra time, a named contact or an alternative format without the "
        "customer having to ask again.",
        "Customers and front-line staff took part in redesigning the application journey. "
        "We ran twelve co-design sessions, including with people who had given up part-way "
        "through the old process.",
    ),
    "CULTURE": (
        "Every team has written down who its customers are, including internal teams, and how "
        "its work affects the people we serve. This is part of team induction and is checked "
        "in our annual business planning.",
        "Our annual staff engagement survey includes customer questions; results are shared "
        "within a month and each directorate publishes its action plan. We track the link "
        "between engagement and satisfaction scores by site.",
        "Front-line staff can resolve problems up to a set value without referral, and can "
        "suggest process changes through a simple form. Around sixty suggestions were adopted "
        "last year.",
        "We mapped our five highest-volume processes from the customer's point of view and "
        "removed steps that added nothing. The benefits form lost four pages, and average "
        "handling time fell by a fifth.",
        "A shared knowledge base gives staff and customers the same answers online and on the "
        "phone. Each article has a named owner and a review date, and out-of-date articles are "
        "reported weekly.",
    ),
    "SKILLS": (
        "All customer-facing staff complete training in empathy, active listening and handling "
        "difficult conversations, followed by an observed assessment within three months.",
        "Managers complete a coaching programme and hold monthly one-to-ones that include "
        "listening to recorded calls with the adviser, focusing on what went well.",
        "Advisers can resolve our ten most common queries at first contact. Where they cannot, "
        "the case is owned by a named caseworker and the customer is told who and when.",
        "Our training needs analysis identified gaps in digital support and in explaining "
        "decisions; both are now covered by a funded development plan with quarterly reviews.",
        "Staff in each directorate are trained in process mapping and root-cause analysis, and "
        "improvement projects are shared at a monthly show-and-tell.",
    ),
    "MEASURE": (
        "We measure delivery, timeliness, information, professionalism and staff attitude "
        "through a monthly survey of a random sample of customers, not only overall "
        "satisfaction.",
        "Results are broken down by channel, age group and disability, and differences are "
        "reviewed quarterly. The gap for telephone customers over 75 prompted a call-back "
        "service.",
        "We set customer-based service standards with our customer panel and publish "
        "performance against them every quarter, including where we missed them and why.",
        "Avoidable contact is tracked by reason code. Progress-chasing calls fell after we "
        "introduced text updates, and the trend is reported to the executive team.",
        "We benchmark with similar bodies through a shared set of measures and use the results "
        "in our improvement plan; we also take part in independent accreditation.",
    ),
    "ACCESS": (
        "Our single complaints procedure is published in plain English, has two stages and "
        "explains how to go to the ombudsman. It is linked from every page of our website.",
        "People can complain in person, by phone, in writing, by email, online or through "
        "social media, and every route is logged in the same complaints system.",
        "We offer interpreting, large print, easy read and advocacy support, and record the "
        "adjustments made so that we can check they are offered consistently.",
    ),
    "HANDLE": (
        "Complaints are acknowledged within three working days; last year 94 per cent of "
        "stage one responses were sent within ten working days.",
        "Each complaint has a named owner with authority to put things right, and "
        "investigations are carried out by someone not involved in the original matter.",
        "Responses address every point raised, apologise where we got it wrong, and explain "
        "how to escalate to the ombudsman with contact details and time limits.",
    ),
    "LEARN": (
        "All complaints and feedback are recorded in one system with cause, channel, customer "
        "group and outcome, and root causes are analysed every quarter.",
        "Improvements agreed because of complaints are tracked to completion by the quality "
        "team, and their effect is checked three months later.",
        "We survey complainants about their experience of the process and publish what we "
        "changed as a result.",
    ),
    "GOVERN": (
        "The director of operations is accountable for complaints, and the {board} receives a "
        "complaints report every quarter.",
        "We publish an annual complaints report covering numbers, timeliness, outcomes, "
        "ombudsman findings and the improvements made.",
        "Complaints handlers are trained for the role and have regular supervision, including "
        "support after difficult contacts.",
    ),
}

NOT_APPLICABLE = (
    "Our customers are applicants dealing with us about regulated decisions under statutory "
    "deadlines. Connecting applicants with one another is not appropriate for these decisions, "
    "and our customer panel agreed this element does not apply to us."
)

RATIONALE_LOWER = (
    "The evidence shows this in place in some teams only; interviews with front-line staff "
    "did not confirm it is consistent across the organisation.",
    "The document describes the intended approach, but there is no evidence yet of its effect "
    "on customers, so this is one level below the self-assessment.",
    "The quarterly reports cited cover only part of the year, and the actions taken are not "
    "recorded; I have moderated this one level down.",
    "Good practice, but not yet reviewed or improved regularly as the higher level requires.",
)
RATIONALE_HIGHER = (
    "The organisation undersold this: the evidence and staff interviews show the practice is "
    "embedded and reviewed, so I have moderated it one level up.",
)
RATIONALE_REVISIT = (
    "Looked again at this element as the lead assessor asked. The joined-up casework evidence "
    "covers one pilot area only, so I have moderated it to the lower level."
)
RATIONALE_RETURNED = (
    "The department added the evidence asked for when the assessment was returned; it now "
    "supports the score."
)

STRENGTHS = (
    "Clear ownership at senior level, and staff could describe the vision in their own words.",
    "Strong use of customer feedback: the 'you said, we did' reports are specific and current.",
    "Front-line staff are trusted to resolve problems, and the suggestion scheme is well used.",
    "Service standards are published with honest reporting of where they were missed.",
)
IMPROVEMENTS = (
    "Extend the practice beyond the contact centre to back-office and policy teams.",
    "Break results down by customer group so that differences in experience are visible.",
    "Record the effect of changes made because of feedback, not only that they were made.",
    "Publish the performance report in a format customers can find and understand.",
)

DECLARATION = (
    "I have no personal, financial or professional connection with this organisation and have "
    "not worked for it or advised it in the last three years."
)
CONFIRM_NOTE = "Moderation is thorough and the award follows from the moderated scores."


def pick(options: Sequence[str], *keys: object) -> str:
    """The same choice every run for the same keys."""
    digest = hashlib.sha256("|".join(str(k) for k in keys).encode()).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


def narrative(theme: str, code: str, kind: str, seed: object) -> str:
    board = {"local_authority": "cabinet", "nhs_body": "trust board"}.get(kind, "management board")
    return pick(NARRATIVES[theme], code, seed).format(board=board)
