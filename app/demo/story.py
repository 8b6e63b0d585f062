"""The demo's cast and plot, as data: fictional public bodies, the people who work in them, and
how each of their assessments went. service.py plays it through the real services.

Every name here is invented; none claims a real body's results.
"""

from __future__ import annotations

from dataclasses import dataclass

PSCS = "public-service-customer-standard"
COMPLAINTS = "complaints-feedback-standard"

# Shared by every demo account: long enough, not common, not the service's or anyone's name.
DEMO_PASSWORD = "harbour-lantern-copper-kettle"  # noqa: S105 - printed for the demo on purpose


@dataclass(frozen=True)
class Body:
    slug: str
    name: str
    kind: str
    parent: str | None = None


ORGANISATIONS: tuple[Body, ...] = (
    Body("rural-services", "Department for Rural Services", "department"),
    Body("coastal-affairs", "Department for Coastal and Marine Affairs", "department"),
    Body("community-resilience", "Department for Community Resilience", "department"),
    Body("civic-data", "Office for Civic Data", "department"),
    Body("rural-payments", "Rural Payments and Grants Agency", "agency", "rural-services"),
    Body("flood-warning", "Coastal Flood Warning Service", "agency", "coastal-affairs"),
    Body("licensing", "Public Licensing Agency", "agency", "community-resilience"),
    Body("northshire-cc", "Northshire County Council", "local_authority"),
    Body("eastmarsh-dc", "Eastmarsh District Council", "local_authority"),
    Body("wexbury-bc", "Wexbury Borough Council", "local_authority"),
    Body("southvale-mbc", "Southvale Metropolitan Borough Council", "local_authority"),
    Body("northshire-health", "Northshire Community Health NHS Trust", "nhs_body"),
    Body("vale-ambulance", "Vale Ambulance Service NHS Trust", "nhs_body"),
    Body("eastmarsh-icb", "NHS Eastmarsh Integrated Care Board", "nhs_body"),
    Body("northshire-fire", "Northshire Fire and Rescue Service", "other"),
)


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    role: str
    organisation: str | None = None
    sees: str = ""  # what signing in as them shows a newcomer


STAFF = "standards.example"  # the accreditation body's own people

PEOPLE: tuple[Person, ...] = (
    Person(
        f"admin@{STAFF}",
        "Priya Raman",
        "admin",
        None,
        "users, organisations, frameworks and the audit trail",
    ),
    Person(
        f"publisher@{STAFF}",
        "Tom Whitfield",
        "publisher",
        None,
        "the two published league tables; publish the next one",
    ),
    Person(
        f"lead.assessor@{STAFF}",
        "Margaret Osei",
        "lead_assessor",
        None,
        "the queue: a submission to assign, Northshire's decision to make; revoking certificates",
    ),
    Person(
        f"lead.assessor2@{STAFF}",
        "David Kerr",
        "lead_assessor",
        None,
        "moderated Northshire County Council, so may not make its decision",
    ),
    Person(
        f"assessor@{STAFF}",
        "Hannah Lloyd",
        "assessor",
        None,
        "assigned work: NHS Eastmarsh ICB in review, Eastmarsh District Council returned",
    ),
    Person(
        f"assessor2@{STAFF}",
        "Samir Haddad",
        "assessor",
        None,
        "Community Resilience, resubmitted with its changes highlighted",
    ),
    Person(
        "fiona.blake@northshire-cc.example",
        "Fiona Blake",
        "assessor",
        "northshire-cc",
        "an assessor employed by Northshire County Council: never assigned to it",
    ),
    Person(
        "lead@rural-services.example",
        "Gareth Pryce",
        "dept_lead",
        "rural-services",
        "an Excellence certificate and its board report; a complaints standard draft",
    ),
    Person(
        "contributor@rural-services.example",
        "Aisha Begum",
        "dept_contributor",
        "rural-services",
        "the complaints standard draft: can edit answers and upload, cannot submit",
    ),
    Person("lead@coastal-affairs.example", "Rhian Morgan", "dept_lead", "coastal-affairs"),
    Person(
        "lead@community-resilience.example",
        "Oliver Grant",
        "dept_lead",
        "community-resilience",
        "resubmitted after being returned; now back in review",
    ),
    Person(
        "lead@civic-data.example",
        "Nadia Kowalski",
        "dept_lead",
        "civic-data",
        "a draft reassessment after a result with no award",
    ),
    Person(
        "lead@rural-payments.example",
        "Colin Fraser",
        "dept_lead",
        "rural-payments",
        "an agency whose score fell between the two league tables",
    ),
    Person(
        "lead@flood-warning.example",
        "Bethan Hughes",
        "dept_lead",
        "flood-warning",
        "a submitted assessment waiting for an assessor",
    ),
    Person(
        "lead@licensing.example", "Marcus Bell", "dept_lead", "licensing", "a revoked certificate"
    ),
    Person(
        "lead@northshire-cc.example",
        "Sarah Whitaker",
        "dept_lead",
        "northshire-cc",
        "a certificate expiring soon; the reassessment awaits a decision",
    ),
    Person("contributor@northshire-cc.example", "James Okoro", "dept_contributor", "northshire-cc"),
    Person(
        "lead@eastmarsh-dc.example",
        "Helen Marsh",
        "dept_lead",
        "eastmarsh-dc",
        "an expired certificate; the reassessment was returned for more evidence",
    ),
    Person("contributor@eastmarsh-dc.example", "Daniel Reyes", "dept_contributor", "eastmarsh-dc"),
    Person("lead@wexbury-bc.example", "Imran Siddiqui", "dept_lead", "wexbury-bc"),
    Person(
        "lead@southvale-mbc.example",
        "Karen Doyle",
        "dept_lead",
        "southvale-mbc",
        "a first assessment in draft",
    ),
    Person("contributor@southvale-mbc.example", "Leon Carter", "dept_contributor", "southvale-mbc"),
    Person("lead@northshire-health.example", "Dr Ruth Adeyemi", "dept_lead", "northshire-health"),
    Person(
        "lead@vale-ambulance.example",
        "Paul Jennings",
        "dept_lead",
        "vale-ambulance",
        "top of both league tables, and a complaints standard result",
    ),
    Person(
        "lead@eastmarsh-icb.example",
        "Grace Nwosu",
        "dept_lead",
        "eastmarsh-icb",
        "an assessment being moderated",
    ),
    Person(
        "lead@northshire-fire.example",
        "Alan Ridley",
        "dept_lead",
        "northshire-fire",
        "nothing yet: start an assessment from scratch",
    ),
)


