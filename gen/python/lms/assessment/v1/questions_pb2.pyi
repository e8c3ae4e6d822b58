from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class QuestionBody(_message.Message):
    __slots__ = ("single_choice", "multiple_response", "true_false", "short_answer", "numerical", "calculated", "matching", "ordering", "cloze", "drag_drop_text", "essay", "file_response", "description")
    SINGLE_CHOICE_FIELD_NUMBER: _ClassVar[int]
    MULTIPLE_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    TRUE_FALSE_FIELD_NUMBER: _ClassVar[int]
    SHORT_ANSWER_FIELD_NUMBER: _ClassVar[int]
    NUMERICAL_FIELD_NUMBER: _ClassVar[int]
    CALCULATED_FIELD_NUMBER: _ClassVar[int]
    MATCHING_FIELD_NUMBER: _ClassVar[int]
    ORDERING_FIELD_NUMBER: _ClassVar[int]
    CLOZE_FIELD_NUMBER: _ClassVar[int]
    DRAG_DROP_TEXT_FIELD_NUMBER: _ClassVar[int]
    ESSAY_FIELD_NUMBER: _ClassVar[int]
    FILE_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    single_choice: SingleChoice
    multiple_response: MultipleResponse
    true_false: TrueFalse
    short_answer: ShortAnswer
    numerical: Numerical
    calculated: Calculated
    matching: Matching
    ordering: Ordering
    cloze: Cloze
    drag_drop_text: DragDropText
    essay: Essay
    file_response: FileResponse
    description: Description
    def __init__(self, single_choice: _Optional[_Union[SingleChoice, _Mapping]] = ..., multiple_response: _Optional[_Union[MultipleResponse, _Mapping]] = ..., true_false: _Optional[_Union[TrueFalse, _Mapping]] = ..., short_answer: _Optional[_Union[ShortAnswer, _Mapping]] = ..., numerical: _Optional[_Union[Numerical, _Mapping]] = ..., calculated: _Optional[_Union[Calculated, _Mapping]] = ..., matching: _Optional[_Union[Matching, _Mapping]] = ..., ordering: _Optional[_Union[Ordering, _Mapping]] = ..., cloze: _Optional[_Union[Cloze, _Mapping]] = ..., drag_drop_text: _Optional[_Union[DragDropText, _Mapping]] = ..., essay: _Optional[_Union[Essay, _Mapping]] = ..., file_response: _Optional[_Union[FileResponse, _Mapping]] = ..., description: _Optional[_Union[Description, _Mapping]] = ...) -> None: ...

class Choice(_message.Message):
    __slots__ = ("id", "text", "fraction", "correct", "feedback")
    ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    FRACTION_FIELD_NUMBER: _ClassVar[int]
    CORRECT_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    id: str
    text: str
    fraction: float
    correct: bool
    feedback: str
    def __init__(self, id: _Optional[str] = ..., text: _Optional[str] = ..., fraction: _Optional[float] = ..., correct: _Optional[bool] = ..., feedback: _Optional[str] = ...) -> None: ...

class SingleChoice(_message.Message):
    __slots__ = ("choices", "shuffle", "negative_marking")
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    SHUFFLE_FIELD_NUMBER: _ClassVar[int]
    NEGATIVE_MARKING_FIELD_NUMBER: _ClassVar[int]
    choices: _containers.RepeatedCompositeFieldContainer[Choice]
    shuffle: bool
    negative_marking: bool
    def __init__(self, choices: _Optional[_Iterable[_Union[Choice, _Mapping]]] = ..., shuffle: _Optional[bool] = ..., negative_marking: _Optional[bool] = ...) -> None: ...

class MultipleResponse(_message.Message):
    __slots__ = ("choices", "partial", "shuffle", "negative_marking")
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    PARTIAL_FIELD_NUMBER: _ClassVar[int]
    SHUFFLE_FIELD_NUMBER: _ClassVar[int]
    NEGATIVE_MARKING_FIELD_NUMBER: _ClassVar[int]
    choices: _containers.RepeatedCompositeFieldContainer[Choice]
    partial: bool
    shuffle: bool
    negative_marking: bool
    def __init__(self, choices: _Optional[_Iterable[_Union[Choice, _Mapping]]] = ..., partial: _Optional[bool] = ..., shuffle: _Optional[bool] = ..., negative_marking: _Optional[bool] = ...) -> None: ...

class TrueFalse(_message.Message):
    __slots__ = ("correct", "true_feedback", "false_feedback")
    CORRECT_FIELD_NUMBER: _ClassVar[int]
    TRUE_FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    FALSE_FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    correct: bool
    true_feedback: str
    false_feedback: str
    def __init__(self, correct: _Optional[bool] = ..., true_feedback: _Optional[str] = ..., false_feedback: _Optional[str] = ...) -> None: ...

class TextAnswer(_message.Message):
    __slots__ = ("pattern", "fraction", "feedback")
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    FRACTION_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    pattern: str
    fraction: float
    feedback: str
    def __init__(self, pattern: _Optional[str] = ..., fraction: _Optional[float] = ..., feedback: _Optional[str] = ...) -> None: ...

