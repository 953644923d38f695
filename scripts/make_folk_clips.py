"""Synthesise the audio clips of the Cantonese folk-songs bank, as Ogg Vorbis.

The clips are made here rather than recorded so the repository owns every byte of
them and anyone can rebuild them: plain tones, no samples, no randomness. Each clip
teaches something that can be stated exactly (the 乙反 mode against the standard
scale, a metre, a 板眼 pattern); the question says the clip is synthesised.

    pip install soundfile   # build time only: it bundles libsndfile with Vorbis
    python scripts/make_folk_clips.py [OUTPUT_DIR]

The default output is question_banks/cantonese-folk-songs/media/. Every clip is
loudness-normalised to TARGET_LUFS, measured as ITU-R BS.1770-4 / EBU R128 measure
it (K-weighting, 400 ms blocks, absolute and relative gates), with sample peaks below
PEAK_DBFS: the target is low enough that the click tracks, whose peaks stand far
above their loudness, reach it too, so no clip is louder than another. A plain RMS
level would not do: it counts the silence between clicks and ignores that the ear
hears a 2 kHz tick as louder than a 200 Hz tone. The samples are identical on every
run; the Ogg files differ in their random stream serial numbers only. The shipped
files are committed, so running Leitai needs none of this.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

RATE = 16_000
TARGET_LUFS = -24.0
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
    """Scaled to TARGET_LUFS; a clip that would then peak above PEAK_DBFS is an error,
    not quietly made softer than the others."""
    gain = 10 ** ((TARGET_LUFS - loudness(samples)) / 20)
    peak = 20 * math.log10(max(abs(s) for s in samples) * gain)
    if peak > PEAK_DBFS:
        raise ValueError(f"at {TARGET_LUFS} LUFS a peak reaches {peak:.1f} dBFS; lower the target")
    return [s * gain for s in samples]


def loudness(samples: list[float]) -> float:
    """Integrated loudness in LUFS of a mono signal at RATE (ITU-R BS.1770-4)."""
    weighted = _biquad(_biquad(samples, *_high_shelf(1500.0, 4.0)), *_high_pass(38.0))
    block, step = round(0.4 * RATE), round(0.1 * RATE)
    powers = [
        sum(x * x for x in weighted[start : start + block]) / block
        for start in range(0, len(weighted) - block + 1, step)
    ]
    gated = [z for z in powers if z > 0 and _lufs(z) > -70.0]
    relative = _lufs(sum(gated) / len(gated)) - 10.0
    kept = [z for z in gated if _lufs(z) > relative]
    return _lufs(sum(kept) / len(kept))


def _lufs(mean_square: float) -> float:
    return -0.691 + 10 * math.log10(mean_square)


def _high_shelf(freq: float, gain_db: float) -> tuple[list[float], list[float]]:
    """The K-weighting's first stage, the head's boost of high frequencies (RBJ shelf)."""
    a, w0 = 10 ** (gain_db / 40), 2 * math.pi * freq / RATE
    alpha, cos = math.sin(w0) / (2 * (1 / math.sqrt(2))), math.cos(w0)
    root = 2 * math.sqrt(a) * alpha
    b = [
        a * ((a + 1) + (a - 1) * cos + root),
        -2 * a * ((a - 1) + (a + 1) * cos),
        a * ((a + 1) + (a - 1) * cos - root),
    ]
    return b, [
        (a + 1) - (a - 1) * cos + root,
        2 * ((a - 1) - (a + 1) * cos),
        (a + 1) - (a - 1) * cos - root,
    ]


def _high_pass(freq: float) -> tuple[list[float], list[float]]:
    """The K-weighting's second stage (RLB): low frequencies count for less."""
    w0 = 2 * math.pi * freq / RATE
    alpha, cos = math.sin(w0) / (2 * 0.5), math.cos(w0)
    return [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2], [1 + alpha, -2 * cos, 1 - alpha]


def _biquad(samples: list[float], b: list[float], a: list[float]) -> list[float]:
    b0, b1, b2 = (v / a[0] for v in b)
    a1, a2 = a[1] / a[0], a[2] / a[0]
    out, x1, x2, y1, y2 = [], 0.0, 0.0, 0.0, 0.0
    for x in samples:
        y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
        out.append(y)
        x1, x2, y1, y2 = x, x1, y, y1
    return out


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
