"""Generate templated paraphrases of the role-question intents into data/nlu/generated.yml.

Deterministic (fixed seed). For each intent it combines
  * question frames ("what is/are ...", "could you tell me ...", "I was wondering ...",
    "I'd like to know ...", "any idea ...", "do you know ...", "is there ...", and
    FAQ / recruiter-list phrasings),
  * topic noun phrases with synonyms (pay/salary/wage/compensation/...),
  * optional candidate background prefixes ("as a new grad, ...", "I'm a [nurse](role)
    with 5 years experience, ..."),
  * optional role mentions annotated `[registered nurse](role)` (posting titles, variants
    and other occupations) or generic references ("this job", "the role"),
  * British / American spellings, optional trailing "?", a few realistic typos.
Every intent stays inside its definition in docs/intents.md. Examples that equal (case,
punctuation, white space and entity markup aside) an existing example of data/nlu, or each
other, are dropped.

    .venv/bin/python scripts/generate_training_data.py [--per-intent 80]
"""
from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
NLU_DIR = ROOT / "data" / "nlu"
OUT = NLU_DIR / "generated.yml"
#: Examples per intent in the committed file.
PER_INTENT = 80
SEED = 20240601

# ---------------------------------------------------------------------------------------
# Roles: the postings' titles, their variants, and other occupations.
ROLES = [
    "registered nurse", "RN", "staff nurse", "med-surg nurse",
    "dental hygienist", "hygienist", "dental hygiene",
    "machine learning engineer", "ML engineer", "MLE",
    "regional truck driver", "truck driver", "CDL-A driver", "HGV driver", "lorry driver",
    "senior warehouse supervisor", "warehouse supervisor", "warehouse manager",
    "staff accountant", "accountant", "junior accountant",
    "inside sales representative", "inside sales rep", "sales rep", "sales representative",
    "pharmacist", "physiotherapist", "physical therapist", "electrician", "plumber",
    "paralegal", "data analyst", "software developer", "primary school teacher",
    "care assistant", "forklift operator", "bookkeeper", "chef", "receptionist",
    "social worker", "veterinary nurse", "civil engineer", "graphic designer",
    "customer service advisor", "HR coordinator", "lab technician", "carpenter",
]

# The role, as it appears in a sentence. Each returns text with the role annotated.
GENERIC_JOB = ["this job", "the role", "this position", "the job", "this role", "the position",
               "this vacancy", "this post", "the opening"]


def article(word: str) -> str:
    w = word.lower()
    if w in {"rn", "mle", "hgv driver", "hr coordinator", "ml engineer"}:
        return "an"
    return "an" if w[0] in "aeiou" else "a"


def ann(role: str) -> str:
    return f"[{role}](role)"


def job_ref(rng: random.Random) -> str:
    """'this job' / 'the [RN](role) job' / 'this [staff accountant](role) position'."""
    if rng.random() < 0.5:
        return rng.choice(GENERIC_JOB)
    role = rng.choice(ROLES)
    det = rng.choice(["the", "this", "your"])
    noun = rng.choice(["job", "role", "position", "vacancy", "post", "opening"])
    return f"{det} {ann(role)} {noun}"


def a_role(rng: random.Random) -> str:
    """'a [pharmacist](role)' / 'someone in this job'."""
    if rng.random() < 0.35:
        return rng.choice(["someone in this job", "someone in this role", "the person in this role",
                           "someone in this position"])
    role = rng.choice(ROLES)
    return f"{article(role)} {ann(role)}"


def as_role(rng: random.Random) -> str:
    if rng.random() < 0.45:
        return rng.choice(["in this job", "in this role", "in the role", "for this position",
                           "for the job", "here", "in this post"])
    role = rng.choice(ROLES)
    return rng.choice([f"as {article(role)} {ann(role)}", f"for the {ann(role)} job",
                       f"in the {ann(role)} role", f"for the {ann(role)} position"])


# Candidate background prefixes (end with a comma or "and", then the question).
BACKGROUNDS = [
    "I'm a [nurse](role) with 5 years experience,",
    "as a new grad,",
    "I'm changing careers from retail and",
    "I've just finished my degree and",
    "I'm currently a [teaching assistant](role),",
    "hi, I'm looking to move into this field,",
    "I've been a [waiter](role) for 3 years and",
    "quick question,",
    "hello, I saw the posting and",
    "I'm a mum returning to work after a career break,",
    "I'm a mom coming back to work after a few years off, so",
    "I'm thinking of applying but first",
    "I'm interested in the job but",
    "before I send my CV,",
    "before I send in my resume,",
    "I'm a school leaver and",
    "I'm an ex-military veteran and",
    "I work in hospitality at the moment,",
    "hi there, I have about 10 years in logistics and",
    "sorry if this is a silly question but",
    "my friend told me about this opening,",
    "I'm moving from [retail manager](role) to something new,",
    "ok so",
    "hey,",
]

# British and American spellings (applied to the generated text outside entities).
US_TO_UK = {
    "organization": "organisation", "organize": "organise", "specialize": "specialise",
    "labor": "labour", "center": "centre", "license": "licence", "traveling": "travelling",
    "traveled": "travelled", "program": "programme", "color": "colour", "favorite": "favourite",
    "behavior": "behaviour", "enroll": "enrol", "prioritize": "prioritise",
    "recognized": "recognised", "analyze": "analyse", "apologize": "apologise",
}

TYPOS = {
    "salary": ["salery", "slary", "sallary"], "experience": ["experiance", "expirience", "experince"],
    "responsibilities": ["responsibilites", "responsabilities"], "benefits": ["benifits", "benefets"],
    "certification": ["certifcation", "certificaton"], "certifications": ["certifcations"],
    "schedule": ["schedual", "shedule"], "qualifications": ["qualifcations", "qualificatons"],
    "interview": ["interveiw", "intervew"], "would": ["woud", "wuold"],
    "location": ["locaton"], "department": ["deparment", "departmant"], "what": ["wat", "waht"],
    "degree": ["degre"], "training": ["traning", "trainning"], "travel": ["travle"],
    "because": ["becuase"], "position": ["postion", "positon"], "require": ["requre"],
    "anyone": ["anyon"], "personality": ["personaility"], "supervisor": ["supervisior"],
    "manager": ["manger"], "remote": ["remot"], "overtime": ["overtim"], "requirements": ["requirments", "requirements"], "apply": ["aply"],
    "wondering": ["wonderin", "wandering"], "know": ["kno"], "about": ["abt"],
    "please": ["pls", "plz"], "you": ["u"], "are": ["r"],
}