class ShortAnswer(_message.Message):
    __slots__ = ("answers", "case_sensitive", "exact_spacing")
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    CASE_SENSITIVE_FIELD_NUMBER: _ClassVar[int]
    EXACT_SPACING_FIELD_NUMBER: _ClassVar[int]
    answers: _containers.RepeatedCompositeFieldContainer[TextAnswer]
    case_sensitive: bool
    exact_spacing: bool
    def __init__(self, answers: _Optional[_Iterable[_Union[TextAnswer, _Mapping]]] = ..., case_sensitive: _Optional[bool] = ..., exact_spacing: _Optional[bool] = ...) -> None: ...

class NumericAnswer(_message.Message):
    __slots__ = ("value", "tolerance", "fraction", "feedback")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    FRACTION_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    value: float
    tolerance: float
    fraction: float
    feedback: str
    def __init__(self, value: _Optional[float] = ..., tolerance: _Optional[float] = ..., fraction: _Optional[float] = ..., feedback: _Optional[str] = ...) -> None: ...

class Unit(_message.Message):
    __slots__ = ("name", "multiplier")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MULTIPLIER_FIELD_NUMBER: _ClassVar[int]
    name: str
    multiplier: float
    def __init__(self, name: _Optional[str] = ..., multiplier: _Optional[float] = ...) -> None: ...

class Numerical(_message.Message):
    __slots__ = ("answers", "units", "unit_required", "unit_penalty")
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    UNIT_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    UNIT_PENALTY_FIELD_NUMBER: _ClassVar[int]
    answers: _containers.RepeatedCompositeFieldContainer[NumericAnswer]
    units: _containers.RepeatedCompositeFieldContainer[Unit]
    unit_required: bool
    unit_penalty: float
    def __init__(self, answers: _Optional[_Iterable[_Union[NumericAnswer, _Mapping]]] = ..., units: _Optional[_Iterable[_Union[Unit, _Mapping]]] = ..., unit_required: _Optional[bool] = ..., unit_penalty: _Optional[float] = ...) -> None: ...

class VariableRange(_message.Message):
    __slots__ = ("name", "minimum", "maximum", "decimals")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MINIMUM_FIELD_NUMBER: _ClassVar[int]
    MAXIMUM_FIELD_NUMBER: _ClassVar[int]
    DECIMALS_FIELD_NUMBER: _ClassVar[int]
    name: str
    minimum: float
    maximum: float
    decimals: int
    def __init__(self, name: _Optional[str] = ..., minimum: _Optional[float] = ..., maximum: _Optional[float] = ..., decimals: _Optional[int] = ...) -> None: ...

class Calculated(_message.Message):
    __slots__ = ("formula", "variables", "tolerance", "relative_tolerance", "units", "unit_required", "unit_penalty")
    FORMULA_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    RELATIVE_TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    UNIT_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    UNIT_PENALTY_FIELD_NUMBER: _ClassVar[int]
    formula: str
    variables: _containers.RepeatedCompositeFieldContainer[VariableRange]
    tolerance: float
    relative_tolerance: bool
    units: _containers.RepeatedCompositeFieldContainer[Unit]
    unit_required: bool
    unit_penalty: float
    def __init__(self, formula: _Optional[str] = ..., variables: _Optional[_Iterable[_Union[VariableRange, _Mapping]]] = ..., tolerance: _Optional[float] = ..., relative_tolerance: _Optional[bool] = ..., units: _Optional[_Iterable[_Union[Unit, _Mapping]]] = ..., unit_required: _Optional[bool] = ..., unit_penalty: _Optional[float] = ...) -> None: ...