HANNAH, SAMIR = f"assessor@{STAFF}", f"assessor2@{STAFF}"
FIONA = "fiona.blake@northshire-cc.example"
MARGARET, DAVID = f"lead.assessor@{STAFF}", f"lead.assessor2@{STAFF}"


@dataclass(frozen=True)
class Round:
    """One assessment and how far it got. Scores are generated (scores.py) from `level`, the
    moderated maturity on the 0-4 scale by theme, and `optimism`, the share of elements the
    department rated a level higher than the assessor did."""

    organisation: str
    ends: str  # the state it is left in
    days_ago: int  # when its last step happened
    level: float | dict[str, float]
    framework: str = PSCS
    award: str | None = None  # what the moderated scores earn (checked by the tests)
    optimism: float = 0.2
    assessor: str = HANNAH
    assigner: str = MARGARET
    decider: str = MARGARET
    returned: str = ""  # the assessor's reason, when it was returned once
    referred: str = ""  # the lead assessor's note, when the decision referred it back once
    returned_elements: tuple[str, ...] = ()  # what the assessor asked the department to revisit
    referred_element: str = ""  # what the lead assessor asked the assessor to look at again
    answered: int = 0  # drafts: how many elements are answered so far
    not_applicable: tuple[str, ...] = ()  # element codes the department marked N/A
    span_days: int = 75  # from starting it to its last step


