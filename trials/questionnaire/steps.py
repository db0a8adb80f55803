"""The steps of "Could I join?": which questions each page asks, and which answers make them relevant.

The questionnaire is a few short pages. The first asks the questions other questions depend on
(sex, diagnosis, where the tumour started, how far it has spread, carcinoid syndrome, treatment),
so the later pages ask only what those answers make relevant: no pregnancy question for a man, no
stomach NET type unless it started in the stomach, no list of drugs for someone who has had none.
A page left with no relevant question is skipped. Relevance reads the raw answers (the submitted
strings), so it needs no validation and works the same forward, backward and from the answer page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.http import QueryDict

# The questions' raw answers: one list of strings per field name (a QueryDict or a plain dict).
Answers = Mapping[str, list[str]]

# The answer a treatment list gives for "I had one but I don't know which" (never a drug's slug).
NOT_SURE_WHICH = "not-sure-which"


def _answer(answers: Answers, name: str) -> str:
    values = answers.get(name) or [""]
    return values[0]


def always(answers: Answers) -> bool:
    return True


def can_be_pregnant(answers: Answers) -> bool:
    return _answer(answers, "sex") != "male"


def started_in_stomach(answers: Answers) -> bool:
    return _answer(answers, "primary_site") == "stomach"


def may_be_graded(answers: Answers) -> bool:
    """A neuroendocrine carcinoma is always grade 3: the engine takes it so, and does not ask."""
    return _answer(answers, "diagnosis") != "nec"


def may_have_spread(answers: Answers) -> bool:
    return _answer(answers, "extent") != "localised"


def has_syndrome(answers: Answers) -> bool:
    return _answer(answers, "carcinoid_syndrome") == "yes"


def had_treatment(answers: Answers) -> bool:
    return _answer(answers, "had_treatment") == "yes"


def ticked_treatments(answers: Answers) -> list[str]:
    """The treatments ticked as had (drugs and "one of these" kinds), without "not sure which"."""
    return [value for value in answers.get("prior_treatments") or [] if value and value != NOT_SURE_WHICH]


def grew_on_a_ticked_treatment(answers: Answers) -> bool:
    return (
        had_treatment(answers) and _answer(answers, "grew_on_treatment") == "yes" and bool(ticked_treatments(answers))
    )


@dataclass(frozen=True)
class Question:
    name: str  # a field of CheckForm
    relevant: Callable[[Answers], bool] = always


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    intro: str
    questions: tuple[Question, ...]
    # Whether the answers so far leave this step possible, before the questions that decide it are
    # answered (None: its questions' own relevance decides, from earlier pages only).
    may_ask: Callable[[Answers], bool] | None = None

    def names(self, answers: Answers) -> list[str]:
        """The fields this step asks, given the answers so far."""
        return [question.name for question in self.questions if question.relevant(answers)]


STEPS: tuple[Step, ...] = (
    Step(
        "you",
        "You and your tumour",
        "These answers decide which other questions matter to you.",
        (
            Question("age"),
            Question("sex"),
            Question("postcode"),
            Question("diagnosis"),
            Question("primary_site"),
            Question("extent"),
            Question("carcinoid_syndrome"),
            Question("had_treatment"),
        ),
    ),
    Step(
        "tumour",
        "More about your tumour",
        "Your pathology report and clinic letters may have these answers.",
        (
            Question("gastric_type", started_in_stomach),
            Question("grade", may_be_graded),
            Question("ki67"),
            Question("resectable"),
            Question("measurable_disease"),
            Question("progressed_last_12_months"),
            Question("brain_metastases", may_have_spread),
            Question("sstr_imaging_positive"),
            Question("bowel_movements_per_day", has_syndrome),
            Question("syndrome_controlled_on_ssa", has_syndrome),
        ),
    ),
    Step(
        "health",
        "Your health and your treatments",
        "How your illness affects you, and the treatments you have had for the tumour.",
        (
            Question("ecog"),
            Question("pregnant_or_breastfeeding", can_be_pregnant),
            Question("creatinine_clearance"),
            Question("prior_treatments", had_treatment),
            Question("prior_systemic_lines", had_treatment),
            Question("grew_on_treatment", had_treatment),
        ),
    ),
    Step(
        "grew",
        "Treatments your tumour grew on",
        "Some trials are for people whose tumour grew while they were having a particular treatment.",
        (Question("progressed_on", grew_on_a_ticked_treatment),),
        may_ask=had_treatment,
    ),
)
STEPS_BY_KEY = {step.key: step for step in STEPS}
QUESTION_NAMES = [question.name for step in STEPS for question in step.questions]


def answers_from(data: QueryDict) -> dict[str, list[str]]:
    """The questions' answers in submitted data: known fields only, empty values dropped."""
    answers = {}
    for name in QUESTION_NAMES:
        values = [value for value in data.getlist(name) if value.strip()]
        if values:
            answers[name] = values
    return answers


def relevant_steps(answers: Answers) -> list[Step]:
    """The steps that ask something, given the answers."""
    return [step for step in STEPS if step.names(answers)]


def asked_until(step: Step, answers: Answers) -> list[str]:
    """Every field asked on the relevant steps up to and including `step`."""
    names: list[str] = []
    for each in relevant_steps(answers):
        names += each.names(answers)
        if each.key == step.key:
            break
    return names


def relevant_names(answers: Answers) -> list[str]:
    """Every field the whole questionnaire asks, given the answers: what the facts are read from."""
    return [name for step in STEPS for name in step.names(answers)]


def step_after(step: Step, answers: Answers) -> Step | None:
    """The next step with something to ask; None after the last."""
    later = STEPS[STEPS.index(step) + 1 :]
    return next((each for each in later if each.names(answers)), None)


def step_before(step: Step, answers: Answers) -> Step:
    """The previous step with something to ask (the first step has no previous: itself)."""
    earlier = [each for each in STEPS[: STEPS.index(step)] if each.names(answers)]
    return earlier[-1] if earlier else STEPS[0]


def position(step: Step, answers: Answers) -> tuple[int, int, bool]:
    """This step's number, how many steps there are, and whether that number may still grow ("up to").

    The first step holds the answers that decide the others, so before it every step may come.
    Later, a step counts when the answers make it ask something, or when it comes later and the
    answers so far leave it possible.
    """
    if step is STEPS[0]:
        return 1, len(STEPS), True
    here = STEPS.index(step)
    counted = [
        each
        for index, each in enumerate(STEPS)
        if each is step or each.names(answers) or (index > here and each.may_ask is not None and each.may_ask(answers))
    ]
    undecided = any(not each.names(answers) and each is not step for each in counted)
    return counted.index(step) + 1, len(counted), undecided


def hidden_answers(answers: Answers, shown: Iterable[str]) -> list[tuple[str, str]]:
    """The (name, value) pairs of the answers not shown on this page, to carry forward unchanged."""
    visible = set(shown)
    return [(name, value) for name, values in answers.items() if name not in visible for value in values]