ENTITY_RE = re.compile(r"(\[[^\]]+\]\([a-z_]+\))")


def map_outside_entities(text: str, fn) -> str:
    return "".join(p if ENTITY_RE.fullmatch(p) else fn(p) for p in ENTITY_RE.split(text))


def to_british(text: str) -> str:
    def fn(part: str) -> str:
        for us, uk in US_TO_UK.items():
            part = re.sub(rf"\b{us}", uk, part)
        return part
    return map_outside_entities(text, fn)


def add_typo(text: str, rng: random.Random) -> str:
    """One realistic misspelling, outside entities."""
    parts = ENTITY_RE.split(text)
    idx = [i for i, p in enumerate(parts) if not ENTITY_RE.fullmatch(p)
           and any(w.lower() in TYPOS for w in re.findall(r"[A-Za-z']+", p))]
    if not idx:
        return text
    i = rng.choice(idx)
    words = [w for w in re.findall(r"[A-Za-z']+", parts[i]) if w.lower() in TYPOS]
    w = rng.choice(words)
    parts[i] = re.sub(rf"\b{re.escape(w)}\b", rng.choice(TYPOS[w.lower()]), parts[i], count=1)
    return "".join(parts)


# ---------------------------------------------------------------------------------------
# Generic frames over a topic noun phrase. {n} = noun phrase, {be} = is/are, {job} = role ref.
NOUN_FRAMES = [
    "what {be} the {n} for {job}",
    "what {be} the {n} like for {job}",
    "could you tell me about the {n} for {job}",
    "could you tell me what the {n} {be}",
    "can you tell me a bit about the {n}",
    "I was wondering about the {n} for {job}",
    "I was wondering what the {n} {be} for {job}",
    "I'd like to know the {n} for {job}",
    "I'd like to know more about the {n}",
    "any idea what the {n} {be} for {job}",
    "do you know what the {n} {be}",
    "do you have any info on the {n} for {job}",
    "what can you tell me about the {n} of {job}",
    "info on the {n} please",
    "{n} for {job}",
    "{n}",
    "tell me about the {n}",
    "I'm curious about the {n} for {job}",
    "is there any information about the {n}",
    "would you be able to share the {n} for {job}",
    "what does the posting say about the {n}",
    "what's the deal with the {n}",
]


def noun_questions(nouns: list[tuple[str, bool]], rng: random.Random, k: int) -> list[str]:
    out = []
    for _ in range(k):
        n, plural = rng.choice(nouns)
        frame = rng.choice(NOUN_FRAMES)
        out.append(frame.format(n=n, be="are" if plural else "is", job=job_ref(rng)))
    return out


def S(n: str) -> tuple[str, bool]:
    return (n, False)


def P(n: str) -> tuple[str, bool]:
    return (n, True)


