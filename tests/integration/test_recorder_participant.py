"""The participant recorder against the real LiveKit server: media time is wall-clock time.

A publisher (the teacher) joins a room and sends a tone, stops sending for a while, and
sends a tone again; the hidden recorder writes the room's audio. The file lasts as long
as the recording ran, the silence is kept, and each tone sits where it was spoken.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
import wave
from pathlib import Path

import numpy as np
import pytest

from multistream.media.tokens import mint_join_token
from multistream.recording.participant import record_room, recorder_token
from multistream.settings import Settings

pytestmark = pytest.mark.timeout(60)

RATE = 48_000
FRAME = RATE // 100  # 10 ms


async def _play_tone(source: object, seconds: float, started: list[dt.datetime]) -> None:
    from livekit import rtc

    assert isinstance(source, rtc.AudioSource)
    t = np.arange(FRAME) / RATE
    loop = asyncio.get_running_loop()
    begin = loop.time()
    for index in range(int(seconds * 100)):
        # Paced by the clock, as a microphone would be (the source buffers otherwise).
        await asyncio.sleep(max(0.0, begin + index / 100 - loop.time()))
        samples = (np.sin(2 * np.pi * 440 * (t + index * FRAME / RATE)) * 12_000).astype(np.int16)
        frame = rtc.AudioFrame(samples.tobytes(), RATE, 1, FRAME)
        if index == 0:
            started.append(dt.datetime.now(dt.UTC))
        await source.capture_frame(frame)


def _windows_with_sound(path: Path) -> tuple[int, list[int]]:
    """The file's length in ms, and the 100 ms windows whose RMS is clearly not silence."""
    with wave.open(str(path)) as wav:
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    window = rate // 10
    loud = [
        index * 100
        for index in range(len(samples) // window)
        if np.sqrt(np.mean(samples[index * window : (index + 1) * window].astype(float) ** 2))
        > 1000
    ]
    return len(samples) * 1000 // rate, loud


def test_the_recording_keeps_silence_so_media_time_is_wall_clock_time(
    settings: Settings, tmp_path: Path
) -> None:
    from livekit import rtc

    if not settings.media_configured:
        pytest.skip("LiveKit is not configured")
    room_name = f"rec-test-{uuid.uuid4()}"
    teacher_token = mint_join_token(
        settings, room=room_name, user_id=uuid.uuid4(), display_name="Teacher", role="host"
    )
    out = tmp_path / "class.wav"

    async def scenario() -> tuple[dt.datetime, float, list[dt.datetime], int]:
        teacher = rtc.Room()
        await teacher.connect(settings.livekit_url, teacher_token)
        source = rtc.AudioSource(RATE, 1)
        track = rtc.LocalAudioTrack.create_audio_track("mic", source)
        await teacher.local_participant.publish_track(
            track, rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        )
        stop = asyncio.Event()
        recorder_started: list[dt.datetime] = []
        recording = asyncio.create_task(
            record_room(
                url=settings.livekit_url,
                token=recorder_token(settings, room=room_name, recording_id="t"),
                path=out,
                stop=stop,
                on_started=recorder_started.append,
            )
        )
        while not recorder_started:
            await asyncio.sleep(0.01)
        await asyncio.sleep(1.0)  # the recorder subscribes meanwhile
        tones: list[dt.datetime] = []
        await _play_tone(source, 1.0, tones)
        await asyncio.sleep(1.5)  # nothing sent: the recording must keep this silence
        await _play_tone(source, 1.0, tones)
        await asyncio.sleep(0.5)
        stop.set()
        result = await recording
        elapsed_ms = round((dt.datetime.now(dt.UTC) - result.started_at).total_seconds() * 1000)
        await teacher.disconnect()
        return result.started_at, elapsed_ms, tones, result.duration_ms

    started_at, elapsed_ms, tones, duration_ms = asyncio.run(scenario())
    length_ms, loud = _windows_with_sound(out)
    assert length_ms == duration_ms
    # The file is as long as the recording ran (the stop itself takes a moment).
    assert elapsed_ms - 300 <= length_ms <= elapsed_ms + 50
    for tone_start in tones:
        at_ms = (tone_start - started_at).total_seconds() * 1000
        heard = [ms for ms in loud if at_ms - 100 <= ms <= at_ms + 1100]
        # Each 1 s tone is heard for most of its second, starting within 300 ms of when it
        # was sent (network and jitter buffer).
        assert len(heard) >= 7, (at_ms, loud)
        assert min(heard) <= at_ms + 300, (at_ms, loud)
    # Between the tones: silence, kept.
    gap_start = (tones[0] - started_at).total_seconds() * 1000 + 1400
    gap_end = (tones[1] - started_at).total_seconds() * 1000 - 100
    assert not [ms for ms in loud if gap_start <= ms <= gap_end - 100], loud