# In the order they happened: an organisation's earlier round concludes before its next starts.
ROUNDS: tuple[Round, ...] = (
    Round(
        "eastmarsh-dc", "concluded", 1220, 2.75, award="accredited", assessor=FIONA, span_days=90
    ),
    Round("northshire-cc", "concluded", 1035, 2.95, award="accredited", span_days=100),
    Round("rural-services", "concluded", 420, 2.7, award="accredited", assessor=HANNAH),
    Round("civic-data", "concluded", 390, 1.45, award=None, assessor=SAMIR, optimism=0.35),
    Round("coastal-affairs", "concluded", 330, 2.0, award="commitment", decider=DAVID),
    Round(
        "rural-payments",
        "concluded",
        300,
        2.55,
        award="accredited",
        assessor=SAMIR,
        not_applicable=("INSIGHT.3.2",),
    ),
    Round("vale-ambulance", "concluded", 280, 3.55, award="excellence", optimism=0.1),
    Round(
        "licensing",
        "concluded",
        250,
        2.65,
        award="accredited",
        decider=DAVID,
        not_applicable=("INSIGHT.3.2",),
    ),
    Round(
        "vale-ambulance",
        "concluded",
        150,
        2.6,
        framework=COMPLAINTS,
        award="compliance-plus",
        assessor=SAMIR,
    ),
    Round(
        "wexbury-bc",
        "concluded",
        120,
        3.4,
        award="excellence",
        assessor=SAMIR,
        assigner=DAVID,
        returned="The evidence for MEASURE.3.1 is a draft that was never published, and "
        "INSIGHT.2.3 cites quarterly analysis but attaches only one quarter. Please attach the "
        "published performance report and the last four quarterly complaints analyses.",
        returned_elements=("INSIGHT.2.3", "MEASURE.3.1"),
    ),
    Round("northshire-health", "concluded", 95, 3.0, award="accredited", assessor=DAVID),
    Round(
        "rural-services",
        "concluded",
        60,
        3.45,
        award="excellence",
        assessor=SAMIR,
        referred="The moderated score for CULTURE.3.2 rests on one case study; look again at "
        "the joined-up casework evidence before I confirm Excellence.",
        referred_element="CULTURE.3.2",
    ),
    Round(
        "rural-payments",
        "concluded",
        35,
        2.05,
        award="commitment",
        assessor=SAMIR,
        not_applicable=("INSIGHT.3.2",),
        returned="Several answers describe plans rather than practice. Please show what "
        "has actually changed for applicants in SKILLS.2.1 and CULTURE.3.4, with evidence.",
        returned_elements=("SKILLS.2.1", "CULTURE.3.4"),
    ),
    # A first attempt, withdrawn so that a fresh one could begin (its draft below).
    Round("southvale-mbc", "withdrawn", 20, 2.0, answered=4, span_days=3),
    Round(
        "eastmarsh-dc",
        "returned",
        9,
        2.4,
        award=None,
        assessor=HANNAH,
        returned="The customer insight evidence is from 2022 and predates the new contact "
        "centre. Please attach current customer profile data for INSIGHT.1.1 and the latest "
        "complaints root-cause analysis for INSIGHT.2.3.",
        returned_elements=("INSIGHT.1.1", "INSIGHT.2.3"),
    ),
    Round(
        "northshire-cc",
        "moderated",
        5,
        3.0,
        award="accredited",
        assessor=DAVID,  # a lead assessor moderating: so he, unlike Margaret, may not decide it
        referred="Please revisit LEAD.3.2: the multi-agency arrangements are described but "
        "the evidence does not show customers experiencing one joined-up service.",
        referred_element="LEAD.3.2",
    ),
    Round("eastmarsh-icb", "in_review", 6, 2.8, assessor=HANNAH, assigner=DAVID, span_days=40),
    Round(
        "community-resilience",
        "in_review",
        1,
        2.5,
        assessor=SAMIR,
        returned="LEAD.2.1 and MEASURE.1.3 have no evidence of the named accountable leader "
        "or of published service standards. Please add both before I complete moderation.",
        returned_elements=("LEAD.2.1", "MEASURE.1.3"),
    ),
    Round("flood-warning", "submitted", 2, 2.6, not_applicable=("INSIGHT.3.2",)),
    Round("civic-data", "draft", 3, 2.2, answered=20, span_days=12),
    Round("southvale-mbc", "draft", 1, 2.0, answered=8, span_days=5),
    # Its first complaints standard assessment, part answered: the demo contributor's work.
    Round("rural-services", "draft", 2, 2.5, framework=COMPLAINTS, answered=9, span_days=10),
)

WITHDRAW_REASON = (
    "Started before the corporate leadership team had agreed who would own the assessment; "
    "we will start again once the new customer service lead is in post."
)

AS_OF_MONTHS_AGO = 6  # the first league table's as-of date; the second is as of today
# Renamed between the two league tables (a machinery-of-government change): the first table and
# its certificate keep the old name, the second table shows the new one.
RENAMED = ("coastal-affairs", "Department for Coasts, Seas and Fisheries")
REVOKED = (
    "licensing",
    "A review found that the customer satisfaction figures submitted as evidence for "
    "MEASURE.1.1 had excluded refused applications. The award is withdrawn until a corrected "
    "reassessment is moderated.",
    20,  # days ago
)