class Option(_message.Message):
    __slots__ = ("id", "text")
    ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    id: str
    text: str
    def __init__(self, id: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class MatchStem(_message.Message):
    __slots__ = ("id", "text", "answer_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ANSWER_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    text: str
    answer_id: str
    def __init__(self, id: _Optional[str] = ..., text: _Optional[str] = ..., answer_id: _Optional[str] = ...) -> None: ...

class Matching(_message.Message):
    __slots__ = ("stems", "choices", "partial", "shuffle")
    STEMS_FIELD_NUMBER: _ClassVar[int]
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    PARTIAL_FIELD_NUMBER: _ClassVar[int]
    SHUFFLE_FIELD_NUMBER: _ClassVar[int]
    stems: _containers.RepeatedCompositeFieldContainer[MatchStem]
    choices: _containers.RepeatedCompositeFieldContainer[Option]
    partial: bool
    shuffle: bool
    def __init__(self, stems: _Optional[_Iterable[_Union[MatchStem, _Mapping]]] = ..., choices: _Optional[_Iterable[_Union[Option, _Mapping]]] = ..., partial: _Optional[bool] = ..., shuffle: _Optional[bool] = ...) -> None: ...

class Ordering(_message.Message):
    __slots__ = ("items", "partial")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    PARTIAL_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[Option]
    partial: bool
    def __init__(self, items: _Optional[_Iterable[_Union[Option, _Mapping]]] = ..., partial: _Optional[bool] = ...) -> None: ...

class GapBody(_message.Message):
    __slots__ = ("short_answer", "numerical", "single_choice")
    SHORT_ANSWER_FIELD_NUMBER: _ClassVar[int]
    NUMERICAL_FIELD_NUMBER: _ClassVar[int]
    SINGLE_CHOICE_FIELD_NUMBER: _ClassVar[int]
    short_answer: ShortAnswer
    numerical: Numerical
    single_choice: SingleChoice
    def __init__(self, short_answer: _Optional[_Union[ShortAnswer, _Mapping]] = ..., numerical: _Optional[_Union[Numerical, _Mapping]] = ..., single_choice: _Optional[_Union[SingleChoice, _Mapping]] = ...) -> None: ...

class Gap(_message.Message):
    __slots__ = ("id", "body", "weight")
    ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    id: str
    body: GapBody
    weight: float
    def __init__(self, id: _Optional[str] = ..., body: _Optional[_Union[GapBody, _Mapping]] = ..., weight: _Optional[float] = ...) -> None: ...

class Cloze(_message.Message):
    __slots__ = ("text", "gaps")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    GAPS_FIELD_NUMBER: _ClassVar[int]
    text: str
    gaps: _containers.RepeatedCompositeFieldContainer[Gap]
    def __init__(self, text: _Optional[str] = ..., gaps: _Optional[_Iterable[_Union[Gap, _Mapping]]] = ...) -> None: ...

class Token(_message.Message):
    __slots__ = ("id", "text", "unlimited")
    ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    UNLIMITED_FIELD_NUMBER: _ClassVar[int]
    id: str
    text: str
    unlimited: bool
    def __init__(self, id: _Optional[str] = ..., text: _Optional[str] = ..., unlimited: _Optional[bool] = ...) -> None: ...

class Placement(_message.Message):
    __slots__ = ("gap", "token")
    GAP_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    gap: str
    token: str
    def __init__(self, gap: _Optional[str] = ..., token: _Optional[str] = ...) -> None: ...

class DragDropText(_message.Message):
    __slots__ = ("text", "tokens", "answers", "shuffle")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    SHUFFLE_FIELD_NUMBER: _ClassVar[int]
    text: str
    tokens: _containers.RepeatedCompositeFieldContainer[Token]
    answers: _containers.RepeatedCompositeFieldContainer[Placement]
    shuffle: bool
    def __init__(self, text: _Optional[str] = ..., tokens: _Optional[_Iterable[_Union[Token, _Mapping]]] = ..., answers: _Optional[_Iterable[_Union[Placement, _Mapping]]] = ..., shuffle: _Optional[bool] = ...) -> None: ...

class RubricLevel(_message.Message):
    __slots__ = ("id", "description", "points")
    ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    id: str
    description: str
    points: float
    def __init__(self, id: _Optional[str] = ..., description: _Optional[str] = ..., points: _Optional[float] = ...) -> None: ...

class RubricCriterion(_message.Message):
    __slots__ = ("id", "description", "levels")
    ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LEVELS_FIELD_NUMBER: _ClassVar[int]
    id: str
    description: str
    levels: _containers.RepeatedCompositeFieldContainer[RubricLevel]
    def __init__(self, id: _Optional[str] = ..., description: _Optional[str] = ..., levels: _Optional[_Iterable[_Union[RubricLevel, _Mapping]]] = ...) -> None: ...

class Essay(_message.Message):
    __slots__ = ("rubric", "min_words", "max_words")
    RUBRIC_FIELD_NUMBER: _ClassVar[int]
    MIN_WORDS_FIELD_NUMBER: _ClassVar[int]
    MAX_WORDS_FIELD_NUMBER: _ClassVar[int]
    rubric: _containers.RepeatedCompositeFieldContainer[RubricCriterion]
    min_words: int
    max_words: int
    def __init__(self, rubric: _Optional[_Iterable[_Union[RubricCriterion, _Mapping]]] = ..., min_words: _Optional[int] = ..., max_words: _Optional[int] = ...) -> None: ...

class FileResponse(_message.Message):
    __slots__ = ("accepted_types",)
    ACCEPTED_TYPES_FIELD_NUMBER: _ClassVar[int]
    accepted_types: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, accepted_types: _Optional[_Iterable[str]] = ...) -> None: ...

class Description(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Answer(_message.Message):
    __slots__ = ("choices", "text", "pairs", "order", "file")
    class PairsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    PAIRS_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    choices: _containers.RepeatedScalarFieldContainer[str]
    text: str
    pairs: _containers.ScalarMap[str, str]
    order: _containers.RepeatedScalarFieldContainer[str]
    file: str
    def __init__(self, choices: _Optional[_Iterable[str]] = ..., text: _Optional[str] = ..., pairs: _Optional[_Mapping[str, str]] = ..., order: _Optional[_Iterable[str]] = ..., file: _Optional[str] = ...) -> None: ...
