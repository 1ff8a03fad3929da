"""The names, places and sentences benchmark data is made of (seed-bench)."""


def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words(
    "Amina Tomasz Grace Owen Leila Dev Sam Ada Priya Kwame Fatima Jonas Chloe Rafael Mei Aisha Bogdan "
    "Niamh Yusuf Elena Tariq Ruth Ibrahim Hana Connor Zainab Marta Joseph Sofia Emeka Lucy Omar"
)
LAST = _words(
    "Okafor Nowak Mensah Pritchard Haddad Sharma Whitfield Yusuf Patel Boateng Ali Novak Evans Silva "
    "Chen Begum Kowalski Murphy Hassan Popescu Khan Green Adeyemi Sato Byrne Ahmed Wojcik Smith Rossi"
)
JOBS = ["Community organiser", "Youth worker", "ESOL tutor", "Policy officer", "Project manager",
        "Researcher", "Volunteer coordinator", "Caseworker", "Trustee", "Programme lead"]
ORG_WORDS = ["Bridges", "Common Ground", "Welcome", "Together", "Open Doors", "Neighbours", "Roots",
             "Harbour", "Threads", "Kinship", "Meeting Point", "Side by Side"]
ORG_KINDS = ["Trust", "Partnership", "Network", "Project", "Collective", "Foundation", "CIC"]
SECTORS = ["Charity", "Local authority", "Faith group", "University", "Social enterprise"]
EXPERTISE = ["Youth work", "ESOL", "Housing", "Employment", "Mental health", "Refugee support",
             "Interfaith", "Sport", "Arts", "Evaluation", "Funding", "Volunteering", "Schools",
             "Women's groups", "Older people", "Digital inclusion", "Mediation", "Research"]
CATEGORIES = [
    ("Practice exchange", "What works in cohesion and integration work.", "public", 40),
    ("Welcome and introductions", "Say hello.", "public", 15),
    ("Funding and policy", "Funding rounds and consultations.", "members", 12),
    ("Events", "Meet-ups, training and conferences.", "public", 10),
    ("Research and evaluation", "Evidence, methods and findings.", "public", 8),
    ("Volunteering", "Recruiting and keeping volunteers.", "members", 7),
    ("Local news", "What is happening where you are.", "public", 5),
    ("Announcements", "News from the Network team.", "public", 3),
]
SENTENCES = [
    "We run conversation clubs twice a week for newly arrived families.",
    "Buddying new volunteers with experienced ones made the biggest difference for us.",
    "Has anyone applied to the community cohesion fund this year?",
    "Our evaluation found that **shared meals** did more than any workshop.",
    "The council's consultation closes at the end of the month, so *please* respond.",
    "We ask volunteers what they want to learn and build the training round that.",
    "Happy to share our session plans with anyone starting something similar.",
    "Attendance dropped over the summer, then came back once school started.",
    "We pair each family with a local household for the first three months.",
    "Translation costs are our largest line after staff time.",
    "The youth panel chose the topics, and turnout doubled.",
    "Does anyone have a template for a safeguarding policy for small groups?",
]
EXTRAS = [
    "\n\n- a short induction\n- a named contact\n- thanking people publicly",
    "\n\n1. Ask first\n2. Listen\n3. Follow up within a week",
    "\n\nMore in [our write-up](https://example.org/write-up).",
    "\n\n> What gets measured gets done, but not everything that matters can be measured.",
    "\n\n`rota.xlsx` is on the shared drive if you want it.",
    "",
]