# ---------------------------------------------------------------------------------------
# Per intent: topic nouns (for NOUN_FRAMES) and direct templates. Templates may use
# {job} (role reference), {a_role} ("a [nurse](role)"), {as_role} ("as a [nurse](role)").
INTENTS: dict[str, dict] = {
    "ask_overview": {
        "nouns": [S("general description"), S("overview"), S("job summary"), S("role summary"),
                  S("big picture"), S("short description"), S("main purpose")],
        "templates": [
            "what is {job} all about", "what does {a_role} do", "what does {a_role} actually do",
            "what does {a_role} do in general", "could you give me an overview of {job}",
            "I'd like a general overview of {job}", "tell me about {job}",
            "could you tell me what {job} is", "I was wondering what {job} involves in general",
            "in a nutshell, what is {job}", "what is {job} in simple terms",
            "any idea what {a_role} does", "do you know what {a_role} does",
            "give me the elevator pitch for {job}", "can you summarise {job} for me",
            "can you summarize {job} for me", "what's the purpose of {job}",
            "what's {job} about", "I'd like to know what {job} is about",
            "describe {job} in a few sentences", "what is it like working as {a_role}",
            "what's the gist of {job}", "what kind of job is {job}",
            "how would you describe {job}", "I'm not sure what {a_role} is, can you explain",
            "explain {job} to me", "so what exactly is {job}",
            "what's the role of {a_role} in general",
        ],
    },
    "ask_duties": {
        "nouns": [P("duties"), P("responsibilities"), P("main tasks"), P("day-to-day tasks"),
                  P("key responsibilities"), S("day-to-day"), S("daily routine"),
                  P("job duties"), S("workload"), P("core duties")],
        "templates": [
            "what would I be doing day to day {as_role}", "what does a typical day look like {as_role}",
            "what would a normal shift involve {as_role}", "what tasks would I do {as_role}",
            "what would I actually be working on {as_role}", "what would my main duties be",
            "what are my responsibilities {as_role}", "what am I responsible for {as_role}",
            "what does {a_role} do on a typical day", "what does a day in the life of {a_role} look like",
            "walk me through a typical week {as_role}", "what kind of work would I be doing",
            "what would be expected of me day to day", "what would I spend most of my time on",
            "what are the main things I'd be doing {as_role}", "what would I be in charge of",
            "what sort of tasks does {a_role} handle", "list the responsibilities of {job}",
            "what kind of projects would I work on", "what would my daily routine be {as_role}",
            "what's expected of {a_role} on a daily basis", "what are the key duties of {job}",
            "what are {a_role}'s day-to-day tasks", "what would I do on shift",
            "what does the work involve day to day",
        ],
    },
    "ask_reporting": {
        "nouns": [S("reporting line"), S("line manager"), S("manager"), S("supervisor"),
                  S("team"), S("department"), S("reporting structure"), S("boss")],
        "templates": [
            "who would I report to {as_role}", "who would be my line manager",
            "who is the hiring manager's boss for {job}", "who would I be working under",
            "where does {job} sit in the organization", "where does {job} sit in the company structure",
            "which team is {job} part of", "which department would I be in",
            "who does {a_role} answer to", "who supervises {a_role}",
            "who's my direct manager {as_role}", "who would be managing me",
            "what team would I join {as_role}", "who would I take direction from",
            "who is {job} accountable to", "what's the chain of command for {job}",
            "who would be my supervisor {as_role}", "what department is {job} in",
            "is {job} in a big team", "who oversees {a_role}",
            "who signs off on my work {as_role}", "which unit would I be working in",
            "who will be my boss if I get {job}", "who would I report into",
        ],
    },
    "ask_salary": {
        "nouns": [S("pay"), S("salary"), S("wage"), S("compensation"), S("hourly rate"),
                  S("pay rate"), S("salary range"), S("base pay"), S("starting salary"),
                  P("earnings"), S("remuneration"), S("pay band"), S("rate of pay")],
        "templates": [
            "how much does {a_role} make", "how much does {a_role} earn",
            "how much does {job} pay", "what does {job} pay", "how much would I earn {as_role}",
            "how much would I get paid {as_role}", "what's the hourly rate {as_role}",
            "what's the annual salary {as_role}", "how much money is {job}",
            "is {job} well paid", "what kind of money are we talking about for {job}",
            "what would my take-home pay be {as_role}", "what's the pay per hour {as_role}",
            "do you know how much {job} pays", "any idea what {a_role} earns",
            "what does {a_role} get paid a year", "what's the starting wage {as_role}",
            "what salary can I expect {as_role}", "what determines the pay {as_role}",
            "is the pay negotiable {as_role}", "how much is {job} paying",
            "what do you pay {a_role}", "what's the salary band for {job}",
            "does {job} pay by the hour or salary", "how much could I make in my first year {as_role}",
        ],
    },
    "ask_skills": {
        "nouns": [P("skills"), P("requirements"), P("qualifications"), P("key skills"),
                  S("skill set"), S("tech stack"), P("essential skills"), P("job requirements"),
                  P("must-have skills"), P("technical skills")],
        "templates": [
            "what skills do I need {as_role}", "what skills does {a_role} need",
            "what do I need to know to be {a_role}", "am I qualified for {job}",
            "what would the ideal candidate bring to {job}", "what are you looking for in terms of skills",
            "what are the must haves for {job}", "do I need to know python {as_role}",
            "do I need to be good with computers {as_role}", "what software do I need to know {as_role}",
            "what abilities are needed {as_role}", "what should I be good at {as_role}",
            "what does it take skill-wise to be {a_role}", "would my skills be enough for {job}",
            "what tools should I know {as_role}", "which programming languages are needed {as_role}",
            "what requirements do I have to meet for {job}", "do I meet the requirements for {job}",
            "what qualifications are needed for {job}", "what are the essential criteria for {job}",
            "what do I need to bring to {job}", "what know-how is required {as_role}",
            "what competencies are you after for {job}",
            "what would make me a strong applicant skills-wise",
        ],
    },
    "ask_experience": {
        "nouns": [S("experience requirement"), S("level of experience"), P("years of experience"),
                  S("seniority level"), S("experience needed"), S("minimum experience")],
        "templates": [
            "how many years of experience do I need {as_role}", "how much experience does {a_role} need",
            "is {job} entry level", "can I apply as a new grad", "is {job} suitable for a graduate",
            "do I need previous experience {as_role}", "is experience required for {job}",
            "would you consider someone with no experience for {job}", "is {job} a junior or senior role",
            "I only have 1 year of experience, is that enough for {job}",
            "do you take people straight out of school for {job}", "what level is {job}",
            "is {job} for experienced people only", "can a beginner apply for {job}",
            "I have no experience, can I still apply for {job}",
            "how experienced do I have to be {as_role}", "do I need prior work experience {as_role}",
            "is 2 years of experience enough {as_role}", "is {job} open to freshers",
            "do you hire trainees with no background {as_role}", "how senior is {job}",
            "would my 6 months experience count for {job}", "is {job} mid level",
            "do you need someone who has done this before",
        ],
    },
    "ask_education": {
        "nouns": [S("education requirement"), S("degree requirement"), P("academic requirements"),
                  S("required degree"), S("level of education"), P("educational qualifications")],
        "templates": [
            "do I need a degree {as_role}", "what degree does {a_role} need",
            "is a bachelor's degree required for {job}", "do I need a master's {as_role}",
            "is a PhD needed {as_role}", "what should I have studied to become {a_role}",
            "what education do I need {as_role}", "what training do I need to become {a_role}",
            "do I need to go to university for {job}", "do I need to go to college for {job}",
            "would a diploma be enough for {job}", "is a high school diploma enough {as_role}",
            "what field of study is preferred for {job}", "does my degree have to be in a related subject",
            "can I get {job} without a degree", "is a university degree essential for {job}",
            "I have an associate degree, is that ok for {job}", "does {job} require a bachelors",
            "what kind of schooling is needed {as_role}", "would GCSEs and A levels be enough {as_role}",
            "what do I need to study {as_role}", "is a nursing degree required {as_role}",
            "do you accept foreign degrees {as_role}", "what academic background do you want for {job}",
            "what training do I need before I can do {job}", "what courses do I have to take to become {a_role}",
            "what qualifications do I need to study for {as_role}", "what training is required to get into {job}",
            "what schooling or training do I need first",
        ],
    },
    "ask_certifications": {
        "nouns": [P("certifications"), P("certificates"), P("professional certifications"),
                  P("licences"), P("licenses"), S("certification requirement"),
                  P("industry certifications")],
        "templates": [
            "which certifications help {as_role}", "do I need an AWS certification {as_role}",
            "do I need any certificates {as_role}", "is a CPA required for {job}",
            "would a google cloud cert help me get {job}", "do I need a CDL {as_role}",
            "what licenses does {a_role} need", "do I need to be certified {as_role}",
            "which certs are required for {job}", "are there any certifications I should get first",
            "would a professional certification give me an edge for {job}",
            "do I need a state license {as_role}", "is an ACCA qualification needed {as_role}",
            "do I need BLS or CPR certification {as_role}", "is a forklift certificate needed {as_role}",
            "what accreditations are needed for {job}", "do you require any professional licensing",
            "is a PMP useful {as_role}", "do I have to be registered or licensed {as_role}",
            "which professional certificates matter {as_role}", "should I get certified before applying",
            "is a tensorflow certificate worth it {as_role}", "do I need a hazmat endorsement {as_role}",
        ],
    },
    "ask_qualities": {
        "nouns": [P("personal qualities"), P("personality traits"), P("soft skills"),
                  S("ideal personality"), P("traits"), P("character traits")],
        "templates": [
            "what kind of person are you hoping to hire", "what kind of person does well {as_role}",
            "what sort of personality suits {job}", "what type of person would be happy {as_role}",
            "who would thrive {as_role}", "what personal qualities make a good {ROLE}",
            "what kind of character do you need {as_role}", "would an introvert do well {as_role}",
            "is {job} good for someone who likes people", "what makes someone successful {as_role}",
            "what traits do you value {as_role}", "what's the ideal personality for {job}",
            "would {job} suit a patient, calm person", "what attitude are you looking for",
            "is {job} a good fit for a detail-oriented person", "what kind of people enjoy {job}",
            "who is {job} a good match for", "do I need to be a people person {as_role}",
            "what temperament does {a_role} need", "would I fit in {as_role} if I'm shy",
            "what type of person are you looking for", "what qualities should {a_role} have",
        ],
    },
    "ask_benefits": {
        "nouns": [P("benefits"), P("perks"), S("benefits package"), S("health insurance"),
                  S("pension"), S("401k match"), S("retirement plan"), S("paid time off"),
                  P("vacation days"), P("holiday allowance"), S("annual leave"), S("bonus"),
                  S("stock options"), S("dental cover"), P("employee perks"),
                  S("sick pay"), S("paid sick leave"), S("maternity leave"), S("childcare support")],
        "templates": [
            "what benefits come with {job}", "is there health insurance {as_role}",
            "do you offer a pension {as_role}", "is there a 401k {as_role}",
            "how many days holiday do I get {as_role}", "how much vacation do I get {as_role}",
            "is there a bonus {as_role}", "do I get stock options {as_role}",
            "are there any perks {as_role}", "what does the benefits package include",
            "is dental covered", "do you offer paid sick leave", "how much PTO is there {as_role}",
            "is there a sign-on bonus {as_role}", "do employees get equity",
            "is there an employee discount", "what's the retirement plan like",
            "do you match pension contributions", "do I get paid holidays {as_role}",
            "is there parental leave", "is there a gym membership or wellness allowance",
            "does {job} come with life insurance",
        ],
    },
    "ask_training": {
        "nouns": [S("onboarding"), S("training programme"), S("training program"),
                  S("mentoring"), S("learning budget"), P("development opportunities"),
                  S("induction"), S("professional development"), S("on-the-job training")],
        "templates": [
            "do you provide training {as_role}", "is there training for new starters",
            "will I be trained {as_role}", "is there an onboarding programme",
            "will I get a mentor {as_role}", "is there a mentorship scheme",
            "do you pay for courses {as_role}", "is there a training budget",
            "do you support continuing education {as_role}", "will the company help me learn the ropes {as_role}",
            "how long is the induction {as_role}", "do you offer on the job training",
            "will someone show me the ropes", "do you train people with no background",
            "is there a preceptorship for new nurses", "do you fund certifications for staff",
            "is there career development support {as_role}", "will you pay for further study",
            "how do you onboard {a_role}", "does the company invest in staff development",
            "is there a graduate training scheme",
        ],
    },
    "ask_dress_code": {
        "nouns": [S("dress code"), S("uniform"), S("attire"), S("uniform policy"),
                  S("work clothing"), S("dress policy")],
        "templates": [
            "what should I wear {as_role}", "is there a uniform {as_role}",
            "can I wear jeans {as_role}", "do I have to wear a suit",
            "is it smart casual", "is the dress code formal or casual",
            "do you provide a uniform", "do I need to wear scrubs {as_role}",
            "are trainers allowed at work", "are sneakers ok at work",
            "do I need steel toe boots {as_role}", "is it business casual {as_role}",
            "what do people wear {as_role}", "can I wear shorts in summer",
            "do I need to dress up every day", "what's the expected attire {as_role}",
            "is there a dress code {as_role}", "do I have to wear a tie",
            "is casual clothing ok in the office", "is PPE or work wear provided",
        ],
    },
    "ask_travel": {
        "nouns": [S("travel requirement"), P("travel requirements"), S("amount of travel"), S("business travel"),
                  S("travel"), P("overnight trips")],
        "templates": [
            "is travel required {as_role}", "how often would I travel {as_role}",
            "would I have to travel for work", "does {job} involve travelling",
            "does {job} involve traveling", "how much time would I spend on the road",
            "will there be business trips {as_role}", "do I need to travel abroad",
            "would I be away from home a lot {as_role}", "how many nights away per week {as_role}",
            "is there international travel {as_role}", "will I have to visit clients",
            "what percentage of the time is travel", "do I need to fly anywhere for work",
            "are there overnight stays {as_role}", "would I travel between sites",
            "is {job} a travelling role", "would I be going on work trips",
        ],
    },
    "ask_vacancy_reason": {
        "nouns": [S("reason for the vacancy"), S("reason the job is open"),
                  S("reason for hiring"), S("story behind the opening")],
        "templates": [
            "why is {job} open", "why is {job} available", "why are you hiring for {job}",
            "did the last person leave", "did someone quit {job}", "is {job} a new role",
            "is {job} a replacement", "is this a newly created position",
            "why did the previous {ROLE} leave", "what happened to the person before me",
            "how come {job} is vacant", "was someone fired from {job}",
            "is this a backfill", "why is there an opening", "is {job} newly created or replacing someone",
            "are you expanding the team or replacing someone", "why is the post vacant",
            "what made this vacancy come up", "is {job} open because of growth",
            "did the previous person get promoted", "has {job} been open long",
            "why do you need a new {ROLE}", "is the team growing or did someone leave",
            "how did this opening come about", "why has this role come up",
        ],
    },
    "ask_work_location": {
        "nouns": [S("location"), S("office location"), S("work location"), S("remote policy"),
                  S("address"), S("site"), S("base")],
        "templates": [
            "is {job} remote", "can I work from home {as_role}", "is {job} hybrid",
            "is {job} on site", "where is the office", "where would I be based {as_role}",
            "would I need to relocate for {job}", "is relocation support offered",
            "where is {job} located", "which city is {job} in", "how many days in the office",
            "is {job} fully remote", "can I do {job} remotely", "where would I work {as_role}",
            "what town is the job in", "is {job} in-person", "where's the workplace",
            "is it possible to work remotely some days", "do I have to come into the office",
            "is {job} based at the hospital or elsewhere", "which site would I work at",
            "would I have to move for {job}", "is {job} work from home",
        ],
    },
    "ask_working_hours": {
        "nouns": [P("hours"), P("working hours"), S("schedule"), S("shift pattern"), P("shifts"),
                  S("rota"), S("work schedule"), P("hours per week")],
        "templates": [
            "what are the hours {as_role}", "is {job} full time", "is {job} part time",
            "is there overtime {as_role}", "what shifts would I work {as_role}",
            "do I have to work nights {as_role}", "do I have to work weekends",
            "how many hours a week is {job}", "what time does the shift start",
            "is it 9 to 5", "are the hours flexible", "would I work 12 hour shifts",
            "is {job} Monday to Friday", "how long is a shift {as_role}",
            "do I have to be on call {as_role}", "is there weekend work {as_role}",
            "what's the rota like", "will I work bank holidays",
            "do I get to choose my shifts", "what time would I finish",
            "how many days a week would I work {as_role}", "is there any night work",
            "is {job} permanent full time", "how much overtime is expected",
        ],
    },
    "ask_application_process": {
        "nouns": [S("application process"), S("interview process"), S("hiring process"),
                  S("application deadline"), S("recruitment process"), S("hiring timeline"),
                  P("interview stages"), S("closing date")],
        "templates": [
            "how do I apply for {job}", "how can I apply {as_role}", "where do I apply",
            "what's the interview process like", "how many interview rounds are there",
            "when is the closing date for {job}", "when is the deadline to apply",
            "do I need a cover letter for {job}", "where do I send my CV",
            "where do I send my resume", "how long does the hiring process take",
            "when will I hear back after applying", "is there an assessment or test in the interview",
            "what are the steps to get hired {as_role}", "can I apply online",
            "how soon could I start if hired", "who do I send my application to",
            "what happens after I apply", "is there a phone screen first",
            "how long until you make a decision", "what should I expect in the interview",
            "is there a technical interview {as_role}", "how do I put myself forward for {job}",
        ],
    },
    "ask_not_described": {
        "nouns": [S("visa sponsorship"), S("parking"), S("pet policy"), S("tattoo policy"),
                  S("drug testing policy"), S("background check"), S("union"),
                  S("company culture"), S("laptop"), S("prayer room"), S("wheelchair access"),
                  S("policy on side jobs")],
        "templates": [
            "do you sponsor work visas {as_role}", "can you sponsor my visa",
            "is visa sponsorship available", "can I bring my dog to the office",
            "are pets allowed at work", "are visible tattoos allowed {as_role}",
            "are nose piercings ok {as_role}", "is there staff parking",
            "is parking free for employees", "is there a union {as_role}",
            "do I have to join a union", "is there a drug test {as_role}",
            "will you do a criminal background check", "is there an age limit for {job}",
            "am I too old for {job} at 60", "what laptop would I get {as_role}",
            "is there a prayer room", "is the building wheelchair accessible",
            "can I have a second job on the side", "am I allowed a side hustle",
            "what's the culture like", "do you run credit checks",
            "is there a place to pray at work", "are disabled people supported with adjustments",
            "can I bring my cat", "is there bike storage", "is there a canteen on site",
            "do I need a DBS check {as_role}",
            "are there team social events", "does the team go out for drinks after work",
            "is there a christmas party", "do people eat lunch together",
            "what are the people like to work with", "is the team friendly",
            "is there a staff football team", "do you celebrate birthdays in the office",
            "can I listen to music while working {as_role}", "is there a quiet room for breaks",
        ],
    },
    "out_of_scope": {
        "nouns": [],
        "templates": [
            "what's the weather like in {CITY} today", "will it rain in {CITY} tomorrow",
            "how do I make {FOOD}", "give me a recipe for {FOOD}",
            "what's the capital of {COUNTRY}", "how far is {CITY} from {CITY2}",
            "transfer {MONEY} to my savings", "what's my account balance",
            "book me a table for two at an italian place", "set an alarm for 7am",
            "play some {MUSIC}", "tell me a joke about {ANIMAL}", "how tall is a {ANIMAL}",
            "who won the football last night", "what's the time in {CITY}",
            "how do I write a good resume", "how do I write a cv", "can you check my cover letter",
            "what jobs pay the most in general", "what should I study at university",
            "how do I negotiate a raise at my current job", "how do I quit my current job politely",
            "translate hello into {LANG}", "what's 15 percent of {NUM}",
            "recommend a good film", "how do I fix my wifi", "order a pizza for me",
            "what's a good name for a {ANIMAL}", "is {FOOD} healthy",
            "remind me to call my mum", "remind me to call my mom", "what's the news today",
            "how many calories are in {FOOD}", "convert {NUM} miles to km",
            "who wrote hamlet", "what's the meaning of life", "sing me a song",
            "where can I buy {THING}", "how do I change a tyre", "how do I change a tire",
            "what's the exchange rate for euros", "help me with my maths homework",
            "help me with my math homework", "what's a good interview outfit for any job",
            "what are the best careers for the future", "how do I get a job at google",
            "is the {SHOP} open on sundays", "what are the opening hours of the {SHOP}",
            "what time does the {SHOP} close today", "is the {SHOP} open late tonight",
            "when are {COMPANY}'s quarterly earnings out", "how is {COMPANY} stock doing",
            "how are my shares doing today", "what's the dividend on {COMPANY} stock",
            "what's the point of a {FIN}", "what are the benefits of a {FIN}",
            "how much does a year at {UNI} cost", "what's the tuition at {UNI}",
            "is {UNI} a good school", "how do I get a student loan",
            "bring me my {THING2}", "can you fetch my {THING2}", "where did I leave my {THING2}",
            "does {REMEDY} actually work", "is {REMEDY} good for sleep",
            "where does {FOOD} come from originally", "what's on tv tonight",
            "find me tickets for a musical", "what's the history of {COUNTRY}",
            "does my bank charge overdraft fees", "what's the interest rate on my mortgage",
            "how many hours of sleep do I need", "what's the dress code for a wedding",
            "how do I travel from {CITY} to {CITY2} cheaply", "book me a flight to {CITY2}",
            "what's the salary of the president", "how much does {CELEB} earn",
        ],
    },
}

