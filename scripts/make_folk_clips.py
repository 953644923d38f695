"""Synthesise the audio clips of the Cantonese folk-songs bank.

The clips are made here rather than recorded so the repository owns every byte of
them and anyone can rebuild them: plain tones, no samples, no randomness, so running
the script twice writes identical files. Each clip illustrates something that can be
stated exactly (which notes, which direction, which metre); the question says so.

    python scripts/make_folk_clips.py [OUTPUT_DIR]

The default output is question_banks/cantonese-folk-songs/media/. Stdlib only.
"""

from __future__ import annotations

import math
import struct
import sys
import wave
from pathlib import Path

RATE = 16_000
PEAK = 0.5  # of full scale, leaving headroom for the harmonics
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "question_banks/cantonese-folk-songs/media"

# Equal temperament, A4 = 440 Hz. With 上 = do = C4 the gongche names used in the
# bank are 合 G3, 四 A3, 上 C4, 尺 D4, 工 E4, 凡 F4, 六 G4, 五 A4, 乙 B4.
NOTES = {"G3": -14, "A3": -12, "C4": -9, "D4": -7, "E4": -5, "F4": -4, "G4": -2, "A4": 0}
NOTES |= {"B4": 2, "C5": 3}


def frequency(note: str) -> float:
    return 440.0 * 2 ** (NOTES[note] / 12)


def tone(freq: float, seconds: float, volume: float = 1.0) -> list[float]:
    """A soft plucked-string-like tone: a few harmonics under a fast attack and decay."""
    count = round(seconds * RATE)
    attack = round(0.01 * RATE)
    out = []
    for n in range(count):
        t = n / RATE
        envelope = min(1.0, n / attack) * math.exp(-3.0 * t / seconds)
        wave_value = (
            math.sin(2 * math.pi * freq * t)
            + 0.35 * math.sin(4 * math.pi * freq * t)
            + 0.15 * math.sin(6 * math.pi * freq * t)
        ) / 1.5
        out.append(volume * envelope * wave_value)
    return out


def silence(seconds: float) -> list[float]:
    return [0.0] * round(seconds * RATE)


def melody(notes: list[str], note_s: float = 0.6, gap_s: float = 0.05) -> list[float]:
    out = silence(0.2)
    for note in notes:
        out += tone(frequency(note), note_s) + silence(gap_s)
    return out + silence(0.3)


def metre(beats_per_bar: int, bars: int, bpm: int = 100) -> list[float]:
    """Clicks with the first beat of every bar higher and louder."""
    beat_s = 60 / bpm
    click_s = 0.08
    out = silence(0.2)
    for beat in range(beats_per_bar * bars):
        strong = beat % beats_per_bar == 0
        click = tone(1760.0 if strong else 880.0, click_s, 1.0 if strong else 0.45)
        out += click + silence(beat_s - click_s)
    return out + silence(0.2)


CLIPS = {
    # Pentatonic, rising: 合 四 上 尺 工 六 (sol la do re mi sol).
    "clip-01.wav": melody(["G3", "A3", "C4", "D4", "E4", "G4"]),
    # Major scale, rising: do re mi fa sol la ti do.
    "clip-02.wav": melody(["C4", "D4", "E4", "F4", "G4", "A4", "B4", "C5"], note_s=0.5),
    # Pentatonic, falling: 工 尺 上 四 合 (mi re do la sol).
    "clip-03.wav": melody(["E4", "D4", "C4", "A3", "G3"]),
    # Four bars of triple metre (3/4) at 100 beats a minute.
    "clip-04.wav": metre(beats_per_bar=3, bars=4),
}


def write_wav(path: Path, samples: list[float]) -> None:
    frames = b"".join(
        struct.pack("<h", round(max(-1.0, min(1.0, PEAK * s)) * 32767)) for s in samples
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else DEFAULT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for name, samples in CLIPS.items():
        write_wav(folder / name, samples)
        print(f"{folder / name}: {len(samples) / RATE:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
