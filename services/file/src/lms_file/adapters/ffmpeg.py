"""Local video processing with ffmpeg/ffprobe (Debian packages): HLS renditions for the
heights the source allows, a poster frame and the duration."""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

from lms_file.domain.video import Rendition
from lms_file.handlers.ports import Transcoded, TranscodeFailed

# (height, video bit rate) from small to large; a source never gets a rendition above it.
LADDER = ((240, 400_000), (480, 1_000_000), (720, 2_500_000))
AUDIO_BPS = 96_000
SEGMENT_S = 4


def _run(argv: list[str]) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise TranscodeFailed(f"{argv[0]} exited {done.returncode}: {done.stderr[-500:]}")
    return done.stdout


def probe(source: Path) -> tuple[int, int, float]:
    """(width, height, duration in seconds) of the first video stream."""
    info = json.loads(
        _run(
            ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format", str(source)]
        )
    )
    video = next((s for s in info.get("streams", []) if s.get("codec_type") == "video"), None)
    if video is None:
        raise TranscodeFailed("no video stream")
    return int(video["width"]), int(video["height"]), float(info["format"].get("duration") or 0.0)


class FfmpegTranscoder:
    def __init__(self, *, preset: str = "veryfast") -> None:
        self._preset = preset

    def transcode(self, source: Path, out_dir: Path) -> Transcoded:
        """Writes out_dir/<name>/index.m3u8 with its segments, out_dir/master.m3u8 and
        out_dir/poster.jpg. Blocking: run it in a thread."""
        width, height, duration = probe(source)
        steps = [(h, bps) for h, bps in LADDER if h <= height] or [(min(height, LADDER[0][0]), LADDER[0][1])]
        renditions = []
        for target, bps in steps:
            folder = out_dir / f"{target}p"
            folder.mkdir(parents=True, exist_ok=True)
            _run(
                [
                    "ffmpeg", "-v", "error", "-y", "-i", str(source),
                    "-map", "0:v:0", "-map", "0:a:0?",
                    "-vf", f"scale=-2:{target}", "-c:v", "libx264", "-preset", self._preset,
                    "-b:v", str(bps), "-maxrate", str(bps * 3 // 2), "-bufsize", str(bps * 2),
                    "-g", str(SEGMENT_S * 30), "-sc_threshold", "0",
                    "-c:a", "aac", "-b:a", str(AUDIO_BPS), "-ac", "2",
                    "-f", "hls", "-hls_time", str(SEGMENT_S), "-hls_playlist_type", "vod",
                    "-hls_segment_filename", str(folder / "seg%04d.ts"),
                    str(folder / "index.m3u8"),
                ]
            )  # fmt: skip
            scaled_width = 2 * round(width * target / height / 2)
            renditions.append(Rendition(f"{target}p", scaled_width, target, bps + AUDIO_BPS))
        (out_dir / "master.m3u8").write_text(master_playlist(renditions))
        poster = out_dir / "poster.jpg"
        at = min(1.0, duration / 2)
        _run(["ffmpeg", "-v", "error", "-y", "-ss", f"{at:.2f}", "-i", str(source), "-frames:v", "1",
              "-vf", "scale='min(1280,iw)':-2", "-q:v", "3", str(poster)])  # fmt: skip
        poster_width, poster_height, _ = probe(poster)
        return Transcoded(max(1, math.ceil(duration)), renditions, poster, (poster_width, poster_height))


def master_playlist(renditions: list[Rendition]) -> str:
    lines = ["#EXTM3U", "#EXT-X-VERSION:3"]
    for r in renditions:
        lines += [
            f"#EXT-X-STREAM-INF:BANDWIDTH={r.bandwidth_bps},RESOLUTION={r.width}x{r.height}",
            f"{r.name}/index.m3u8",
        ]
    return "\n".join(lines) + "\n"
