"""Typed model of a framework file (format version 1): one definition gives validation and the JSON Schema."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

Slug = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
Code = Annotated[str, msgspec.Meta(pattern=r"^[A-Z0-9]+(\.[A-Z0-9]+)*$", max_length=64)]
AwardCode = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
Weight = Annotated[float, msgspec.Meta(gt=0)]
Percent = Annotated[float, msgspec.Meta(ge=0, le=100)]
Text = Annotated[str, msgspec.Meta(min_length=1)]


class Struct(
    msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, frozen=True, kw_only=True
):
    pass


class Level(Struct):
    value: int
    label: Text
    description: str | None = None


class Scale(Struct):
    levels: Annotated[list[Level], msgspec.Meta(min_length=2)]
    allow_not_applicable: bool = False


class ElementsBelow(Struct):
    score: int
    count: Annotated[int, msgspec.Meta(ge=0)]


class AwardRules(Struct):
    min_overall_percent: Percent | None = None
    min_theme_percent: Percent | None = None
    min_element_score: int | None = None
    min_mandatory_score: int | None = None
    max_elements_below: ElementsBelow | None = None


class Award(Struct):
    code: AwardCode
    label: Text
    rules: AwardRules = AwardRules()


class ReviewSample(Struct):
    mandatory: bool = True
    below_score: int | None = None
    share_of_rest_percent: Annotated[int, msgspec.Meta(ge=0, le=100)] = 25


class CertificateTerms(Struct):
    validity_months: Annotated[int, msgspec.Meta(ge=1, le=120)] = 36
    review_months: Annotated[int, msgspec.Meta(ge=1, le=120)] = 12
    review_grace_days: Annotated[int, msgspec.Meta(ge=0, le=366)] = 30
    review_sample: ReviewSample = ReviewSample()


class Element(Struct):
    code: Code
    statement: Text
    guidance: str | None = None
    evidence_examples: list[Text] = []
    weight: Weight = 1
    mandatory: bool = False
    evidence_required: bool = False


class Criterion(Struct):
    code: Code
    title: Text
    elements: Annotated[list[Element], msgspec.Meta(min_length=1)]


class Theme(Struct, frozen=True, kw_only=True):  # kw_only is not inherited
    code: Code
    title: Text
    weight: Weight = 1
    description: str | None = None
    criteria: Annotated[list[Criterion], msgspec.Meta(min_length=1)]


class Framework(Struct, frozen=True, kw_only=True):  # kw_only is not inherited
    format: Annotated[int, msgspec.Meta(ge=1, le=1)]
    slug: Slug
    version: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    title: Text
    publisher: str | None = None
    description: str | None = None
    effective_from: dt.date | None = None
    scale: Scale
    awards: list[Award]
    certificate: CertificateTerms = CertificateTerms()
    themes: Annotated[list[Theme], msgspec.Meta(min_length=1)]

    def elements(self) -> list[Element]:
        """Every element in file order."""
        return [e for t in self.themes for c in t.criteria for e in c.elements]

    def element(self, code: str) -> Element | None:
        return next((e for e in self.elements() if e.code == code), None)

    def theme_of(self, element_code: str) -> Theme | None:
        return next(
            (
                t
                for t in self.themes
                for c in t.criteria
                for e in c.elements
                if e.code == element_code
            ),
            None,
        )

    @property
    def lowest(self) -> int:
        return self.scale.levels[0].value

    @property
    def highest(self) -> int:
        return self.scale.levels[-1].value

    def level(self, value: int) -> Level | None:
        return next((lv for lv in self.scale.levels if lv.value == value), None)