# ---------------------------------------------------------------------------------------
# The candidate's next step (docs/intents.md). Appended after the intents above, with an
# rng of their own, so the examples generated for those stay exactly as they were.
NEXT_STEP: dict[str, dict] = {
    "apply": {
        "templates": [
            "I'd like to apply for {job}", "I want to apply for {job}", "can I apply for {job} here",
            "I'd like to apply", "I want to apply", "how about I apply now", "let's do the application",
            "I'm keen to apply for {job}", "please put my name down for {job}",
            "sign me up for {job}", "where do I sign up for {job}", "I'd love to apply {as_role}",
            "can you take my application for {job}", "start an application for {job} for me",
            "I'd like to submit my application", "I want to put in an application for {job}",
            "I'm going to apply, what do you need from me", "let me put myself forward for {job}",
            "I'd like to go for {job}", "I think I'll apply for {job}", "apply for {job}",
            "ok I'm sold, I want to apply", "can I submit an application now",
            "register my interest in {job} please", "I'd like to be a candidate for {job}",
            "how do I get started with my application for {job} right now",
            "I want to throw my name in for {job}", "go ahead and start my application",
            "I'd like to send you my application", "can I apply right here in the chat",
        ],
    },
    "request_human": {
        "templates": [
            "can I talk to a person", "can I speak to someone from recruiting",
            "I'd like to talk to a recruiter about {job}", "put me in touch with a recruiter",
            "can a recruiter get back to me", "I need to speak to a human", "I want a human",
            "let me talk to someone real", "get me a real person please",
            "can I chat with someone from HR", "is there a recruiter I can talk to about {job}",
            "I'd rather talk to a person", "connect me to someone on the hiring team",
            "can someone from the team contact me", "please have a recruiter call me",
            "I want to speak to the hiring manager for {job}", "hand me over to a person",
            "you're not helping, I need a person", "this bot doesn't get it, get me a human",
            "can I ask a recruiter directly", "pass this on to a recruiter please",
            "forward my question to someone who knows", "I need to talk to somebody about {job}",
            "could a member of staff answer instead", "can you escalate this to a human",
            "talk to recruiter", "human agent please", "live agent", "real person please",
            "can I have someone from recruitment reach out",
        ],
    },
    "ask_my_data": {
        "templates": [
            "what data do you keep on me", "what do you store about me", "do you keep my details",
            "what happens to the information I give you", "how long do you keep my application",
            "do you save what I write here", "is this conversation stored",
            "are you recording this chat", "who sees what I type here", "where is my data kept",
            "do you keep my email address after I apply", "how is my personal data used",
            "what personal information do you hold", "do you share my details with anyone",
            "how long is my data kept for", "is my information kept private",
            "what's your data retention policy", "do you keep a copy of this chat",
            "what will you do with my name and email", "is what I tell you saved",
            "what do you know about me", "privacy question: what do you keep",
            "do you store my CV link", "does anyone read these chats later",
        ],
    },
    "delete_my_data": {
        "templates": [
            "delete my data", "please delete my details", "erase everything you have on me",
            "remove my personal information", "delete my application", "wipe my details",
            "I want my data removed", "forget everything about me", "delete this chat",
            "erase this conversation", "remove my email from your records",
            "I'd like my information deleted", "please get rid of my data",
            "delete what I sent you", "withdraw and delete my application",
            "I want you to forget me", "remove all my details please",
            "can you erase my application and this chat", "delete all records of me",
            "I don't want you keeping my data, delete it", "clear everything you stored about me",
            "please wipe this conversation", "I'd like to exercise my right to erasure",
        ],
    },
    "affirm": {
        "templates": [
            "yes", "yes please", "yes, that's fine", "yeah go ahead", "sure, go for it", "ok",
            "okay then", "that's correct", "all correct", "yes that's right", "yep, send it",
            "I agree", "I consent", "yes I agree to that", "fine, keep it", "sounds good",
            "please do", "go on then", "yes do that", "correct, send it", "that's all fine",
            "yes, please pass it on", "alright, yes", "absolutely, yes", "sure thing",
            "ok, I'm happy with that", "yes, delete it", "yup that's it", "agreed, thanks",
        ],
    },
    "deny": {
        "templates": [
            "no", "no thanks", "no thank you", "nope", "nah", "not really", "I'd rather not",
            "no, don't", "please don't", "don't send it", "no, I don't agree", "I don't consent",
            "skip", "skip this", "skip that one", "I don't have one", "no link", "no CV link",
            "I'll skip it", "not now", "no, keep it", "don't delete it", "no, that's ok",
            "no need", "I'll pass", "leave it", "no, don't pass it on",
        ],
    },
    "stop": {
        "templates": [
            "cancel", "cancel the application", "stop the application", "stop this",
            "I want to stop", "never mind", "I don't want to apply anymore",
            "I've changed my mind about applying", "let's stop here", "quit this form",
            "abort the application", "I'll finish it later", "stop asking me questions",
            "forget the application", "I don't want to continue", "exit the application",
            "cancel that please", "actually, cancel it", "I'll apply some other time",
            "don't go on with the application",
        ],
    },
    "correct_field": {
        "templates": [
            "change my {FIELD}", "my {FIELD} is wrong", "the {FIELD} is wrong",
            "I made a mistake in my {FIELD}", "can I change my {FIELD}", "fix my {FIELD}",
            "I need to correct my {FIELD}", "wrong {FIELD}", "update my {FIELD}",
            "that's the wrong {FIELD}", "let me redo my {FIELD}", "I typed my {FIELD} wrong",
            "change something", "I need to correct something", "that's not right, let me fix it",
            "go back, I want to change an answer", "edit my answers",
        ],
    },
    "inform": {
        "templates": [
            "{FIRST} {LAST}", "{FIRST} {LAST}", "my name is {FIRST} {LAST}", "I'm {FIRST} {LAST}",
            "it's {FIRST} {LAST}", "name's {FIRST}", "{FIRST}", "{EMAIL}", "{EMAIL}",
            "my email is {EMAIL}", "you can email me at {EMAIL}", "it's {EMAIL}",
            "email: {EMAIL}", "{URL}", "here's my profile: {URL}", "my CV is at {URL}",
            "{URL} is my linkedin", "portfolio: {URL}",
        ],
    },
}

