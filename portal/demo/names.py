"""The demo school on paper: name lists, staff, calendar, and a seeded plan of its families.

Pure: no Flask, no database, so the plan can be recomputed (and tested) on its own.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.auth.models import Role

DEMO_PASSWORD = "demo-password"
SCHOOL_TIMEZONE = "America/New_York"
GRADE_LEVELS = (9, 10, 11, 12)
STUDENTS_PER_GRADE = 75

DEMO_ACCOUNTS = [
    ("admin@demo.school", Role.ADMINISTRATOR, "Alex Morgan, administrator of Riverside High"),
    ("teacher@demo.school", Role.TEACHER, "Jordan Ellis, teaches Mathematics in grades 9 and 10"),
    ("counsellor@demo.school", Role.COUNSELLOR, "Sam Whitaker, counsellor for grades 9 and 10"),
    ("parent@demo.school", Role.GUARDIAN, "Maria García, mother of Lucía (10) and Mateo (9)"),
]

# email (None: firstname.lastname@demo.school), name, role, subject taught or grades counselled
STAFF = (
    ("admin@demo.school", "Alex Morgan", Role.ADMINISTRATOR, None),
    ("teacher@demo.school", "Jordan Ellis", Role.TEACHER, "Mathematics"),
    ("counsellor@demo.school", "Sam Whitaker", Role.COUNSELLOR, (9, 10)),
    (None, "Élodie Fontaine", Role.COUNSELLOR, (11, 12)),
    (None, "Tomáš Dvořák", Role.TEACHER, "Mathematics"),
    (None, "Grace Okonkwo", Role.TEACHER, "Mathematics"),
    (None, "Siobhán Ó Briain", Role.TEACHER, "English"),
    (None, "Michael Turner", Role.TEACHER, "English"),
    (None, "Wei Chen", Role.TEACHER, "Science"),
    (None, "Laura Schäfer", Role.TEACHER, "Science"),
    (None, "Carlos Mendoza", Role.TEACHER, "Science"),
    (None, "Amira Khalil", Role.TEACHER, "History"),
    (None, "David Goldberg", Role.TEACHER, "History"),
    (None, "Camille Laurent", Role.TEACHER, "Art"),
    (None, "Marcus Johnson", Role.TEACHER, "Physical Education"),
    (None, "Hana Kim", Role.TEACHER, "Music"),
    (None, "Arjun Mehta", Role.TEACHER, "Computer Science"),
)


def school_days(starts_on: date, until: date) -> list[date]:
    """Return the demo school's days from starts_on to until: weekdays less the holidays."""
    days = []
    day = starts_on
    while day <= until:
        if day.weekday() < 5 and not is_holiday(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def is_holiday(day: date) -> bool:
    """Return True on the demo school's holidays: Thanksgiving and the winter break."""
    if day.month == 11:
        thanksgiving = 22 + (3 - date(day.year, 11, 1).weekday()) % 7  # fourth Thursday
        return day.day in (thanksgiving, thanksgiving + 1)
    # Winter break: December 24 to January 1.
    return (day.month, day.day) >= (12, 24) or (day.month, day.day) == (1, 1)


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(","))


@dataclass(frozen=True)
class Culture:
    """Names that go together, and the home language some of these families prefer."""

    weight: int
    surnames: tuple[str, ...]
    female: tuple[str, ...]
    male: tuple[str, ...]
    language: str = "en"
    language_share: float = 0.0


