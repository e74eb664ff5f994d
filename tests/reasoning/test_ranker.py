"""Fitting the path ranker to a graph from questions generated from it (``kgr train ranker``).

Real graphs (the bundled movies and family examples), the real retrieve strategy and the bundled MiniLM
encoder; grids are kept small so the fits run in seconds.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from kgr_cli import run_kgr

import kgreason
from kgreason.config import Settings
from kgreason.fusion import wording
from kgreason.graph.path_query import PathQuery, Step
from kgreason.reasoning.engine_factory import make_engine
from kgreason.reasoning.ranker import (
    FORMS,
    GenQuestion,
    RankerFit,
    Scorer,
    fit_ranker,
    fitted_options,
    generate_questions,
    save_fit,
)

ROOT = Path(__file__).resolve().parents[2]
MOVIES = ROOT / "examples" / "data" / "movies.tsv"
FAMILY = ROOT / "examples" / "data" / "family.tsv"


@pytest.fixture(scope="module")
def movies(tmp_path_factory: pytest.TempPathFactory) -> kgreason.Graph:
    g = kgreason.open_graph("movies", home=tmp_path_factory.mktemp("ranker"))
    g.load(MOVIES)
    return g


def test_generated_questions_cover_every_form_with_gold_from_the_graph(movies: kgreason.Graph) -> None:
    questions = generate_questions(movies.store, n=60, seed=3)
    assert generate_questions(movies.store, n=60, seed=3) == questions  # a seed gives the same set
    forms = Counter(q.form for q in questions)
    assert set(forms) == set(FORMS) and min(forms.values()) >= 5
    store = movies.store
    for q in questions:
        if q.form == "count":
            assert q.value is not None and int(q.value) >= 2
        elif q.form == "yes_no":
            assert q.value in ("yes", "no")
        else:
            assert q.answers and all(store.get_nodes([a]) for a in q.answers)
    # a walked question's gold set is exactly what its topic reaches over its steps
    walked = [q for q in questions if q.path]
    assert {q.form for q in walked} == {"one_hop", "inverse_one_hop", "two_hop"}
    for q in walked:
        query = PathQuery((q.topic,), tuple(Step(r, d) for r, d in q.path))  # type: ignore[arg-type]
        ends = {p.nodes[-1].id for p in store.run_path_query(query)} - {q.topic}
        assert ends == set(q.answers), q
        assert store.get_nodes([q.topic])[q.topic].name in q.question


def test_generated_questions_say_relations_as_the_owner_does(movies: kgreason.Graph) -> None:
    owner = wording.Wording({"directed_by": "made by", "has_genre": "kind of film"})
    plain = generate_questions(movies.store, n=60, seed=3)
    worded = generate_questions(movies.store, n=60, seed=3, say=owner.say)
    assert any("directed by" in q.question for q in plain)
    assert not any("directed by" in q.question or "has genre" in q.question for q in worded)
    assert any("made by" in q.question for q in worded) and any("kind of film" in q.question for q in worded)
    # the gold walks the stored relations
    steps = {rel for q in worded for rel, _ in q.path}
    assert "directed_by" in steps and not any("/" in rel for rel in steps)


def test_exact_scoring_of_a_generated_question() -> None:
    q = GenQuestion("How many films did X direct?", "count", value="3")
    assert q.correct([], "3") and not q.correct([], "2") and not q.correct(["a"], None)
    lst = GenQuestion("Who?", "one_hop", answers=("a", "b"))
    assert lst.correct(["b", "a"], None) and not lst.correct(["a"], None)


def test_coordinate_ascent_and_the_held_out_guard(movies: kgreason.Graph) -> None:
    questions = generate_questions(movies.store, n=30, seed=1)

    def prefers(value: float, on_held_out: float) -> Scorer:
        # scores 1.0 when hop_penalty has ``value`` on the fitting part, ``on_held_out`` on the rest
        fitting = set()

        def score(options: Mapping[str, float], qs: Sequence[GenQuestion]) -> dict[str, float]:
            if not fitting:
                fitting.update(q.question for q in qs)
            held = not fitting.intersection(q.question for q in qs)
            hit = options.get("hop_penalty") == value
            result = (on_held_out if held else 1.0) if hit else 0.5
            return {"all": result}

        return score

    grid = {"hop_penalty": (0.0, 0.3), "lexical_weight": (0.0, 0.1)}
    fit = fit_ranker(movies.store, questions, grid=grid, scorer=prefers(0.3, 0.9))
    assert fit.options == {"hop_penalty": 0.3} and fit.after["all"] == 0.9 > fit.before["all"]
    # better on the questions it fitted, worse on those it did not: the defaults are kept
    fit = fit_ranker(movies.store, questions, grid=grid, scorer=prefers(0.3, 0.1))
    assert fit.options == {} and fit.after == fit.before
    # no better on them either (a tie): the defaults are kept too
    fit = fit_ranker(movies.store, questions, grid=grid, scorer=prefers(0.3, 0.5))
    assert fit.options == {} and fit.after == fit.before == {"all": 0.5}
    with pytest.raises(ValueError, match="retrieve, multihop"):
        fit_ranker(movies.store, questions, strategy="gnn")


def test_a_saved_fit_is_applied_and_explicit_options_win(movies: kgreason.Graph, tmp_path: Path) -> None:
    settings = Settings.from_env({"KGR_HOME": str(tmp_path)})
    fit = RankerFit(graph="movies", backend="memory", options={"hop_penalty": 0.5}, questions=30)
    path = save_fit(fit, settings)
    assert json.loads(path.read_text())["options"] == {"hop_penalty": 0.5}
    assert fitted_options(settings, "memory", "movies", "retrieve") == {"hop_penalty": 0.5}
    assert fitted_options(settings, "memory", "movies", "gnn") == {}
    assert fitted_options(settings, "memory", "movies", "multihop") == {}  # fitted for retrieve only
    assert fitted_options(settings, "memory", "other", "retrieve") == {}
    engine = make_engine(movies.store, strategy="retrieve", llm=None, settings=settings)
    assert engine.strategy.options.hop_penalty == 0.5
    engine = make_engine(
        movies.store, strategy="retrieve", llm=None, settings=settings, options={"hop_penalty": 0.0}
    )
    assert engine.strategy.options.hop_penalty == 0.0
    path.write_text("{not json")  # a damaged fit is ignored, never trusted
    assert fitted_options(settings, "memory", "movies", "retrieve") == {}


def kgr(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """``kgr ARGS`` through the entry point, in this process (see kgr_cli): MiniLM is loaded once."""
    return run_kgr(*args, env={"KGR_HOME": str(home), "HF_HUB_OFFLINE": "1"})


def test_cli_train_ranker_then_remove(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert kgr("graph", "load", str(MOVIES), "-g", "movies", home=home).returncode == 0
    vary = ("--vary", "hop_penalty=0.08,0.5")
    r = kgr("train", "ranker", "-g", "movies", "--n", "24", *vary, "--json", home=home)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["graph"] == "movies" and out["questions"] >= 12 and Path(out["path"]).exists()
    assert out["after"]["all"] >= out["before"]["all"] and out["worded"] == []
    # with the owner's wording saved, the generated questions say its phrases
    (tmp_path / "words.tsv").write_text("directed_by\tmade by\n")
    assert kgr("graph", "words", str(tmp_path / "words.tsv"), "-g", "movies", home=home).returncode == 0
    r = kgr("train", "ranker", "-g", "movies", "--n", "24", *vary, "--json", home=home)
    assert r.returncode == 0 and json.loads(r.stdout)["worded"] == ["directed_by"], r.stderr
    bad = kgr("train", "ranker", "-g", "movies", "--strategy", "gnn", home=home)
    assert bad.returncode != 0 and "retrieve or multihop" in bad.stderr
    bad = kgr("train", "ranker", "-g", "movies", "--vary", "hop_penalty=lots", home=home)
    assert bad.returncode != 0 and "must be numbers" in bad.stderr
    removed = kgr("train", "ranker", "-g", "movies", "--remove", "--json", home=home)
    assert json.loads(removed.stdout)["removed"] is True and not Path(out["path"]).exists()
    # too small a graph to fit on says so
    assert kgr("graph", "load", str(FAMILY), "-g", "fam", home=home).returncode == 0
    small = kgr("train", "ranker", "-g", "fam", home=home)
    assert small.returncode != 0 and "questions to fit on" in small.stderr