NEXT_STEP_FILL = {
    "FIELD": ["[email](application_field)", "[name](application_field)",
              '[e-mail]{"entity": "application_field", "value": "email"}',
              '[email address]{"entity": "application_field", "value": "email"}',
              '[link]{"entity": "application_field", "value": "profile"}',
              '[CV link]{"entity": "application_field", "value": "profile"}',
              '[profile]{"entity": "application_field", "value": "profile"}',
              '[surname]{"entity": "application_field", "value": "name"}'],
    "FIRST": ["Amara", "Liam", "Sofia", "Mateo", "Aisha", "Noah", "Ingrid", "Kenji", "Zanele",
              "Oliver", "Priyanka", "Diego", "Hannah", "Yusuf", "Chloe", "Tariq", "Mei", "Jonas"],
    "LAST": ["Okonkwo", "Nguyen", "Rossi", "Fernández", "Khan", "Smith", "Larsen", "Tanaka",
             "Dlamini", "Brown", "Patel", "Silva", "Schmidt", "Öztürk", "Dubois", "Murphy"],
    "EMAIL": ["amara.okonkwo@example.com", "liam_n@example.org", "sofia.rossi@example.net",
              "mateo.f@example.com", "a.khan@example.co.uk", "noah.smith99@example.com",
              "ingrid@example.no", "kenji.tanaka@example.jp", "zanele.d@example.org",
              "hannah+jobs@example.com"],
    "URL": ["https://www.linkedin.com/in/amara-okonkwo", "linkedin.com/in/liamnguyen",
            "https://github.com/sofiarossi", "https://example.com/cv/mateo.pdf",
            "www.example.org/portfolio/aisha", "https://noahsmith.example.com"],
}
#: Answers to the bot's questions: no candidate's background or "I was wondering" before them.
NEXT_STEP_REPLIES = frozenset({"affirm", "deny", "stop", "correct_field", "inform"})
NEXT_STEP_PER_INTENT = 60
NEXT_STEP_SEED = 20261203

