"""Synthesise the audio clips of the Cantonese folk-songs bank, as Ogg Vorbis.

The clips are made here rather than recorded so the repository owns every byte of
them and anyone can rebuild them: plain tones, no samples, no randomness. Each clip
teaches something that can be stated exactly (the 乙反 mode against the standard
scale, a metre, a 板眼 pattern); the question says the clip is synthesised.

    pip install soundfile   # build time only: it bundles libsndfile with Vorbis
    python scripts/make_folk_clips.py [OUTPUT_DIR]

The default output is question_banks/cantonese-folk-songs/media/. Every clip is
loudness-normalised to the same RMS level (TARGET_RMS_DBFS, peaks kept below
PEAK_DBFS), a plain stand-in for EBU R128 that is exact for steady synthetic tones,
so no clip is louder than another. The samples are identical on every run; the Ogg
files differ in their random stream serial numbers only. The shipped files are
committed, so running Leitai needs none of this.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

RATE = 16_000
TARGET_RMS_DBFS = -20.0
PEAK_DBFS = -1.0
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "question_banks/cantonese-folk-songs/media"

# Equal temperament, A4 = 440 Hz. With 上 = do = C4 the gongche names used in the
# bank are 合 G3, 四 A3, 上 C4, 尺 D4, 工 E4, 凡 F4, 六 G4, 五 A4, 乙 B4.
NOTES = {"G3": -14, "A3": -12, "C4": -9, "D4": -7, "E4": -5, "F4": -4, "G4": -2, "A4": 0}
NOTES |= {"B3": -10, "F3": -16, "B4": 2, "C5": 3}


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


def banyan(beats_per_bar: int, bars: int, bpm: int = 90) -> list[float]:
    """板眼: the 板 (a low, loud clapper stroke) on the first beat of every bar, the 眼
    (a light, high tick) on the others. One 板 and three 眼 is 一板三眼."""
    beat_s = 60 / bpm
    stroke_s = 0.06
    out = silence(0.2)
    for beat in range(beats_per_bar * bars):
        ban = beat % beats_per_bar == 0
        stroke = tone(600.0 if ban else 2400.0, stroke_s, 1.0 if ban else 0.35)
        out += stroke + silence(beat_s - stroke_s)
    return out + silence(0.2)


CLIPS = {
    # Pentatonic, rising: 合 四 上 尺 工 六 (sol la do re mi sol).
    "clip-01.ogg": melody(["G3", "A3", "C4", "D4", "E4", "G4"]),
    # Major scale, rising: do re mi fa sol la ti do.
    "clip-02.ogg": melody(["C4", "D4", "E4", "F4", "G4", "A4", "B4", "C5"], note_s=0.5),
    # Pentatonic, falling: 工 尺 上 四 合 (mi re do la sol).
    "clip-03.ogg": melody(["E4", "D4", "C4", "A3", "G3"]),
    # Four bars of triple metre (3/4) at 100 beats a minute.
    "clip-04.ogg": metre(beats_per_bar=3, bars=4),
    # The standard scale 合 士 上 尺 工 六 (sol la do re mi sol), a pause, then the 乙反
    # scale 合 乙 上 尺 反 六 (sol ti do re fa sol): 乙 and 反 replace 士 and 工. Equal
    # temperament; players bend 乙 and 反 slightly, which a plain synthesis does not.
    "clip-05.ogg": melody(["G3", "A3", "C4", "D4", "E4", "G4"], note_s=0.5)
    + silence(0.8)
    + melody(["G3", "B3", "C4", "D4", "F4", "G4"], note_s=0.5),
    # Six bars of duple metre (2/4) at 100 beats a minute.
    "clip-06.ogg": metre(beats_per_bar=2, bars=6),
    # Three bars of 一板三眼 (one 板, three 眼: four beats to the bar).
    "clip-07.ogg": banyan(beats_per_bar=4, bars=3),
}


def normalised(samples: list[float]) -> list[float]:
    """Scaled to TARGET_RMS_DBFS, or lower if a peak would pass PEAK_DBFS."""
    rms = math.sqrt(sum(s * s for s in samples) / len(samples))
    peak = max(abs(s) for s in samples)
    gain = min(10 ** (TARGET_RMS_DBFS / 20) / rms, 10 ** (PEAK_DBFS / 20) / peak)
    return [s * gain for s in samples]


def write_ogg(path: Path, samples: list[float]) -> None:
    import numpy as np
    import soundfile

    soundfile.write(
        str(path), np.asarray(normalised(samples)), RATE, format="OGG", subtype="VORBIS"
    )


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else DEFAULT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for name, samples in CLIPS.items():
        write_ogg(folder / name, samples)
        size = (folder / name).stat().st_size
        print(f"{folder / name}: {len(samples) / RATE:.1f} s, {size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
