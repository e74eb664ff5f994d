"""A deterministic synthetic world graph (people, companies, cities, films) for benchmarks and tests.

``world_triples(n_people)`` yields about 5 edges per person with a skewed degree distribution (popular
cities, big employers, prolific directors), relation names a user would write (``works_at``,
``born_in``, ``directed_by`` ...) and readable unique names, so linking, retrieval and generated
multi-hop questions behave as on real data. ``n_people=2000`` gives about 10,000 edges.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

_FIRST = (
    "Ada",
    "Alan",
    "Alice",
    "Amir",
    "Anna",
    "Ben",
    "Bruno",
    "Carla",
    "Chen",
    "Clara",
    "Dan",
    "Dora",
    "Eli",
    "Emma",
    "Eva",
    "Felix",
    "Gil",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Ivan",
    "Jade",
    "Jon",
    "Kai",
    "Kim",
    "Lars",
    "Lea",
    "Leo",
    "Lina",
    "Luca",
    "Maya",
    "Mia",
    "Nadia",
    "Nils",
    "Noor",
    "Omar",
    "Otto",
    "Pia",
    "Raj",
    "Rosa",
    "Sam",
    "Sara",
    "Tara",
    "Theo",
    "Uma",
    "Vera",
    "Yara",
    "Yuki",
    "Zoe",
)
_LAST = (
    "Abbott",
    "Baker",
    "Castro",
    "Dahl",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haas",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Novak",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Sato",
    "Schmidt",
    "Silva",
    "Tanaka",
    "Urban",
    "Vogel",
    "Wagner",
    "Weber",
    "Xu",
    "Young",
    "Zhang",
)
_COUNTRIES = (
    "Norland",
    "Estavia",
    "Corvania",
    "Mirelia",
    "Ostrava",
    "Pelagia",
    "Quorin",
    "Ruthenia",
    "Sylvania",
    "Tavaria",
    "Umbria",
    "Valdor",
    "Westmark",
    "Xandria",
    "Ystria",
    "Zemlia",
    "Arcadia",
    "Borealis",
    "Calidor",
    "Dravania",
)
_GENRES = (
    "drama",
    "comedy",
    "thriller",
    "western",
    "horror",
    "romance",
    "documentary",
    "animation",
    "musical",
    "noir",
    "war",
    "sci-fi",
)


def world_triples(n_people: int = 2000, seed: int = 0) -> Iterator[tuple[str, str, str]]:
    """Triples ``(head, relation, tail)`` of the synthetic world; the same arguments give the same graph."""
    rng = random.Random(seed)
    countries = _COUNTRIES
    prefixes = ("Port", "New", "San", "Old", "Fort", "Lake")
    cities = list(dict.fromkeys(f"{prefixes[i % len(prefixes)]} {name}" for i, name in enumerate(_LAST * 6)))
    cities = cities[: max(20, n_people // 20)]
    companies = [
        f"{_LAST[i % len(_LAST)]} {kind}" for i, kind in enumerate(["Labs", "Works", "Group", "Systems"] * 40)
    ]
    companies = list(dict.fromkeys(companies))[: max(10, n_people // 10)]
    universities = [f"University of {c}" for c in cities[: max(5, len(cities) // 3)]]
    people = []
    for i in range(n_people):
        first, last = _FIRST[i % len(_FIRST)], _LAST[(i // len(_FIRST)) % len(_LAST)]
        generation = i // (len(_FIRST) * len(_LAST))
        people.append(f"{first} {last}" + (f" {generation + 1}" if generation else ""))
    films = [
        f"The {w} {i}"
        for i, w in enumerate(("Storm Garden River Mirror Signal Harbor Winter Engine " * 40).split())
    ]
    films = films[: max(10, n_people // 7)]

    def zipf(items: list[str]) -> str:
        # popular items get most links: a skewed (Zipf-like) degree distribution
        return items[min(len(items) - 1, int(rng.paretovariate(1.2)) - 1)]

    for i, city in enumerate(cities):
        yield city, "located_in", countries[i % len(countries)]
    for i, country in enumerate(countries):
        yield cities[i % len(cities)], "capital_of", country
    for company in companies:
        yield company, "headquartered_in", zipf(cities)
    for uni in universities:
        yield uni, "located_in", zipf(cities)
    for film in films:
        yield film, "has_genre", rng.choice(_GENRES)
    for i, person in enumerate(people):
        yield person, "born_in", zipf(cities)
        yield person, "lives_in", zipf(cities)
        yield person, "works_at", zipf(companies)
        if rng.random() < 0.5:
            yield person, "studied_at", zipf(universities)
        if i > 10 and rng.random() < 0.6:
            yield people[rng.randrange(i)], "parent_of", person
        if rng.random() < 0.25:
            yield person, "acted_in", zipf(films)
    for film in films:
        yield film, "directed_by", zipf(people)
    for company in companies:
        yield company, "founded_by", rng.choice(people)