CULTURES = (
    Culture(30, _names("Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, "
                       "Taylor, Thomas, Moore, Jackson, White, Harris, Clark, Lewis, Walker, Hall, "
                       "Young, Allen, King, Wright, Scott, Green, Baker, Adams, Nelson, Carter, "
                       "Mitchell, Roberts, Turner, Phillips, Campbell, Parker, Evans, Collins"),
            _names("Emma, Olivia, Ava, Sophia, Isabella, Mia, Charlotte, Amelia, Harper, Evelyn, "
                   "Abigail, Emily, Ella, Madison, Grace, Chloe, Hannah, Lily, Zoe, Sarah, "
                   "Jennifer, Jessica, Megan, Rachel, Laura, Katherine"),
            _names("Liam, Noah, James, William, Benjamin, Lucas, Henry, Alexander, Michael, "
                   "Daniel, Matthew, Jacob, Ethan, Andrew, Ryan, Tyler, Nathan, Christopher, "
                   "David, John, Robert, Kevin, Brian, Mark")),
    Culture(20, _names("García, Martínez, Rodríguez, Hernández, López, González, Pérez, Sánchez, "
                       "Ramírez, Torres, Flores, Rivera, Gómez, Díaz, Cruz, Morales, Ortiz, "
                       "Gutiérrez, Chávez, Ramos, Ruiz, Peña, Muñoz, Jiménez, Vargas, Castillo"),
            _names("Sofía, Valentina, Camila, Lucía, Isabela, Ximena, María, Daniela, Gabriela, "
                   "Mariana, Ana, Paula, Carmen, Rosa, Elena, Alejandra"),
            _names("Mateo, Santiago, Sebastián, Diego, Emiliano, Nicolás, Alejandro, Javier, "
                   "Carlos, José, Luis, Miguel, Andrés, Jorge, Raúl, Tomás"),
            "es", 0.55),
    Culture(6, _names("Dubois, Lefèvre, Moreau, Laurent, Girard, Bonnet, Mercier, Rousseau, "
                      "Fontaine, Chevalier, Lambert, Gauthier, Boucher, Côté, Bélanger, Tremblay"),
            _names("Chloé, Léa, Manon, Camille, Inès, Éloïse, Juliette, Margaux, Amélie, Zoé, "
                   "Hélène, Sylvie, Céline, Nathalie"),
            _names("Louis, Hugo, Théo, Jules, Raphaël, Gabriel, Étienne, Mathis, Antoine, "
                   "François, Julien, Olivier, Benoît, Rémi"),
            "fr", 0.6),
    Culture(8, _names("Novák, Dvořák, Svoboda, Černý, Procházka, Kowalski, Nowak, Wiśniewski, "
                      "Müller, Schmidt, Schäfer, Weiß, Becker, Hoffmann, Köhler, Horváth, Szabó"),
            _names("Tereza, Eliška, Zuzana, Agnieszka, Zofia, Małgorzata, Anna, Katarina, Lena, "
                   "Jana, Marta, Greta"),
            _names("Jakub, Tomáš, Jiří, Lukáš, Piotr, Krzysztof, Mateusz, Jonas, Lukas, Felix, "
                   "Stefan, Marek")),
    Culture(6, _names("Ó Briain, Ó Súilleabháin, Murphy, Kelly, O'Connor, O'Sullivan, Walsh, "
                      "Byrne, Doyle, McCarthy, Gallagher, Mac Giolla Phádraig"),
            _names("Aoife, Siobhán, Niamh, Saoirse, Caoimhe, Róisín, Clodagh, Orla"),
            _names("Seán, Ciarán, Oisín, Pádraig, Cian, Eoin, Darragh, Conor")),
    Culture(6, _names("Nguyễn, Trần, Lê, Phạm, Hoàng, Huỳnh, Võ, Đặng, Bùi, Đỗ"),
            _names("Linh, Mai, Thảo, Ngọc, Phương, Hương, Trang, Anh"),
            _names("Minh, Huy, Khoa, Đức, Tuấn, Quang, Bảo, Long")),
    Culture(8, _names("Wang, Li, Zhang, Chen, Liu, Yang, Huang, Kim, Park, Lee, Choi, Jung"),
            _names("Mei, Xiu Ying, Jia, Yuna, Ji-woo, Seo-yeon, Hana, Lin"),
            _names("Wei, Hao, Jun, Min-jun, Seo-jun, Ji-ho, Yong, Tao")),
    Culture(7, _names("Patel, Sharma, Singh, Gupta, Kumar, Reddy, Iyer, Khan, Das, Mehta"),
            _names("Priya, Ananya, Aditi, Diya, Isha, Kavya, Sneha, Lakshmi"),
            _names("Arjun, Rohan, Aarav, Vikram, Rahul, Sanjay, Dev, Karthik")),
    Culture(5, _names("Haddad, Khalil, Nasser, Mansour, Saleh, Farouk, Aziz, Hamdan, El-Amin"),
            _names("Layla, Noor, Amira, Yasmin, Fatima, Mariam, Huda, Salma"),
            _names("Omar, Youssef, Karim, Ali, Hassan, Tariq, Samir, Ibrahim")),
    Culture(5, _names("Okafor, Adeyemi, Mensah, Owusu, Diallo, Okonkwo, Balogun, Nwosu, Asante"),
            _names("Chiamaka, Adaeze, Ama, Abena, Ngozi, Folake, Aminata, Efua"),
            _names("Chinedu, Kwame, Kofi, Oluwaseun, Emeka, Yaw, Tunde, Moussa")),
)

NICKNAMES = {
    "Alexander": "Alex", "Benjamin": "Ben", "Christopher": "Chris", "Matthew": "Matt",
    "Katherine": "Kate", "Abigail": "Abby", "Nicolás": "Nico", "Alejandro": "Álex",
    "Valentina": "Vale", "Oluwaseun": "Seun", "Małgorzata": "Gosia", "Pádraig": "Paddy",
}


@dataclass
class PlannedChild:
    """A student as planned: name, grade level and birthday."""

    first_name: str
    last_name: str
    preferred_name: str | None
    grade_level: int
    date_of_birth: date


@dataclass
class PlannedGuardian:
    """A guardian as planned: how they are linked and how the school reaches them."""

    first_name: str
    last_name: str
    relationship: str
    household: str | None = None
    lives_with: bool = True
    may_receive_information: bool = True
    is_emergency_contact: bool = False
    contact: str = "account"  # "account", "email", "phone" or "demo_parent"


@dataclass
class PlannedFamily:
    """Children in the school and the guardians linked to all of them."""

    language: str
    children: list[PlannedChild] = field(default_factory=list)
    guardians: list[PlannedGuardian] = field(default_factory=list)


