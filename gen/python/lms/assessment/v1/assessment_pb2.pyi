import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lms.assessment.v1 import questions_pb2 as _questions_pb2
from lms.options.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class InterchangeFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INTERCHANGE_FORMAT_UNSPECIFIED: _ClassVar[InterchangeFormat]
    INTERCHANGE_FORMAT_QTI3: _ClassVar[InterchangeFormat]
    INTERCHANGE_FORMAT_GIFT: _ClassVar[InterchangeFormat]

class ExpiryAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXPIRY_ACTION_UNSPECIFIED: _ClassVar[ExpiryAction]
    EXPIRY_ACTION_AUTO_SUBMIT: _ClassVar[ExpiryAction]
    EXPIRY_ACTION_GRACE: _ClassVar[ExpiryAction]
    EXPIRY_ACTION_DISCARD: _ClassVar[ExpiryAction]

class GradingMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GRADING_METHOD_UNSPECIFIED: _ClassVar[GradingMethod]
    GRADING_METHOD_HIGHEST: _ClassVar[GradingMethod]
    GRADING_METHOD_AVERAGE: _ClassVar[GradingMethod]
    GRADING_METHOD_FIRST: _ClassVar[GradingMethod]
    GRADING_METHOD_LAST: _ClassVar[GradingMethod]

class Navigation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NAVIGATION_UNSPECIFIED: _ClassVar[Navigation]
    NAVIGATION_FREE: _ClassVar[Navigation]
    NAVIGATION_SEQUENTIAL: _ClassVar[Navigation]