FILL = {
    "CITY": ["london", "boston", "Manchester", "chicago", "sydney", "toronto", "leeds", "denver"],
    "CITY2": ["paris", "new york", "glasgow", "dallas", "auckland"],
    "FOOD": ["lasagne", "banana bread", "pad thai", "pancakes", "a shepherd's pie", "sushi", "chili"],
    "COUNTRY": ["australia", "canada", "peru", "norway", "kenya"],
    "MONEY": ["$50", "£200", "100 dollars", "300 quid"],
    "MUSIC": ["jazz", "taylor swift", "something relaxing", "80s rock"],
    "ANIMAL": ["cats", "giraffe", "dog", "penguins", "hamster"],
    "LANG": ["french", "spanish", "japanese"],
    "NUM": ["80", "240", "1200"],
    "SHOP": ["bank", "post office", "pharmacy down the road", "DMV", "library", "supermarket", "gym"],
    "COMPANY": ["apple", "tesla", "amazon", "netflix"],
    "FIN": ["credit card", "cash advance", "ISA", "roth IRA", "savings account"],
    "UNI": ["ohio state", "a community college", "oxford", "a state university"],
    "THING2": ["glasses", "phone charger", "keys", "slippers", "remote"],
    "REMEDY": ["acupuncture", "melatonin", "meditation", "cold water swimming"],
    "CELEB": ["taylor swift", "a premier league footballer", "an nba player"],
    "THING": ["a cheap laptop", "running shoes", "a sofa", "concert tickets"],
}