def plan_families(*, seed: int, school_year_start: int) -> list[PlannedFamily]:
    """Plan the demo families, the same for the same seed: García first, then 75 per grade."""
    rng = random.Random(f"{seed}:families")
    families = [_garcia_family(school_year_start)]
    places = {grade: STUDENTS_PER_GRADE for grade in GRADE_LEVELS}
    for child in families[0].children:
        places[child.grade_level] -= 1
    return families + plan_families_for(rng, places, school_year_start)


def plan_families_for(rng: random.Random, places: dict[int, int],
                      school_year_start: int) -> list[PlannedFamily]:
    """Plan families until every grade's places ({grade: students}) are taken."""
    families = []
    while any(places.values()):
        families.append(_plan_family(rng, places, school_year_start))
    return families


def _garcia_family(school_year_start: int) -> PlannedFamily:
    children = [
        PlannedChild("Lucía", "García", None, 10, date(school_year_start - 15, 3, 14)),
        PlannedChild("Mateo", "García", None, 9, date(school_year_start - 14, 6, 2)),
    ]
    guardians = [
        PlannedGuardian("Maria", "García", "mother", is_emergency_contact=True,
                        contact="demo_parent"),
        PlannedGuardian("Carlos", "García", "father", contact="email"),
    ]
    return PlannedFamily("en", children, guardians)


def _plan_family(rng: random.Random, places: dict[int, int], start_year: int) -> PlannedFamily:
    culture = rng.choices(CULTURES, weights=[c.weight for c in CULTURES])[0]
    last_name = rng.choice(culture.surnames)
    size = rng.choices((1, 2, 3), weights=(85, 11, 4))[0]
    open_grades = [grade for grade, left in places.items() if left > 0]
    grades = sorted(rng.sample(open_grades, min(size, len(open_grades))))
    children: list[PlannedChild] = []
    for grade in grades:
        places[grade] -= 1
        children.append(_plan_child(rng, culture, last_name, grade, start_year, children))
    language = culture.language if rng.random() < culture.language_share else "en"
    return PlannedFamily(language, children, _plan_guardians(rng, culture, last_name))


def _plan_child(rng: random.Random, culture: Culture, last_name: str, grade: int,
                start_year: int, siblings: list[PlannedChild]) -> PlannedChild:
    taken = {sibling.first_name for sibling in siblings}
    first_name = rng.choice(culture.female if rng.random() < 0.5 else culture.male)
    while first_name in taken:
        first_name = rng.choice(culture.female + culture.male)
    nickname = NICKNAMES.get(first_name) if rng.random() < 0.5 else None
    # Ninth graders turn 14 between September 1 and August 31 of their first school year.
    born = date(start_year - grade - 6, 9, 1) + timedelta(days=rng.randint(0, 364))
    return PlannedChild(first_name, last_name, nickname, grade, born)


def _plan_guardians(rng: random.Random, culture: Culture, last_name: str) -> list[PlannedGuardian]:
    mother = PlannedGuardian(rng.choice(culture.female), last_name, "mother",
                             is_emergency_contact=True, contact=_contact(rng))
    father = PlannedGuardian(rng.choice(culture.male), last_name, "father",
                             is_emergency_contact=rng.random() < 0.5, contact=_contact(rng))
    shape = rng.choices(("two_parents", "single", "separated"), weights=(64, 28, 8))[0]
    if shape == "single":
        guardians = [rng.choices((mother, father, _other_guardian(rng, culture, last_name)),
                                 weights=(75, 17, 8))[0]]
        guardians[0].is_emergency_contact = True
    elif shape == "separated":
        guardians = _separate(rng, culture, mother, father)
    else:
        guardians = [mother, father]
    if rng.random() < 0.05:
        guardians.append(PlannedGuardian(rng.choice(culture.female), last_name, "grandparent",
                                         lives_with=False, is_emergency_contact=True,
                                         contact="phone"))
    return guardians


def _separate(rng: random.Random, culture: Culture, mother: PlannedGuardian,
              father: PlannedGuardian) -> list[PlannedGuardian]:
    mother.household, father.household = "Mother's home", "Father's home"
    if rng.random() < 0.5:
        mother.last_name = rng.choice(culture.surnames)
    resident, visiting = (mother, father) if rng.random() < 0.7 else (father, mother)
    resident.is_emergency_contact, visiting.lives_with = True, False
    # A court order keeps some non-resident parents from receiving school information.
    visiting.may_receive_information = rng.random() >= 0.25
    visiting.is_emergency_contact &= visiting.may_receive_information
    return [resident, visiting]


def _other_guardian(rng: random.Random, culture: Culture, last_name: str) -> PlannedGuardian:
    relationship = rng.choice(("grandparent", "guardian", "foster_parent"))
    surname = last_name if relationship == "grandparent" else rng.choice(culture.surnames)
    return PlannedGuardian(rng.choice(culture.female + culture.male), surname, relationship,
                           contact=_contact(rng))


def _contact(rng: random.Random) -> str:
    return rng.choices(("account", "email", "phone"), weights=(60, 35, 5))[0]
