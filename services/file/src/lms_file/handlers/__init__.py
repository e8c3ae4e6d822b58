"""Use cases of the file service: plain values and an Actor in, domain objects out."""

from lms_file.handlers.common import FileAccess, FilePolicy
from lms_file.handlers.confirm import ConfirmHandlers
from lms_file.handlers.files import FileHandlers
from lms_file.handlers.mux_webhooks import MuxWebhookHandlers
from lms_file.handlers.references import ReferenceHandlers
from lms_file.handlers.sweeps import SweepHandlers
from lms_file.handlers.uploads import UploadHandlers
from lms_file.handlers.video import VideoHandlers

__all__ = [
    "ConfirmHandlers",
    "FileAccess",
    "FileHandlers",
    "FilePolicy",
    "MuxWebhookHandlers",
    "ReferenceHandlers",
    "SweepHandlers",
    "UploadHandlers",
    "VideoHandlers",
]