# FAQ / recruiter-list / statement-style phrasings added on top of the templates.
EXTRA_FRAMES = {
    "ask_qualities": ["what kind of person are you hoping to hire?", "what would your ideal hire be like as a person?",
                      "describe the type of person who succeeds here"],
    "ask_skills": ["what would the ideal candidate bring?", "what are the minimum requirements?",
                   "what are the essential and desirable criteria?"],
    "ask_reporting": ["where does this job sit in the organisation?", "who is the line manager for this post?",
                      "what does the team structure look like?"],
    "ask_overview": ["what is the purpose of this role?", "role summary please", "what is the main aim of the job?"],
    "ask_duties": ["what are the main responsibilities of the post?", "key duties and responsibilities?",
                   "what will the successful candidate be doing?"],
    "ask_application_process": ["what are the next steps in the recruitment process?",
                                "what is the closing date for applications?"],
}

# Prefixes that turn a direct question into "I was wondering ..." style (the rest kept as is).
SOFT_PREFIXES = ["I was wondering,", "just wondering,", "could you tell me,", "can I ask,",
                 "quick one,", "do you know,", "any idea,"]


def fill_specials(t: str, rng: random.Random) -> str:
    for key, vals in FILL.items():
        t = t.replace("{" + key + "}", rng.choice(vals))
    if "{ROLE}" in t:
        t = t.replace("{ROLE}", ann(rng.choice(ROLES)))
    return t


