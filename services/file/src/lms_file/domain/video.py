"""Video processing as a persisted job: whoever claims it holds a lease; a worker that
crashes loses the lease and the next claim resumes the job from the start."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

MAX_ATTEMPTS = 3
HLS_TYPE = "application/vnd.apple.mpegurl"


class JobState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"  # leased by a worker until lease_until
    WAITING = "waiting"  # handed to Mux; its webhook finishes it
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Rendition:
    """One HLS rendition as the transcoder made it."""

    name: str  # "240p"; its playlist is hls/<name>/index.m3u8
    width: int
    height: int
    bandwidth_bps: int


@dataclass(eq=True)
class VideoJob:
    file_id: str
    state: JobState = JobState.QUEUED
    attempts: int = 0
    lease_until: datetime | None = None
    mux_asset_id: str = ""
    playback_id: str = ""
    error: str = ""

    def claimed(self, lease_until: datetime) -> None:
        self.state = JobState.RUNNING
        self.attempts += 1
        self.lease_until = lease_until

    def handed_to_mux(self, asset_id: str) -> None:
        self.state = JobState.WAITING
        self.mux_asset_id = asset_id
        self.lease_until = None

    def done(self, playback_id: str = "") -> None:
        self.state = JobState.DONE
        self.playback_id = playback_id
        self.lease_until = None

    def errored(self, error: str) -> None:
        """Final: the video platform could not process the video."""
        self.state = JobState.FAILED
        self.error = error[:500]
        self.lease_until = None

    def attempt_failed(self, error: str) -> bool:
        """Back to the queue, or FAILED after the last attempt; True when it is final."""
        self.error = error[:500]
        self.lease_until = None
        self.state = JobState.FAILED if self.attempts >= MAX_ATTEMPTS else JobState.QUEUED
        return self.state is JobState.FAILED