class ReviewTime(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVIEW_TIME_UNSPECIFIED: _ClassVar[ReviewTime]
    REVIEW_TIME_NEVER: _ClassVar[ReviewTime]
    REVIEW_TIME_IMMEDIATELY: _ClassVar[ReviewTime]
    REVIEW_TIME_WHILE_OPEN: _ClassVar[ReviewTime]
    REVIEW_TIME_AFTER_CLOSE: _ClassVar[ReviewTime]

class QuizState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUIZ_STATE_UNSPECIFIED: _ClassVar[QuizState]
    QUIZ_STATE_DRAFT: _ClassVar[QuizState]
    QUIZ_STATE_PUBLISHED: _ClassVar[QuizState]

class AttemptState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ATTEMPT_STATE_UNSPECIFIED: _ClassVar[AttemptState]
    ATTEMPT_STATE_IN_PROGRESS: _ClassVar[AttemptState]
    ATTEMPT_STATE_AWAITING_GRADE: _ClassVar[AttemptState]
    ATTEMPT_STATE_GRADED: _ClassVar[AttemptState]
    ATTEMPT_STATE_ABANDONED: _ClassVar[AttemptState]

class IntegrityKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INTEGRITY_KIND_UNSPECIFIED: _ClassVar[IntegrityKind]
    INTEGRITY_KIND_TAB_HIDDEN: _ClassVar[IntegrityKind]
    INTEGRITY_KIND_TAB_VISIBLE: _ClassVar[IntegrityKind]
    INTEGRITY_KIND_WINDOW_BLUR: _ClassVar[IntegrityKind]
    INTEGRITY_KIND_COPY: _ClassVar[IntegrityKind]
    INTEGRITY_KIND_PASTE: _ClassVar[IntegrityKind]
    INTEGRITY_KIND_FULLSCREEN_EXIT: _ClassVar[IntegrityKind]
    INTEGRITY_KIND_SECOND_SESSION: _ClassVar[IntegrityKind]
    INTEGRITY_KIND_IP_CHANGE: _ClassVar[IntegrityKind]
    INTEGRITY_KIND_PROCTORING: _ClassVar[IntegrityKind]

class ErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_REASON_UNSPECIFIED: _ClassVar[ErrorReason]
    BANK_NOT_FOUND: _ClassVar[ErrorReason]
    CATEGORY_NOT_FOUND: _ClassVar[ErrorReason]
    QUESTION_NOT_FOUND: _ClassVar[ErrorReason]
    QUIZ_NOT_FOUND: _ClassVar[ErrorReason]
    ATTEMPT_NOT_FOUND: _ClassVar[ErrorReason]
    QUESTION_INVALID: _ClassVar[ErrorReason]
    QUIZ_INVALID: _ClassVar[ErrorReason]
    NOT_COURSE_TEACHER: _ClassVar[ErrorReason]
    NOT_ENROLLED: _ClassVar[ErrorReason]
    QUIZ_NOT_OPEN: _ClassVar[ErrorReason]
    QUIZ_ALREADY_PUBLISHED: _ClassVar[ErrorReason]
    NO_ATTEMPTS_LEFT: _ClassVar[ErrorReason]
    ATTEMPT_TOO_SOON: _ClassVar[ErrorReason]
    ATTEMPT_CLOSED: _ClassVar[ErrorReason]
    SESSION_SUPERSEDED: _ClassVar[ErrorReason]
    SEQUENTIAL_NAVIGATION: _ClassVar[ErrorReason]
    PASSWORD_WRONG: _ClassVar[ErrorReason]
    ADDRESS_NOT_ALLOWED: _ClassVar[ErrorReason]
    NOT_AWAITING_GRADE: _ClassVar[ErrorReason]
    GRADE_OUT_OF_RANGE: _ClassVar[ErrorReason]
    SLOT_UNKNOWN: _ClassVar[ErrorReason]
    COURSE_UNAVAILABLE: _ClassVar[ErrorReason]
    ATTEMPT_IN_PROGRESS: _ClassVar[ErrorReason]
    IMPORT_INVALID: _ClassVar[ErrorReason]
INTERCHANGE_FORMAT_UNSPECIFIED: InterchangeFormat
INTERCHANGE_FORMAT_QTI3: InterchangeFormat
INTERCHANGE_FORMAT_GIFT: InterchangeFormat
EXPIRY_ACTION_UNSPECIFIED: ExpiryAction
EXPIRY_ACTION_AUTO_SUBMIT: ExpiryAction
EXPIRY_ACTION_GRACE: ExpiryAction
EXPIRY_ACTION_DISCARD: ExpiryAction
GRADING_METHOD_UNSPECIFIED: GradingMethod
GRADING_METHOD_HIGHEST: GradingMethod
GRADING_METHOD_AVERAGE: GradingMethod
GRADING_METHOD_FIRST: GradingMethod
GRADING_METHOD_LAST: GradingMethod
NAVIGATION_UNSPECIFIED: Navigation
NAVIGATION_FREE: Navigation
NAVIGATION_SEQUENTIAL: Navigation
REVIEW_TIME_UNSPECIFIED: ReviewTime
REVIEW_TIME_NEVER: ReviewTime
REVIEW_TIME_IMMEDIATELY: ReviewTime
REVIEW_TIME_WHILE_OPEN: ReviewTime
REVIEW_TIME_AFTER_CLOSE: ReviewTime
QUIZ_STATE_UNSPECIFIED: QuizState
QUIZ_STATE_DRAFT: QuizState
QUIZ_STATE_PUBLISHED: QuizState
ATTEMPT_STATE_UNSPECIFIED: AttemptState
ATTEMPT_STATE_IN_PROGRESS: AttemptState
ATTEMPT_STATE_AWAITING_GRADE: AttemptState
ATTEMPT_STATE_GRADED: AttemptState
ATTEMPT_STATE_ABANDONED: AttemptState
INTEGRITY_KIND_UNSPECIFIED: IntegrityKind
INTEGRITY_KIND_TAB_HIDDEN: IntegrityKind
INTEGRITY_KIND_TAB_VISIBLE: IntegrityKind
INTEGRITY_KIND_WINDOW_BLUR: IntegrityKind
INTEGRITY_KIND_COPY: IntegrityKind
INTEGRITY_KIND_PASTE: IntegrityKind
INTEGRITY_KIND_FULLSCREEN_EXIT: IntegrityKind
INTEGRITY_KIND_SECOND_SESSION: IntegrityKind
INTEGRITY_KIND_IP_CHANGE: IntegrityKind
INTEGRITY_KIND_PROCTORING: IntegrityKind
ERROR_REASON_UNSPECIFIED: ErrorReason
BANK_NOT_FOUND: ErrorReason
CATEGORY_NOT_FOUND: ErrorReason
QUESTION_NOT_FOUND: ErrorReason
QUIZ_NOT_FOUND: ErrorReason
ATTEMPT_NOT_FOUND: ErrorReason
QUESTION_INVALID: ErrorReason
QUIZ_INVALID: ErrorReason
NOT_COURSE_TEACHER: ErrorReason
NOT_ENROLLED: ErrorReason
QUIZ_NOT_OPEN: ErrorReason
QUIZ_ALREADY_PUBLISHED: ErrorReason
NO_ATTEMPTS_LEFT: ErrorReason
ATTEMPT_TOO_SOON: ErrorReason
ATTEMPT_CLOSED: ErrorReason
SESSION_SUPERSEDED: ErrorReason
SEQUENTIAL_NAVIGATION: ErrorReason
PASSWORD_WRONG: ErrorReason
ADDRESS_NOT_ALLOWED: ErrorReason
NOT_AWAITING_GRADE: ErrorReason
GRADE_OUT_OF_RANGE: ErrorReason
SLOT_UNKNOWN: ErrorReason
COURSE_UNAVAILABLE: ErrorReason
ATTEMPT_IN_PROGRESS: ErrorReason
IMPORT_INVALID: ErrorReason

class Bank(_message.Message):
    __slots__ = ("name", "course", "title", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    course: str
    title: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., course: _Optional[str] = ..., title: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateBankRequest(_message.Message):
    __slots__ = ("bank",)
    BANK_FIELD_NUMBER: _ClassVar[int]
    bank: Bank
    def __init__(self, bank: _Optional[_Union[Bank, _Mapping]] = ...) -> None: ...

class Category(_message.Message):
    __slots__ = ("name", "parent", "display_name")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    parent: str
    display_name: str
    def __init__(self, name: _Optional[str] = ..., parent: _Optional[str] = ..., display_name: _Optional[str] = ...) -> None: ...

class CreateCategoryRequest(_message.Message):
    __slots__ = ("parent", "category")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    parent: str
    category: Category
    def __init__(self, parent: _Optional[str] = ..., category: _Optional[_Union[Category, _Mapping]] = ...) -> None: ...

class ListCategoriesRequest(_message.Message):
    __slots__ = ("parent",)
    PARENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    def __init__(self, parent: _Optional[str] = ...) -> None: ...

class ListCategoriesResponse(_message.Message):
    __slots__ = ("categories",)
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    categories: _containers.RepeatedCompositeFieldContainer[Category]
    def __init__(self, categories: _Optional[_Iterable[_Union[Category, _Mapping]]] = ...) -> None: ...

class Question(_message.Message):
    __slots__ = ("name", "category", "version", "title", "text", "points", "general_feedback", "tags", "body", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    GENERAL_FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    category: str
    version: int
    title: str
    text: str
    points: float
    general_feedback: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    body: _questions_pb2.QuestionBody
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., category: _Optional[str] = ..., version: _Optional[int] = ..., title: _Optional[str] = ..., text: _Optional[str] = ..., points: _Optional[float] = ..., general_feedback: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., body: _Optional[_Union[_questions_pb2.QuestionBody, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateQuestionRequest(_message.Message):
    __slots__ = ("parent", "question")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    parent: str
    question: Question
    def __init__(self, parent: _Optional[str] = ..., question: _Optional[_Union[Question, _Mapping]] = ...) -> None: ...

class UpdateQuestionRequest(_message.Message):
    __slots__ = ("question",)
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    question: Question
    def __init__(self, question: _Optional[_Union[Question, _Mapping]] = ...) -> None: ...

class GetQuestionRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListQuestionsRequest(_message.Message):
    __slots__ = ("parent", "category", "tag", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    category: str
    tag: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., category: _Optional[str] = ..., tag: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListQuestionsResponse(_message.Message):
    __slots__ = ("questions", "next_page_token")
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    questions: _containers.RepeatedCompositeFieldContainer[Question]
    next_page_token: str
    def __init__(self, questions: _Optional[_Iterable[_Union[Question, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ImportQuestionsRequest(_message.Message):
    __slots__ = ("parent", "category", "format", "items", "content")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    category: str
    format: InterchangeFormat
    items: _containers.RepeatedScalarFieldContainer[str]
    content: str
    def __init__(self, parent: _Optional[str] = ..., category: _Optional[str] = ..., format: _Optional[_Union[InterchangeFormat, str]] = ..., items: _Optional[_Iterable[str]] = ..., content: _Optional[str] = ...) -> None: ...

class ImportQuestionsResponse(_message.Message):
    __slots__ = ("questions",)
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    questions: _containers.RepeatedCompositeFieldContainer[Question]
    def __init__(self, questions: _Optional[_Iterable[_Union[Question, _Mapping]]] = ...) -> None: ...

class ExportQuestionsRequest(_message.Message):
    __slots__ = ("parent", "category", "format")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    category: str
    format: InterchangeFormat
    def __init__(self, parent: _Optional[str] = ..., category: _Optional[str] = ..., format: _Optional[_Union[InterchangeFormat, str]] = ...) -> None: ...

class ExportedItem(_message.Message):
    __slots__ = ("question", "content")
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    question: str
    content: str
    def __init__(self, question: _Optional[str] = ..., content: _Optional[str] = ...) -> None: ...

class ExportQuestionsResponse(_message.Message):
    __slots__ = ("items", "skipped")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[ExportedItem]
    skipped: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, items: _Optional[_Iterable[_Union[ExportedItem, _Mapping]]] = ..., skipped: _Optional[_Iterable[str]] = ...) -> None: ...

class QuizSlot(_message.Message):
    __slots__ = ("points", "question", "category", "include_subcategories")
    POINTS_FIELD_NUMBER: _ClassVar[int]
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_SUBCATEGORIES_FIELD_NUMBER: _ClassVar[int]
    points: float
    question: str
    category: str
    include_subcategories: bool
    def __init__(self, points: _Optional[float] = ..., question: _Optional[str] = ..., category: _Optional[str] = ..., include_subcategories: _Optional[bool] = ...) -> None: ...

class QuizSection(_message.Message):
    __slots__ = ("title", "slots", "shuffle")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SLOTS_FIELD_NUMBER: _ClassVar[int]
    SHUFFLE_FIELD_NUMBER: _ClassVar[int]
    title: str
    slots: _containers.RepeatedCompositeFieldContainer[QuizSlot]
    shuffle: bool
    def __init__(self, title: _Optional[str] = ..., slots: _Optional[_Iterable[_Union[QuizSlot, _Mapping]]] = ..., shuffle: _Optional[bool] = ...) -> None: ...

class ReviewOptions(_message.Message):
    __slots__ = ("marks", "feedback", "correct_answers")
    MARKS_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    CORRECT_ANSWERS_FIELD_NUMBER: _ClassVar[int]
    marks: ReviewTime
    feedback: ReviewTime
    correct_answers: ReviewTime
    def __init__(self, marks: _Optional[_Union[ReviewTime, str]] = ..., feedback: _Optional[_Union[ReviewTime, str]] = ..., correct_answers: _Optional[_Union[ReviewTime, str]] = ...) -> None: ...

class IntegrityRules(_message.Message):
    __slots__ = ("max_tab_switches", "max_copy_paste", "flag_second_session", "flag_ip_change", "flag_fullscreen_exit")
    MAX_TAB_SWITCHES_FIELD_NUMBER: _ClassVar[int]
    MAX_COPY_PASTE_FIELD_NUMBER: _ClassVar[int]
    FLAG_SECOND_SESSION_FIELD_NUMBER: _ClassVar[int]
    FLAG_IP_CHANGE_FIELD_NUMBER: _ClassVar[int]
    FLAG_FULLSCREEN_EXIT_FIELD_NUMBER: _ClassVar[int]
    max_tab_switches: int
    max_copy_paste: int
    flag_second_session: bool
    flag_ip_change: bool
    flag_fullscreen_exit: bool
    def __init__(self, max_tab_switches: _Optional[int] = ..., max_copy_paste: _Optional[int] = ..., flag_second_session: _Optional[bool] = ..., flag_ip_change: _Optional[bool] = ..., flag_fullscreen_exit: _Optional[bool] = ...) -> None: ...

class Quiz(_message.Message):
    __slots__ = ("name", "course", "title", "sections", "open_time", "close_time", "time_limit_seconds", "expiry_action", "grace_period_seconds", "attempts_allowed", "delay_between_attempts_seconds", "grading_method", "pass_percent", "navigation", "review", "lecture", "access_password", "password_required", "ip_ranges", "integrity", "state", "create_time", "publish_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SECTIONS_FIELD_NUMBER: _ClassVar[int]
    OPEN_TIME_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    TIME_LIMIT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_ACTION_FIELD_NUMBER: _ClassVar[int]
    GRACE_PERIOD_SECONDS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_ALLOWED_FIELD_NUMBER: _ClassVar[int]
    DELAY_BETWEEN_ATTEMPTS_SECONDS_FIELD_NUMBER: _ClassVar[int]
    GRADING_METHOD_FIELD_NUMBER: _ClassVar[int]
    PASS_PERCENT_FIELD_NUMBER: _ClassVar[int]
    NAVIGATION_FIELD_NUMBER: _ClassVar[int]
    REVIEW_FIELD_NUMBER: _ClassVar[int]
    LECTURE_FIELD_NUMBER: _ClassVar[int]
    ACCESS_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    IP_RANGES_FIELD_NUMBER: _ClassVar[int]
    INTEGRITY_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    course: str
    title: str
    sections: _containers.RepeatedCompositeFieldContainer[QuizSection]
    open_time: _timestamp_pb2.Timestamp
    close_time: _timestamp_pb2.Timestamp
    time_limit_seconds: int
    expiry_action: ExpiryAction
    grace_period_seconds: int
    attempts_allowed: int
    delay_between_attempts_seconds: int
    grading_method: GradingMethod
    pass_percent: float
    navigation: Navigation
    review: ReviewOptions
    lecture: str
    access_password: str
    password_required: bool
    ip_ranges: _containers.RepeatedScalarFieldContainer[str]
    integrity: IntegrityRules
    state: QuizState
    create_time: _timestamp_pb2.Timestamp
    publish_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., course: _Optional[str] = ..., title: _Optional[str] = ..., sections: _Optional[_Iterable[_Union[QuizSection, _Mapping]]] = ..., open_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., time_limit_seconds: _Optional[int] = ..., expiry_action: _Optional[_Union[ExpiryAction, str]] = ..., grace_period_seconds: _Optional[int] = ..., attempts_allowed: _Optional[int] = ..., delay_between_attempts_seconds: _Optional[int] = ..., grading_method: _Optional[_Union[GradingMethod, str]] = ..., pass_percent: _Optional[float] = ..., navigation: _Optional[_Union[Navigation, str]] = ..., review: _Optional[_Union[ReviewOptions, _Mapping]] = ..., lecture: _Optional[str] = ..., access_password: _Optional[str] = ..., password_required: _Optional[bool] = ..., ip_ranges: _Optional[_Iterable[str]] = ..., integrity: _Optional[_Union[IntegrityRules, _Mapping]] = ..., state: _Optional[_Union[QuizState, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateQuizRequest(_message.Message):
    __slots__ = ("quiz",)
    QUIZ_FIELD_NUMBER: _ClassVar[int]
    quiz: Quiz
    def __init__(self, quiz: _Optional[_Union[Quiz, _Mapping]] = ...) -> None: ...

class UpdateQuizRequest(_message.Message):
    __slots__ = ("quiz",)
    QUIZ_FIELD_NUMBER: _ClassVar[int]
    quiz: Quiz
    def __init__(self, quiz: _Optional[_Union[Quiz, _Mapping]] = ...) -> None: ...

class PublishQuizRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetQuizRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class Override(_message.Message):
    __slots__ = ("name", "extra_time_seconds", "extra_attempts", "close_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EXTRA_TIME_SECONDS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    extra_time_seconds: int
    extra_attempts: int
    close_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., extra_time_seconds: _Optional[int] = ..., extra_attempts: _Optional[int] = ..., close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UpdateOverrideRequest(_message.Message):
    __slots__ = ("override",)
    OVERRIDE_FIELD_NUMBER: _ClassVar[int]
    override: Override
    def __init__(self, override: _Optional[_Union[Override, _Mapping]] = ...) -> None: ...

class StartAttemptRequest(_message.Message):
    __slots__ = ("quiz", "password", "session_id")
    QUIZ_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    quiz: str
    password: str
    session_id: str
    def __init__(self, quiz: _Optional[str] = ..., password: _Optional[str] = ..., session_id: _Optional[str] = ...) -> None: ...

class GapView(_message.Message):
    __slots__ = ("id", "kind", "options")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: str
    options: _containers.RepeatedCompositeFieldContainer[_questions_pb2.Option]
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[str] = ..., options: _Optional[_Iterable[_Union[_questions_pb2.Option, _Mapping]]] = ...) -> None: ...

class QuestionView(_message.Message):
    __slots__ = ("slot", "question", "version", "kind", "title", "text", "points", "choices", "items", "gaps", "values", "answer", "awarded_points", "feedback", "comment", "correct", "awaiting_grade")
    class ValuesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    SLOT_FIELD_NUMBER: _ClassVar[int]
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    GAPS_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    AWARDED_POINTS_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    CORRECT_FIELD_NUMBER: _ClassVar[int]
    AWAITING_GRADE_FIELD_NUMBER: _ClassVar[int]
    slot: int
    question: str
    version: int
    kind: str
    title: str
    text: str
    points: float
    choices: _containers.RepeatedCompositeFieldContainer[_questions_pb2.Option]
    items: _containers.RepeatedCompositeFieldContainer[_questions_pb2.Option]
    gaps: _containers.RepeatedCompositeFieldContainer[GapView]
    values: _containers.ScalarMap[str, float]
    answer: _questions_pb2.Answer
    awarded_points: float
    feedback: _containers.RepeatedScalarFieldContainer[str]
    comment: str
    correct: _questions_pb2.QuestionBody
    awaiting_grade: bool
    def __init__(self, slot: _Optional[int] = ..., question: _Optional[str] = ..., version: _Optional[int] = ..., kind: _Optional[str] = ..., title: _Optional[str] = ..., text: _Optional[str] = ..., points: _Optional[float] = ..., choices: _Optional[_Iterable[_Union[_questions_pb2.Option, _Mapping]]] = ..., items: _Optional[_Iterable[_Union[_questions_pb2.Option, _Mapping]]] = ..., gaps: _Optional[_Iterable[_Union[GapView, _Mapping]]] = ..., values: _Optional[_Mapping[str, float]] = ..., answer: _Optional[_Union[_questions_pb2.Answer, _Mapping]] = ..., awarded_points: _Optional[float] = ..., feedback: _Optional[_Iterable[str]] = ..., comment: _Optional[str] = ..., correct: _Optional[_Union[_questions_pb2.QuestionBody, _Mapping]] = ..., awaiting_grade: _Optional[bool] = ...) -> None: ...

class Attempt(_message.Message):
    __slots__ = ("name", "quiz", "user", "number", "state", "start_time", "deadline", "submit_time", "saved_sequence", "questions", "score", "max_score", "passed", "flags", "navigation")
    NAME_FIELD_NUMBER: _ClassVar[int]
    QUIZ_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    SAVED_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    MAX_SCORE_FIELD_NUMBER: _ClassVar[int]
    PASSED_FIELD_NUMBER: _ClassVar[int]
    FLAGS_FIELD_NUMBER: _ClassVar[int]
    NAVIGATION_FIELD_NUMBER: _ClassVar[int]
    name: str
    quiz: str
    user: str
    number: int
    state: AttemptState
    start_time: _timestamp_pb2.Timestamp
    deadline: _timestamp_pb2.Timestamp
    submit_time: _timestamp_pb2.Timestamp
    saved_sequence: int
    questions: _containers.RepeatedCompositeFieldContainer[QuestionView]
    score: float
    max_score: float
    passed: bool
    flags: _containers.RepeatedScalarFieldContainer[str]
    navigation: Navigation
    def __init__(self, name: _Optional[str] = ..., quiz: _Optional[str] = ..., user: _Optional[str] = ..., number: _Optional[int] = ..., state: _Optional[_Union[AttemptState, str]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., deadline: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., submit_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., saved_sequence: _Optional[int] = ..., questions: _Optional[_Iterable[_Union[QuestionView, _Mapping]]] = ..., score: _Optional[float] = ..., max_score: _Optional[float] = ..., passed: _Optional[bool] = ..., flags: _Optional[_Iterable[str]] = ..., navigation: _Optional[_Union[Navigation, str]] = ...) -> None: ...

class GetAttemptRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListAttemptsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAttemptsResponse(_message.Message):
    __slots__ = ("attempts", "next_page_token", "quiz_grade_percent")
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    QUIZ_GRADE_PERCENT_FIELD_NUMBER: _ClassVar[int]
    attempts: _containers.RepeatedCompositeFieldContainer[Attempt]
    next_page_token: str
    quiz_grade_percent: float
    def __init__(self, attempts: _Optional[_Iterable[_Union[Attempt, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., quiz_grade_percent: _Optional[float] = ...) -> None: ...

class SlotAnswer(_message.Message):
    __slots__ = ("slot", "answer")
    SLOT_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    slot: int
    answer: _questions_pb2.Answer
    def __init__(self, slot: _Optional[int] = ..., answer: _Optional[_Union[_questions_pb2.Answer, _Mapping]] = ...) -> None: ...

class SaveAnswersRequest(_message.Message):
    __slots__ = ("attempt", "sequence", "answers", "session_id")
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    attempt: str
    sequence: int
    answers: _containers.RepeatedCompositeFieldContainer[SlotAnswer]
    session_id: str
    def __init__(self, attempt: _Optional[str] = ..., sequence: _Optional[int] = ..., answers: _Optional[_Iterable[_Union[SlotAnswer, _Mapping]]] = ..., session_id: _Optional[str] = ...) -> None: ...

class SaveAnswersResponse(_message.Message):
    __slots__ = ("saved", "saved_sequence", "deadline")
    SAVED_FIELD_NUMBER: _ClassVar[int]
    SAVED_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    saved: bool
    saved_sequence: int
    deadline: _timestamp_pb2.Timestamp
    def __init__(self, saved: _Optional[bool] = ..., saved_sequence: _Optional[int] = ..., deadline: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SubmitAttemptRequest(_message.Message):
    __slots__ = ("name", "answers", "sequence", "session_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    answers: _containers.RepeatedCompositeFieldContainer[SlotAnswer]
    sequence: int
    session_id: str
    def __init__(self, name: _Optional[str] = ..., answers: _Optional[_Iterable[_Union[SlotAnswer, _Mapping]]] = ..., sequence: _Optional[int] = ..., session_id: _Optional[str] = ...) -> None: ...

class ResumeAttemptRequest(_message.Message):
    __slots__ = ("name", "session_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    session_id: str
    def __init__(self, name: _Optional[str] = ..., session_id: _Optional[str] = ...) -> None: ...

class WatchAttemptRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class AttemptClock(_message.Message):
    __slots__ = ("attempt", "state", "remaining_seconds", "server_time", "forced")
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REMAINING_SECONDS_FIELD_NUMBER: _ClassVar[int]
    SERVER_TIME_FIELD_NUMBER: _ClassVar[int]
    FORCED_FIELD_NUMBER: _ClassVar[int]
    attempt: str
    state: AttemptState
    remaining_seconds: float
    server_time: _timestamp_pb2.Timestamp
    forced: bool
    def __init__(self, attempt: _Optional[str] = ..., state: _Optional[_Union[AttemptState, str]] = ..., remaining_seconds: _Optional[float] = ..., server_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., forced: _Optional[bool] = ...) -> None: ...

class IntegrityEvent(_message.Message):
    __slots__ = ("kind", "client_time", "detail")
    KIND_FIELD_NUMBER: _ClassVar[int]
    CLIENT_TIME_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    kind: IntegrityKind
    client_time: _timestamp_pb2.Timestamp
    detail: str
    def __init__(self, kind: _Optional[_Union[IntegrityKind, str]] = ..., client_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., detail: _Optional[str] = ...) -> None: ...

class RecordIntegrityEventsRequest(_message.Message):
    __slots__ = ("attempt", "events")
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    attempt: str
    events: _containers.RepeatedCompositeFieldContainer[IntegrityEvent]
    def __init__(self, attempt: _Optional[str] = ..., events: _Optional[_Iterable[_Union[IntegrityEvent, _Mapping]]] = ...) -> None: ...

class RecordIntegrityEventsResponse(_message.Message):
    __slots__ = ("flagged",)
    FLAGGED_FIELD_NUMBER: _ClassVar[int]
    flagged: bool
    def __init__(self, flagged: _Optional[bool] = ...) -> None: ...

class AddProctoringViolationRequest(_message.Message):
    __slots__ = ("attempt", "detail", "observe_time")
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    OBSERVE_TIME_FIELD_NUMBER: _ClassVar[int]
    attempt: str
    detail: str
    observe_time: _timestamp_pb2.Timestamp
    def __init__(self, attempt: _Optional[str] = ..., detail: _Optional[str] = ..., observe_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListGradingQueueRequest(_message.Message):
    __slots__ = ("quiz", "page_size")
    QUIZ_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    quiz: str
    page_size: int
    def __init__(self, quiz: _Optional[str] = ..., page_size: _Optional[int] = ...) -> None: ...

class PendingResponse(_message.Message):
    __slots__ = ("attempt", "user", "slot", "question", "submit_time")
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    SLOT_FIELD_NUMBER: _ClassVar[int]
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    attempt: str
    user: str
    slot: int
    question: QuestionView
    submit_time: _timestamp_pb2.Timestamp
    def __init__(self, attempt: _Optional[str] = ..., user: _Optional[str] = ..., slot: _Optional[int] = ..., question: _Optional[_Union[QuestionView, _Mapping]] = ..., submit_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListGradingQueueResponse(_message.Message):
    __slots__ = ("responses",)
    RESPONSES_FIELD_NUMBER: _ClassVar[int]
    responses: _containers.RepeatedCompositeFieldContainer[PendingResponse]
    def __init__(self, responses: _Optional[_Iterable[_Union[PendingResponse, _Mapping]]] = ...) -> None: ...

class GradeResponseRequest(_message.Message):
    __slots__ = ("attempt", "slot", "points", "rubric_levels", "comment")
    class RubricLevelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    SLOT_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_LEVELS_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    attempt: str
    slot: int
    points: float
    rubric_levels: _containers.ScalarMap[str, str]
    comment: str
    def __init__(self, attempt: _Optional[str] = ..., slot: _Optional[int] = ..., points: _Optional[float] = ..., rubric_levels: _Optional[_Mapping[str, str]] = ..., comment: _Optional[str] = ...) -> None: ...

class RegradeQuestionRequest(_message.Message):
    __slots__ = ("quiz", "question")
    QUIZ_FIELD_NUMBER: _ClassVar[int]
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    quiz: str
    question: str
    def __init__(self, quiz: _Optional[str] = ..., question: _Optional[str] = ...) -> None: ...

class RegradeChange(_message.Message):
    __slots__ = ("attempt", "slot", "from_version", "to_version", "old_points", "new_points", "change_time")
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    SLOT_FIELD_NUMBER: _ClassVar[int]
    FROM_VERSION_FIELD_NUMBER: _ClassVar[int]
    TO_VERSION_FIELD_NUMBER: _ClassVar[int]
    OLD_POINTS_FIELD_NUMBER: _ClassVar[int]
    NEW_POINTS_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    attempt: str
    slot: int
    from_version: int
    to_version: int
    old_points: float
    new_points: float
    change_time: _timestamp_pb2.Timestamp
    def __init__(self, attempt: _Optional[str] = ..., slot: _Optional[int] = ..., from_version: _Optional[int] = ..., to_version: _Optional[int] = ..., old_points: _Optional[float] = ..., new_points: _Optional[float] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RegradeQuestionResponse(_message.Message):
    __slots__ = ("attempts_regraded", "changes")
    ATTEMPTS_REGRADED_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    attempts_regraded: int
    changes: _containers.RepeatedCompositeFieldContainer[RegradeChange]
    def __init__(self, attempts_regraded: _Optional[int] = ..., changes: _Optional[_Iterable[_Union[RegradeChange, _Mapping]]] = ...) -> None: ...

class GetQuizStatisticsRequest(_message.Message):
    __slots__ = ("quiz",)
    QUIZ_FIELD_NUMBER: _ClassVar[int]
    quiz: str
    def __init__(self, quiz: _Optional[str] = ...) -> None: ...

class ScoreBucket(_message.Message):
    __slots__ = ("from_percent", "to_percent", "count")
    FROM_PERCENT_FIELD_NUMBER: _ClassVar[int]
    TO_PERCENT_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    from_percent: float
    to_percent: float
    count: int
    def __init__(self, from_percent: _Optional[float] = ..., to_percent: _Optional[float] = ..., count: _Optional[int] = ...) -> None: ...

class ChoiceFrequency(_message.Message):
    __slots__ = ("choice", "count")
    CHOICE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    choice: str
    count: int
    def __init__(self, choice: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class QuestionStatistics(_message.Message):
    __slots__ = ("slot", "question", "count", "facility", "standard_deviation", "discrimination", "discriminative_efficiency", "choices")
    SLOT_FIELD_NUMBER: _ClassVar[int]
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    FACILITY_FIELD_NUMBER: _ClassVar[int]
    STANDARD_DEVIATION_FIELD_NUMBER: _ClassVar[int]
    DISCRIMINATION_FIELD_NUMBER: _ClassVar[int]
    DISCRIMINATIVE_EFFICIENCY_FIELD_NUMBER: _ClassVar[int]
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    slot: int
    question: str
    count: int
    facility: float
    standard_deviation: float
    discrimination: float
    discriminative_efficiency: float
    choices: _containers.RepeatedCompositeFieldContainer[ChoiceFrequency]
    def __init__(self, slot: _Optional[int] = ..., question: _Optional[str] = ..., count: _Optional[int] = ..., facility: _Optional[float] = ..., standard_deviation: _Optional[float] = ..., discrimination: _Optional[float] = ..., discriminative_efficiency: _Optional[float] = ..., choices: _Optional[_Iterable[_Union[ChoiceFrequency, _Mapping]]] = ...) -> None: ...

class QuizStatistics(_message.Message):
    __slots__ = ("attempt_count", "mean", "median", "standard_deviation", "skewness", "cronbach_alpha", "standard_error", "distribution", "questions")
    ATTEMPT_COUNT_FIELD_NUMBER: _ClassVar[int]
    MEAN_FIELD_NUMBER: _ClassVar[int]
    MEDIAN_FIELD_NUMBER: _ClassVar[int]
    STANDARD_DEVIATION_FIELD_NUMBER: _ClassVar[int]
    SKEWNESS_FIELD_NUMBER: _ClassVar[int]
    CRONBACH_ALPHA_FIELD_NUMBER: _ClassVar[int]
    STANDARD_ERROR_FIELD_NUMBER: _ClassVar[int]
    DISTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    attempt_count: int
    mean: float
    median: float
    standard_deviation: float
    skewness: float
    cronbach_alpha: float
    standard_error: float
    distribution: _containers.RepeatedCompositeFieldContainer[ScoreBucket]
    questions: _containers.RepeatedCompositeFieldContainer[QuestionStatistics]
    def __init__(self, attempt_count: _Optional[int] = ..., mean: _Optional[float] = ..., median: _Optional[float] = ..., standard_deviation: _Optional[float] = ..., skewness: _Optional[float] = ..., cronbach_alpha: _Optional[float] = ..., standard_error: _Optional[float] = ..., distribution: _Optional[_Iterable[_Union[ScoreBucket, _Mapping]]] = ..., questions: _Optional[_Iterable[_Union[QuestionStatistics, _Mapping]]] = ...) -> None: ...