def render(template: str, rng: random.Random) -> str:
    t = fill_specials(template, rng)
    return t.format(job=job_ref(rng), a_role=a_role(rng), as_role=as_role(rng))


def spelling_and_case(text: str, rng: random.Random) -> tuple[str, bool]:
    """British spelling (30 %), a typo (12 %), all lower case (15 %; True if so)."""
    if rng.random() < 0.3:
        text = to_british(text)
    if rng.random() < 0.12:
        text = add_typo(text, rng)
    if rng.random() < 0.15:
        return text.lower(), True
    return text, False


def decorate(text: str, intent: str, rng: random.Random) -> str:
    text = " ".join(text.split())
    r = rng.random()
    if intent != "out_of_scope":
        if r < 0.22:
            text = rng.choice(BACKGROUNDS) + " " + text
        elif r < 0.32 and re.match(r"(what|who|where|which|how|is|are|do|does|can|will|would)\b", text):
            text = rng.choice(SOFT_PREFIXES) + " " + text
    text, lowered = spelling_and_case(text, rng)
    if not lowered and rng.random() < 0.6 and text[0].islower() and not text.startswith("["):
        text = text[0].upper() + text[1:]
    text = text.rstrip("?")
    if rng.random() < 0.6:
        text += "?"
    return text


def normalise(text: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[^\w\s]", " ", text.lower())
    return " ".join(text.split())


def existing_examples() -> set[str]:
    seen = set()
    for path in sorted(NLU_DIR.glob("*.yml")):
        if path.name == OUT.name:
            continue
        data = yaml.safe_load(path.read_text()) or {}
        for block in data.get("nlu", []) or []:
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    seen.add(normalise(line[2:]))
    return seen


def evaluation_examples() -> set[str]:
    """Every message of the development and test sets (tests/nlu, tests/several_questions)."""
    seen = set()
    for path in sorted((ROOT / "tests" / "nlu").rglob("*.yml")) + sorted(
            (ROOT / "tests" / "several_questions").glob("*.yml")):
        data = yaml.safe_load(path.read_text()) or {}
        for block in data.get("nlu", []) or []:
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    seen.add(normalise(line[2:]))
    return seen


def generate(per_intent: int) -> dict[str, list[str]]:
    rng = random.Random(SEED)
    seen = existing_examples()
    held_out = evaluation_examples()
    result: dict[str, list[str]] = {}
    for intent, spec in INTENTS.items():
        out: list[str] = []
        for fixed in EXTRA_FRAMES.get(intent, []):
            if normalise(fixed) not in seen:
                seen.add(normalise(fixed))
                out.append(fixed)
        attempts = 0
        target = per_intent + 20 if intent == "out_of_scope" else per_intent
        while len(out) < target and attempts < target * 60:
            attempts += 1
            if spec["nouns"] and rng.random() < 0.3:
                raw = noun_questions(spec["nouns"], rng, 1)[0]
            else:
                raw = render(rng.choice(spec["templates"]), rng)
            text = decorate(raw, intent, rng)
            key = normalise(text)
            if not key or key in seen:
                continue
            seen.add(key)
            out.append(text)
        # A message of the development or test sets never becomes training data (checked by
        # tests/nlu_sets); dropped last, so the other examples do not depend on those sets.
        result[intent] = [text for text in out if normalise(text) not in held_out]
    result.update(generate_next_step(seen, held_out))
    return result


def decorate_next_step(text: str, intent: str, rng: random.Random) -> str:
    """Backgrounds, British spelling, typos and case, as decorate() does, but none of
    it for a reply to the bot's own question (a name, a yes, an email)."""
    text = " ".join(text.split())
    if intent in NEXT_STEP_REPLIES:
        if intent in ("affirm", "deny", "stop") and rng.random() < 0.3:
            text = text.lower()
        return text
    if rng.random() < 0.2:
        text = rng.choice(BACKGROUNDS) + " " + text
    text, _ = spelling_and_case(text, rng)
    text = text.rstrip("?")
    if rng.random() < 0.5:
        text += "?"
    return text


def generate_next_step(seen: set[str], held_out: set[str]) -> dict[str, list[str]]:
    rng = random.Random(NEXT_STEP_SEED)
    result: dict[str, list[str]] = {}
    for intent, spec in NEXT_STEP.items():
        out: list[str] = []
        attempts = 0
        while len(out) < NEXT_STEP_PER_INTENT and attempts < NEXT_STEP_PER_INTENT * 60:
            attempts += 1
            template = rng.choice(spec["templates"])
            filled = template
            for key, values in NEXT_STEP_FILL.items():
                filled = filled.replace("{" + key + "}", rng.choice(values))
            # Entity markup has braces of its own: only a template without a filled-in
            # value goes through str.format ({job}, {as_role}).
            raw = render(template, rng) if filled == template else filled
            text = decorate_next_step(raw, intent, rng)
            key = normalise(text)
            if not key or key in seen:
                continue
            seen.add(key)
            out.append(text)
        result[intent] = [text for text in out if normalise(text) not in held_out]
    return result


def quote(example: str) -> str:
    return example  # block scalar: no quoting needed


def as_yaml(result: dict[str, list[str]]) -> str:
    """The generated file's text (tests/nlu_sets check the committed file is this)."""
    lines = ['version: "3.1"', "",
             "# Generated by scripts/generate_training_data.py (templates and paraphrase patterns).",
             "# Do not edit by hand: change the generator and run it again.",
             "nlu:"]
    for intent, examples in result.items():
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        for ex in examples:
            lines.append(f"    - {quote(ex)}")
    return "\n".join(lines) + "\n"


def write(result: dict[str, list[str]]) -> None:
    OUT.write_text(as_yaml(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-intent", type=int, default=PER_INTENT)
    args = parser.parse_args()
    result = generate(args.per_intent)
    write(result)
    total = sum(len(v) for v in result.values())
    print(f"wrote {total} examples for {len(result)} intents to {OUT.relative_to(ROOT)}")
    for intent, examples in result.items():
        print(f"  {intent}: {len(examples)}")


if __name__ == "__main__":
    main()
